//! Names of the enums that cross a boundary (events, snapshots, policy files, tokens, the
//! gRPC layer, the CLI, read models). [`named_enum!`](crate::named_enum!) writes each name
//! once: the same string is the serde name, `as_str()`, `Display` and what `FromStr`
//! accepts, so no other crate has to spell the names again.

use std::fmt;
use std::str::FromStr;

/// A unit-only enum whose values have stable snake_case names (written by
/// [`named_enum!`](crate::named_enum!)).
/// Generic code (parsers, the name test, a CLI's value list) works through this trait.
pub trait NamedEnum:
    Copy + Eq + fmt::Debug + fmt::Display + FromStr<Err = UnknownName> + 'static
{
    /// What a value names, for messages ("role", "contact method").
    const WHAT: &'static str;
    /// Every value, in declaration order.
    const ALL: &'static [Self];
    /// Every name, in the order of [`NamedEnum::ALL`].
    const NAMES: &'static [&'static str];

    /// The stable name (equal to the serde name).
    fn name(self) -> &'static str;
}

/// A name that is none of an enum's values. Its message lists the valid names, so a CLI or
/// an API can show it as it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} {given:?}: use {}", list(valid))]
pub struct UnknownName {
    /// What was being named ("role").
    pub what: &'static str,
    /// The name given.
    pub given: String,
    /// The valid names.
    pub valid: &'static [&'static str],
}

/// "a, b or c".
fn list(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// Parses a name of `E` (the body of every generated `FromStr`).
pub fn parse_name<E: NamedEnum>(given: &str) -> Result<E, UnknownName> {
    E::ALL
        .iter()
        .copied()
        .find(|e| e.name() == given)
        .ok_or_else(|| UnknownName {
            what: E::WHAT,
            given: given.to_string(),
            valid: E::NAMES,
        })
}

/// Declares a unit-only enum with one stable name per value:
///
/// ```
/// redress_domain::named_enum! {
///     /// How sure we are.
///     #[derive(Hash)]
///     pub enum Certainty as "certainty" {
///         /// Checked twice.
///         Sure = "sure",
///         Unsure = "unsure",
///     }
/// }
/// assert_eq!(Certainty::Sure.as_str(), "sure");
/// assert_eq!("unsure".parse::<Certainty>(), Ok(Certainty::Unsure));
/// assert_eq!(Certainty::ALL.len(), 2);
/// ```
///
/// The enum derives `Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize` (more may be
/// listed above it) and each value is serialised as its name; it gets `as_str()`, `ALL`,
/// `NAMES`, `Display`, `FromStr` (error: [`UnknownName`]) and [`NamedEnum`]. Another crate
/// may use it for its own enums (read-model kinds, CLI values) if it depends on `serde`.
#[macro_export]
macro_rules! named_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident as $what:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $str:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, ::serde::Serialize, ::serde::Deserialize)]
        $vis enum $name {
            $( $(#[$vmeta])* #[serde(rename = $str)] $variant, )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// Every name, in the order of `ALL`.
            pub const NAMES: &'static [&'static str] = &[$($str),+];

            /// The stable name (equal to the serde name).
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $str,)+
                }
            }
        }

        impl $crate::NamedEnum for $name {
            const WHAT: &'static str = $what;
            const ALL: &'static [Self] = $name::ALL;
            const NAMES: &'static [&'static str] = $name::NAMES;

            fn name(self) -> &'static str {
                self.as_str()
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::UnknownName;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $crate::parse_name(s)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::list;

    #[test]
    fn lists_names_in_prose() {
        assert_eq!(list(&[]), "");
        assert_eq!(list(&["a"]), "a");
        assert_eq!(list(&["a", "b"]), "a or b");
        assert_eq!(list(&["a", "b", "c"]), "a, b or c");
    }
}
