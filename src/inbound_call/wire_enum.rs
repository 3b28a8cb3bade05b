//! `with_every_variant!`: declares a fieldless enum together with `EVERY`, its variants in
//! declaration order. The inbound-call request's enums are checked field by field against lists
//! of their wire names, and read directly by serde: their tests walk `EVERY` to hold the two
//! together, and a variant added to the enum is in `EVERY` without anyone remembering it.

macro_rules! with_every_variant {
    ($(#[$meta:meta])* pub enum $name:ident { $($variant:ident),* $(,)? }) => {
        $(#[$meta])*
        pub enum $name {
            $($variant),*
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const EVERY: &'static [$name] = &[$($name::$variant),*];
        }
    };
}
