//! serde for the contract's unit enums, by the wire names strum derives (`IntoStaticStr`,
//! `VariantArray`, `VariantNames`).
//!
//! serde's derive would keep a second copy of every name and a visitor per enum; these impls
//! share strum's names and one generic lookup, which keeps the widget's wasm smaller (the
//! measurements are in `docs/architecture.md`, Bundle size). The wire format and the error
//! messages are serde's: a string, and "unknown variant `x`, expected one of …".

use serde::de::{self, Deserialize, Deserializer};
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

/// Reads a string and finds the variant with that wire name. The string is read as serde's
/// `String` and looked up by a non-generic function, so every enum shares the code each
/// deserializer already has for strings.
pub(crate) fn deserialize<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: VariantArray + VariantNames + Copy,
{
    let value = String::deserialize(deserializer)?;
    match position(<T as VariantNames>::VARIANTS, &value) {
        Some(index) => Ok(<T as VariantArray>::VARIANTS[index]),
        None => Err(de::Error::unknown_variant(
            &value,
            <T as VariantNames>::VARIANTS,
        )),
    }
}

/// Where `value` is in `names` (strum lists names and variants in the same order).
fn position(names: &[&str], value: &str) -> Option<usize> {
    names.iter().position(|&name| name == value)
}
