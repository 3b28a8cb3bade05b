//! `wire_enum!`: a fieldless enum declared with each variant's wire name, which also gives
//! `EVERY` (its variants in order), `NAMES` (their wire names, in the same order) and `name()`.
//! The inbound-call request's enums are read two ways — by serde straight into the type, and
//! field by field against the list of names — and both must take the same names: written once
//! here, they cannot drift apart.

macro_rules! wire_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $($variant:ident = $wire:literal),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $(#[serde(rename = $wire)] $variant),*
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const EVERY: &'static [$name] = &[$($name::$variant),*];

            /// Every variant's wire name, in the same order.
            pub const NAMES: &'static [&'static str] = &[$($wire),*];

            /// The wire name (`NO_ANSWER`).
            pub fn name(self) -> &'static str {
                match self {
                    $($name::$variant => $wire),*
                }
            }
        }
    };
}
