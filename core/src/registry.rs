//! The one definition of what the `u8` registry newtypes share
//! ([`Protocol`](crate::header::Protocol),
//! [`IcmpType`](crate::icmp::IcmpType),
//! [`OptionKind`](crate::options::OptionKind),
//! [`MessageType`](crate::igmp::MessageType),
//! [`RecordType`](crate::igmp::RecordType)).

/// Defines a public newtype over a registry byte: every value, named or
/// not, round-trips.
///
/// It gets the common derives, `#[repr(transparent)]`, `From<u8>` and
/// `From<Type> for u8`, and a `Debug` that shows the registry name (from the
/// method given as `debug_name`) or, for a number the crate does not name,
/// `Type(n)`. With `display_unknown`, it also gets a `Display` that shows
/// `name()` or that format applied to the number; without, the type writes
/// its own. Constants, `name` and anything else are the type's own.
macro_rules! u8_registry {
    (
        $(#[$attr:meta])*
        pub struct $ty:ident(pub u8);
        debug_name: $debug_name:ident;
        $(display_unknown: $unknown:literal;)?
    ) => {
        $(#[$attr])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[repr(transparent)]
        pub struct $ty(pub u8);

        impl From<u8> for $ty {
            #[inline]
            fn from(value: u8) -> Self {
                $ty(value)
            }
        }

        impl From<$ty> for u8 {
            #[inline]
            fn from(value: $ty) -> Self {
                value.0
            }
        }

        #[doc = concat!("The registry name when the crate knows one, else `", stringify!($ty), "(n)`.")]
        impl core::fmt::Debug for $ty {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                match self.$debug_name() {
                    Some(name) => f.write_str(name),
                    None => write!(f, concat!(stringify!($ty), "({})"), self.0),
                }
            }
        }

        $(
            #[doc = concat!("The name when the crate knows one, else `", $unknown, "`.")]
            impl core::fmt::Display for $ty {
                fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                    match self.name() {
                        Some(name) => f.write_str(name),
                        None => write!(f, $unknown, self.0),
                    }
                }
            }
        )?
    };
}

pub(crate) use u8_registry;
