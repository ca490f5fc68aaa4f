//! The project / repository picker shown after a successful verify when `select` is on.

use azdo_connect_core::contract::{RepositoryKind, SelectedProject, SelectedRepository, Selection};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::config::Select;
use crate::i18n::Strings;
use crate::state::PickerList;

/// Properties of [`picker`].
#[derive(Debug, Clone, PartialEq)]
pub struct PickerProps {
    /// Projects or repositories.
    pub select: Select,
    /// What is loaded.
    pub list: PickerList,
    /// What is picked.
    pub selection: Selection,
    /// The words.
    pub strings: Strings,
    /// The search text changed.
    pub on_search: Callback<String>,
    /// "Load more".
    pub on_more: Callback<()>,
    /// A project checkbox was toggled.
    pub on_project: Callback<SelectedProject>,
    /// A repository checkbox was toggled.
    pub on_repository: Callback<SelectedRepository>,
    /// "Use this selection".
    pub on_done: Callback<()>,
}

/// The picker.
pub fn picker(props: &PickerProps) -> Html {
    let s = &props.strings;
    let list = &props.list;
    let repositories = props.select == Select::Repositories;
    let heading = s.get(if repositories {
        "picker.repositories"
    } else {
        "picker.projects"
    });
    let oninput = props
        .on_search
        .reform(|e: InputEvent| e.target_unchecked_into::<HtmlInputElement>().value());
    let items = list.projects.iter().map(|project| {
        let selected = SelectedProject {
            id: project.id.clone(),
            name: project.name.clone(),
        };
        if repositories {
            html! {
                <li key={project.id.clone()}>
                    <span class="project-name">{ project.name.clone() }</span>
                    <ul aria-label={project.name.clone()}>
                        { for project.repositories.iter().map(|repo| {
                            let picked = SelectedRepository {
                                id: repo.id.clone(),
                                name: repo.name.clone(),
                                kind: repo.kind,
                                project_id: project.id.clone(),
                            };
                            let checked = props.selection.repositories.iter().any(|r| r.id == repo.id);
                            let onchange = props.on_repository.reform(move |_: Event| picked.clone());
                            let badge = s.get(match repo.kind {
                                RepositoryKind::Git => "picker.git",
                                RepositoryKind::Tfvc => "picker.tfvc",
                            });
                            // Azure DevOps answers 404 to every call into a disabled repository.
                            let disabled = repo.disabled;
                            html! {
                                <li key={repo.id.clone()} class={classes!(disabled.then_some("disabled"))}>
                                    <label>
                                        <input type="checkbox" data-repository-id={repo.id.clone()} {checked} {disabled} {onchange} />
                                        { " " }{ repo.name.clone() }
                                        <span class="badge">{ badge }</span>
                                        if disabled {
                                            <span class="badge">{ s.get("picker.disabled") }</span>
                                        }
                                    </label>
                                </li>
                            }
                        }) }
                    </ul>
                </li>
            }
        } else {
            let checked = props.selection.projects.iter().any(|p| p.id == project.id);
            let onchange = props.on_project.reform(move |_: Event| selected.clone());
            html! {
                <li key={project.id.clone()}>
                    <label>
                        <input type="checkbox" data-project-id={project.id.clone()} {checked} {onchange} />
                        { " " }{ project.name.clone() }
                    </label>
                </li>
            }
        }
    });
    html! {
        <section id="picker" class="picker" part="picker" aria-labelledby="picker-heading">
            <h3 id="picker-heading">{ heading }</h3>
            <div class="field">
                <label for="picker-search">{ s.get("picker.search") }</label>
                <input id="picker-search" type="search" part="input" autocomplete="off" value={list.search.clone()} {oninput} />
            </div>
            <ul id="picker-list" aria-busy={if list.loading.is_some() { "true" } else { "false" }}>
                { for items }
            </ul>
            <p class="status" role="status" aria-live="polite">
                if list.loading.is_some() {
                    { s.get("picker.loading") }
                } else if list.projects.is_empty() && list.error.is_none() {
                    { s.get("picker.empty") }
                }
            </p>
            if let Some(error) = &list.error {
                <p id="picker-error" class="invalid" part="error">{ s.get(&format!("error.{}", error.code.as_str())) }</p>
            }
            <div class="actions">
                if list.continuation.is_some() {
                    <button id="picker-more" type="button" part="button" disabled={list.loading.is_some()}
                        onclick={props.on_more.reform(|_: MouseEvent| ())}>{ s.get("picker.more") }</button>
                }
                <button id="picker-done" type="button" class="primary" part="button connect"
                    onclick={props.on_done.reform(|_: MouseEvent| ())}>{ s.get("picker.done") }</button>
            </div>
        </section>
    }
}
