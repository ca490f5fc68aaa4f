//! serde for the contract's unit enums, by the wire names strum derives (`IntoStaticStr`,
//! `VariantArray`, `VariantNames`).
//!
//! serde's derive would keep a second copy of every name and a visitor per enum; these impls
//! share strum's names and one generic lookup, which keeps the widget's wasm smaller (the
//! measurements are in `docs/architecture.md`, Bundle size). The wire format and the error
//! messages are serde's: a string, and "unknown variant `x`, expected one of …".

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, Visitor};
use strum::{VariantArray, VariantNames};

/// `Serialize` and `Deserialize` for unit enums that derive strum's `IntoStaticStr`,
/// `VariantArray` and `VariantNames`: each value is its wire name as a JSON string.
macro_rules! serde_by_wire_name {
    ($($enum:ty),+ $(,)?) => {$(
        impl serde::Serialize for $enum {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(<&'static str>::from(*self))
            }
        }

        impl<'de> serde::Deserialize<'de> for $enum {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $crate::wire_name::deserialize(deserializer)
            }
        }
    )+};
}
pub(crate) use serde_by_wire_name;

/// Reads a string and finds the variant with that wire name. A visitor rather than a `String`
/// read first, so errors keep the deserializer's position; the lookup itself is generic over the
/// error type only, shared by every enum.
pub(crate) fn deserialize<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: VariantArray + VariantNames + Copy,
{
    deserializer.deserialize_str(WireName(PhantomData))
}

struct WireName<T>(PhantomData<T>);

impl<T: VariantArray + VariantNames + Copy> Visitor<'_> for WireName<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("variant identifier")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<T, E> {
        position(<T as VariantNames>::VARIANTS, value)
            .map(|index| <T as VariantArray>::VARIANTS[index])
    }
}

/// Where `value` is in `names` (strum lists names and variants in the same order), or serde's
/// "unknown variant" error.
fn position<E: de::Error>(names: &'static [&'static str], value: &str) -> Result<usize, E> {
    names
        .iter()
        .position(|&name| name == value)
        .ok_or_else(|| E::unknown_variant(value, names))
}

#[cfg(test)]
mod tests {
    use crate::contract::{Method, ScopeState};
    use crate::ErrorCode;

    #[test]
    fn names_are_strings_and_anything_else_is_refused_as_serde_would() {
        assert_eq!(
            serde_json::to_string(&[ErrorCode::TokenExpired, ErrorCode::CspBlocked]).unwrap(),
            r#"["token_expired","csp_blocked"]"#
        );
        assert_eq!(
            serde_json::from_str::<ScopeState>(r#""granted""#).unwrap(),
            ScopeState::Granted
        );
        let unknown = serde_json::from_str::<Method>(r#""Pat""#).unwrap_err();
        assert_eq!(
            unknown.to_string(),
            "unknown variant `Pat`, expected `pat` or `entra` at line 1 column 5"
        );
        let number = serde_json::from_str::<Method>("1").unwrap_err();
        assert!(
            number.to_string().starts_with("invalid type: integer `1`"),
            "{number}"
        );
    }
}
