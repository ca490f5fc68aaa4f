//! The widget's words in English, German and French.
//!
//! Every string has a key. A host overrides any of them through the element's `strings` property
//! (`{ "connect": "Verbinden" }`); a key missing in the chosen language falls back to English.
//! Templates use `{name}` placeholders.

use std::rc::Rc;

use crate::TextMap;

/// A language the widget ships words for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Lang {
    /// English, the fallback.
    #[default]
    En,
    /// German.
    De,
    /// French.
    Fr,
}

impl Lang {
    /// Picks the language for a BCP 47 tag such as `de-CH`; unknown tags get English.
    pub fn from_tag(tag: Option<&str>) -> Lang {
        let primary = tag
            .and_then(|t| t.trim().split(['-', '_']).next())
            .map(str::to_ascii_lowercase);
        match primary.as_deref() {
            Some("de") => Lang::De,
            Some("fr") => Lang::Fr,
            _ => Lang::En,
        }
    }

    /// The BCP 47 tag for the words shown, for the `lang` attribute of the rendered tree.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::De => "de",
            Lang::Fr => "fr",
        }
    }

    fn table(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Lang::En => EN,
            Lang::De => DE,
            Lang::Fr => FR,
        }
    }
}

/// The words for one element: a language plus the host's overrides.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Strings {
    lang: Lang,
    overrides: Rc<TextMap>,
}

impl Strings {
    /// Words in `lang`, with `overrides` taking precedence.
    pub fn new(lang: Lang, overrides: TextMap) -> Self {
        Strings {
            lang,
            overrides: Rc::new(overrides),
        }
    }

    /// The language in use.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The text for `key`; the key itself if no table has it, so a typo shows instead of hiding.
    pub fn get(&self, key: &str) -> String {
        if let Some(text) = self.overrides.get(key) {
            return text.to_owned();
        }
        lookup(self.lang.table(), key)
            .or_else(|| lookup(EN, key))
            .unwrap_or(key)
            .to_owned()
    }

    /// The text for `key` only if the host overrode it or the chosen language translates it;
    /// `None` means "use the English text from elsewhere" (e.g. core's messages).
    pub fn localized(&self, key: &str, args: &[(&str, &str)]) -> Option<String> {
        let known = self.overrides.contains_key(key)
            || (self.lang != Lang::En && lookup(self.lang.table(), key).is_some());
        known.then(|| self.fill(key, args))
    }

    /// The text for `key` with each `{name}` replaced by its value.
    pub fn fill(&self, key: &str, args: &[(&str, &str)]) -> String {
        let mut text = self.get(key);
        for (name, value) in args {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }
}

fn lookup(table: &'static [(&'static str, &'static str)], key: &str) -> Option<&'static str> {
    table.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

/// English: the reference table. Every key the widget uses is here.
const EN: &[(&str, &str)] = &[
    ("title", "Connect Azure DevOps"),
    ("org.label", "Organization"),
    ("org.hint", "Its name, or any address from it, such as https://dev.azure.com/your-org."),
    ("org.preview", "We will connect to"),
    ("pat.label", "Personal access token"),
    ("pat.show", "Show"),
    ("pat.hide", "Hide"),
    ("pat.show.label", "Show the token"),
    ("pat.hide.label", "Hide the token"),
    ("pat.required", "Paste a personal access token."),
    ("pat.format.legacy", "A 52-character token, the format Azure DevOps issued before July 2024."),
    ("pat.format.modern", "An 84-character Azure DevOps token."),
    ("pat.format.entraJwt", "This is a Microsoft Entra access token, not a personal access token. It expires within an hour; create a personal access token instead."),
    ("pat.format.unknown", "This does not look like an Azure DevOps personal access token. You can still try it."),
    ("connect", "Connect"),
    ("step.sending", "Sending the token to {org} for checking…"),
    ("step.checking", "Azure DevOps is checking the token and its scopes…"),
    ("success", "Connected to {org} as {name}"),
    ("scopes.heading", "Permissions this service needs"),
    ("scope.granted", "granted"),
    ("scope.missing", "missing"),
    ("scope.unknown", "can't tell without making changes"),
    ("error.heading", "Could not connect"),
    ("error.invalid_request", "The request was not understood. Reload the page and try again."),
    ("error.invalid_organization", "That organization name or address is not valid."),
    ("error.host_not_allowed", "That address is not an Azure DevOps organization this service can connect to."),
    ("error.token_format", "That is not a personal access token. Copy the token again from Azure DevOps."),
    ("error.token_invalid", "Azure DevOps did not accept this token. Check that it belongs to this organization and has not been revoked."),
    ("error.token_expired", "This token has expired. Create a new one, or extend it, in Azure DevOps."),
    ("error.organization_not_found", "Azure DevOps has no organization by that name. Check the spelling."),
    ("error.missing_scopes", "The token works, but it lacks permissions this service needs."),
    ("error.missing_scopes.add", "Edit the token in Azure DevOps and add: {scopes}"),
    ("error.rate_limited", "Azure DevOps is limiting requests right now."),
    ("error.upstream_unavailable", "Azure DevOps could not be reached or had a problem. Try again in a moment."),
    ("error.upstream_timeout", "Azure DevOps took too long to answer. Try again in a moment."),
    ("error.forbidden_origin", "This page is not allowed to use the connection service. Ask the site's administrator."),
    ("error.payload_too_large", "The request was too large."),
    ("error.csp_blocked", "This page's security policy blocked the connection widget."),
    ("error.proxy_unreachable", "The connection service of this site could not be reached. Check your network and try again."),
    ("error.internal", "Something went wrong inside the connection widget. Reload the page and try again."),
    ("retry", "Try again"),
    ("retry.wait", "You can try again in {seconds} s."),
    ("guide.heading", "How to create the token"),
    ("guide.open", "Open your personal access tokens in {org}"),
    ("guide.open.generic", "In Azure DevOps, open User settings › Personal access tokens › New Token."),
    ("guide.scopes", "Under Scopes, choose Custom defined and tick:"),
    ("guide.full", "Under Scopes, choose Full access: this service needs every permission."),
    ("guide.once", "Azure DevOps shows the token only once: copy it now."),
    ("guide.expiry", "Set an expiry date and a reminder to renew the token before it runs out."),
    ("guide.service", "Consider creating the token for a service account rather than a person, so the connection outlives staff changes."),
    ("guide.global", "Choose this organization, not All accessible organizations: global tokens stop working on 1 December 2026."),
    ("connected.status", "Connected to {org} as {name}"),
    ("connected.verified", "verified {when}"),
    ("connected.change", "Change token"),
    ("connected.disconnect", "Disconnect"),
    ("disconnect.confirm", "Disconnect {org}? This service will lose access until you connect again."),
    ("disconnect.yes", "Yes, disconnect"),
    ("disconnect.no", "Cancel"),
    ("change.cancel", "Keep the current token"),
    ("picker.projects", "Projects"),
    ("picker.repositories", "Repositories"),
    ("picker.search", "Search projects"),
    ("picker.more", "Load more"),
    ("picker.loading", "Loading projects…"),
    ("picker.empty", "No projects match."),
    ("picker.done", "Use this selection"),
    ("picker.git", "Git"),
    ("picker.tfvc", "TFVC"),
    // English organization errors come from core's `OrgError` Display; these keys exist so hosts
    // can override them, and so the translations have a reference.
    ("org.error.empty", "Enter your Azure DevOps organization: its name, or any URL from it such as https://dev.azure.com/your-org."),
    ("org.error.malformed", "That is neither an organization name nor an address we can read."),
    ("org.error.notAzureDevOps", "{host} is not an Azure DevOps address. Use https://dev.azure.com/your-org or https://your-org.visualstudio.com."),
    ("org.error.missingOrganization", "That address does not include an organization. Add it after the host, like https://dev.azure.com/your-org."),
    ("org.error.invalidName", "\u{201c}{name}\u{201d} is not a valid organization name."),
    ("org.error.serverNotAllowed", "{host} looks like an Azure DevOps Server, but this service is not set up to connect to it."),
];

const DE: &[(&str, &str)] = &[
    ("title", "Azure DevOps verbinden"),
    ("org.label", "Organisation"),
    ("org.hint", "Ihr Name oder eine beliebige Adresse daraus, etwa https://dev.azure.com/ihre-org."),
    ("org.preview", "Wir verbinden mit"),
    ("pat.label", "Persönliches Zugriffstoken"),
    ("pat.show", "Anzeigen"),
    ("pat.hide", "Verbergen"),
    ("pat.show.label", "Token anzeigen"),
    ("pat.hide.label", "Token verbergen"),
    ("pat.required", "Fügen Sie ein persönliches Zugriffstoken ein."),
    ("pat.format.legacy", "Ein Token mit 52 Zeichen, das Format von Azure DevOps vor Juli 2024."),
    ("pat.format.modern", "Ein Azure-DevOps-Token mit 84 Zeichen."),
    ("pat.format.entraJwt", "Das ist ein Microsoft-Entra-Zugriffstoken, kein persönliches Zugriffstoken. Es läuft binnen einer Stunde ab; erstellen Sie stattdessen ein persönliches Zugriffstoken."),
    ("pat.format.unknown", "Das sieht nicht wie ein persönliches Zugriffstoken von Azure DevOps aus. Sie können es trotzdem versuchen."),
    ("connect", "Verbinden"),
    ("step.sending", "Das Token wird zur Prüfung an {org} gesendet…"),
    ("step.checking", "Azure DevOps prüft das Token und seine Bereiche…"),
    ("success", "Mit {org} verbunden als {name}"),
    ("scopes.heading", "Berechtigungen, die dieser Dienst braucht"),
    ("scope.granted", "erteilt"),
    ("scope.missing", "fehlt"),
    ("scope.unknown", "ohne Änderungen nicht feststellbar"),
    ("error.heading", "Verbindung fehlgeschlagen"),
    ("error.token_invalid", "Azure DevOps hat dieses Token nicht akzeptiert. Prüfen Sie, ob es zu dieser Organisation gehört und nicht widerrufen wurde."),
    ("error.token_expired", "Dieses Token ist abgelaufen. Erstellen oder verlängern Sie es in Azure DevOps."),
    ("error.organization_not_found", "Azure DevOps kennt keine Organisation mit diesem Namen. Prüfen Sie die Schreibweise."),
    ("error.missing_scopes", "Das Token funktioniert, aber ihm fehlen Berechtigungen, die dieser Dienst braucht."),
    ("error.missing_scopes.add", "Bearbeiten Sie das Token in Azure DevOps und fügen Sie hinzu: {scopes}"),
    ("error.rate_limited", "Azure DevOps begrenzt gerade die Anfragen."),
    ("error.upstream_unavailable", "Azure DevOps war nicht erreichbar oder hatte ein Problem. Versuchen Sie es gleich noch einmal."),
    ("error.upstream_timeout", "Azure DevOps hat zu lange gebraucht. Versuchen Sie es gleich noch einmal."),
    ("error.proxy_unreachable", "Der Verbindungsdienst dieser Website ist nicht erreichbar. Prüfen Sie Ihr Netzwerk und versuchen Sie es erneut."),
    ("error.internal", "Im Verbindungs-Widget ist ein Fehler aufgetreten. Laden Sie die Seite neu."),
    ("retry", "Erneut versuchen"),
    ("retry.wait", "Erneut versuchen in {seconds} s."),
    ("guide.heading", "So erstellen Sie das Token"),
    ("guide.open", "Ihre persönlichen Zugriffstokens in {org} öffnen"),
    ("guide.scopes", "Wählen Sie unter Scopes „Custom defined“ und aktivieren Sie:"),
    ("guide.full", "Wählen Sie unter Scopes „Full access“: Dieser Dienst benötigt alle Berechtigungen."),
    ("guide.once", "Azure DevOps zeigt das Token nur einmal an: Kopieren Sie es jetzt."),
    ("guide.expiry", "Legen Sie ein Ablaufdatum und eine Erinnerung zum Erneuern fest."),
    ("guide.service", "Erstellen Sie das Token am besten für ein Dienstkonto statt für eine Person."),
    ("guide.global", "Wählen Sie diese Organisation, nicht „All accessible organizations“: globale Tokens funktionieren ab dem 1. Dezember 2026 nicht mehr."),
    ("connected.status", "Mit {org} verbunden als {name}"),
    ("connected.verified", "geprüft {when}"),
    ("connected.change", "Token ändern"),
    ("connected.disconnect", "Trennen"),
    ("disconnect.confirm", "{org} trennen? Dieser Dienst verliert den Zugriff, bis Sie erneut verbinden."),
    ("disconnect.yes", "Ja, trennen"),
    ("disconnect.no", "Abbrechen"),
    ("picker.projects", "Projekte"),
    ("picker.repositories", "Repositorys"),
    ("picker.search", "Projekte suchen"),
    ("picker.more", "Mehr laden"),
    ("picker.loading", "Projekte werden geladen…"),
    ("picker.empty", "Keine passenden Projekte."),
    ("picker.done", "Diese Auswahl verwenden"),
    ("org.error.empty", "Geben Sie Ihre Azure-DevOps-Organisation ein: ihren Namen oder eine Adresse daraus wie https://dev.azure.com/ihre-org."),
    ("org.error.malformed", "Diese Eingabe ist weder ein Organisationsname noch eine lesbare Adresse."),
    ("org.error.notAzureDevOps", "{host} ist keine Azure-DevOps-Adresse. Verwenden Sie https://dev.azure.com/ihre-org oder https://ihre-org.visualstudio.com."),
    ("org.error.missingOrganization", "Diese Adresse enthält keine Organisation. Fügen Sie sie nach dem Host an, etwa https://dev.azure.com/ihre-org."),
    ("org.error.invalidName", "„{name}“ ist kein gültiger Organisationsname: höchstens 50 Zeichen, nur Buchstaben, Ziffern und Bindestriche, nicht am Anfang oder Ende."),
    ("org.error.serverNotAllowed", "{host} sieht nach einem Azure DevOps Server aus, aber dieser Dienst darf sich nicht damit verbinden. Fragen Sie den Administrator des Dienstes."),
];

const FR: &[(&str, &str)] = &[
    ("title", "Connecter Azure DevOps"),
    ("org.label", "Organisation"),
    ("org.hint", "Son nom, ou toute adresse qui en provient, comme https://dev.azure.com/votre-org."),
    ("org.preview", "Nous nous connecterons à"),
    ("pat.label", "Jeton d’accès personnel"),
    ("pat.show", "Afficher"),
    ("pat.hide", "Masquer"),
    ("pat.show.label", "Afficher le jeton"),
    ("pat.hide.label", "Masquer le jeton"),
    ("pat.required", "Collez un jeton d’accès personnel."),
    ("pat.format.legacy", "Un jeton de 52 caractères, le format émis par Azure DevOps avant juillet 2024."),
    ("pat.format.modern", "Un jeton Azure DevOps de 84 caractères."),
    ("pat.format.entraJwt", "Ceci est un jeton d’accès Microsoft Entra, pas un jeton d’accès personnel. Il expire en moins d’une heure ; créez plutôt un jeton d’accès personnel."),
    ("pat.format.unknown", "Cela ne ressemble pas à un jeton d’accès personnel Azure DevOps. Vous pouvez quand même l’essayer."),
    ("connect", "Connecter"),
    ("step.sending", "Envoi du jeton à {org} pour vérification…"),
    ("step.checking", "Azure DevOps vérifie le jeton et ses étendues…"),
    ("success", "Connecté à {org} en tant que {name}"),
    ("scopes.heading", "Autorisations nécessaires à ce service"),
    ("scope.granted", "accordée"),
    ("scope.missing", "manquante"),
    ("scope.unknown", "impossible à vérifier sans modification"),
    ("error.heading", "Connexion impossible"),
    ("error.token_invalid", "Azure DevOps n’a pas accepté ce jeton. Vérifiez qu’il appartient à cette organisation et qu’il n’a pas été révoqué."),
    ("error.token_expired", "Ce jeton a expiré. Créez-en un nouveau ou prolongez-le dans Azure DevOps."),
    ("error.organization_not_found", "Azure DevOps ne connaît aucune organisation de ce nom. Vérifiez l’orthographe."),
    ("error.missing_scopes", "Le jeton fonctionne, mais il lui manque des autorisations nécessaires à ce service."),
    ("error.missing_scopes.add", "Modifiez le jeton dans Azure DevOps et ajoutez : {scopes}"),
    ("error.rate_limited", "Azure DevOps limite les requêtes en ce moment."),
    ("error.upstream_unavailable", "Azure DevOps est injoignable ou a rencontré un problème. Réessayez dans un instant."),
    ("error.upstream_timeout", "Azure DevOps a mis trop de temps à répondre. Réessayez dans un instant."),
    ("error.proxy_unreachable", "Le service de connexion de ce site est injoignable. Vérifiez votre réseau et réessayez."),
    ("error.internal", "Une erreur s’est produite dans le widget de connexion. Rechargez la page."),
    ("retry", "Réessayer"),
    ("retry.wait", "Vous pourrez réessayer dans {seconds} s."),
    ("guide.heading", "Comment créer le jeton"),
    ("guide.open", "Ouvrir vos jetons d’accès personnels dans {org}"),
    ("guide.scopes", "Sous Scopes, choisissez « Custom defined » et cochez :"),
    ("guide.full", "Sous Scopes, choisissez « Full access » : ce service a besoin de toutes les autorisations."),
    ("guide.once", "Azure DevOps n’affiche le jeton qu’une seule fois : copiez-le maintenant."),
    ("guide.expiry", "Fixez une date d’expiration et un rappel pour le renouveler."),
    ("guide.service", "Créez de préférence le jeton pour un compte de service plutôt que pour une personne."),
    ("guide.global", "Choisissez cette organisation, pas « All accessible organizations » : les jetons globaux cessent de fonctionner le 1er décembre 2026."),
    ("connected.status", "Connecté à {org} en tant que {name}"),
    ("connected.verified", "vérifié {when}"),
    ("connected.change", "Changer de jeton"),
    ("connected.disconnect", "Déconnecter"),
    ("disconnect.confirm", "Déconnecter {org} ? Ce service perdra l’accès jusqu’à une nouvelle connexion."),
    ("disconnect.yes", "Oui, déconnecter"),
    ("disconnect.no", "Annuler"),
    ("picker.projects", "Projets"),
    ("picker.repositories", "Dépôts"),
    ("picker.search", "Rechercher des projets"),
    ("picker.more", "Charger plus"),
    ("picker.loading", "Chargement des projets…"),
    ("picker.empty", "Aucun projet ne correspond."),
    ("picker.done", "Utiliser cette sélection"),
    ("org.error.empty", "Saisissez votre organisation Azure DevOps : son nom, ou une adresse qui en provient, comme https://dev.azure.com/votre-org."),
    ("org.error.malformed", "Ce n’est ni un nom d’organisation ni une adresse lisible."),
    ("org.error.notAzureDevOps", "{host} n’est pas une adresse Azure DevOps. Utilisez https://dev.azure.com/votre-org ou https://votre-org.visualstudio.com."),
    ("org.error.missingOrganization", "Cette adresse ne contient pas d’organisation. Ajoutez-la après l’hôte, comme https://dev.azure.com/votre-org."),
    ("org.error.invalidName", "« {name} » n’est pas un nom d’organisation valide : 50 caractères au plus, uniquement lettres, chiffres et tirets, sans tiret au début ni à la fin."),
    ("org.error.serverNotAllowed", "{host} ressemble à un Azure DevOps Server, mais ce service n’est pas autorisé à s’y connecter. Demandez à l’administrateur du service."),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_pick_a_language() {
        assert_eq!(Lang::from_tag(Some("de-CH")), Lang::De);
        assert_eq!(Lang::from_tag(Some("FR")), Lang::Fr);
        assert_eq!(Lang::from_tag(Some("pt-BR")), Lang::En);
        assert_eq!(Lang::from_tag(None), Lang::En);
    }

    #[test]
    fn every_translated_key_exists_in_english() {
        for (key, _) in DE.iter().chain(FR) {
            assert!(
                lookup(EN, key).is_some(),
                "{key} is translated but not in English"
            );
        }
    }

    #[test]
    fn keys_are_unique_per_table() {
        for table in [EN, DE, FR] {
            for (i, (key, _)) in table.iter().enumerate() {
                assert!(
                    !table[i + 1..].iter().any(|(k, _)| k == key),
                    "{key} appears twice"
                );
            }
        }
    }

    #[test]
    fn missing_translations_fall_back_to_english() {
        let de = Strings::new(Lang::De, TextMap::new());
        assert_eq!(de.get("connect"), "Verbinden");
        assert_eq!(de.get("picker.git"), "Git");
        assert_eq!(de.get("no.such.key"), "no.such.key");
    }

    #[test]
    fn localized_is_only_for_overrides_and_translations() {
        assert_eq!(Strings::default().localized("org.error.empty", &[]), None);
        let de = Strings::new(Lang::De, TextMap::new());
        assert!(de
            .localized("org.error.notAzureDevOps", &[("host", "github.com")])
            .is_some_and(|t| t.starts_with("github.com ist")));
        let en = Strings::new(
            Lang::En,
            [("org.error.empty", "Org?")].into_iter().collect(),
        );
        assert_eq!(
            en.localized("org.error.empty", &[]).as_deref(),
            Some("Org?")
        );
    }

    #[test]
    fn overrides_win_and_placeholders_fill() {
        let overrides = [("success", "Hi {name} @ {org}")].into_iter().collect();
        let en = Strings::new(Lang::En, overrides);
        assert_eq!(
            en.fill("success", &[("org", "contoso"), ("name", "Dana Demo")]),
            "Hi Dana Demo @ contoso"
        );
        assert_eq!(
            Strings::default().fill("success", &[("org", "contoso"), ("name", "Dana Demo")]),
            "Connected to contoso as Dana Demo"
        );
    }
}
