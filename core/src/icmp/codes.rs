//! The Code byte of each ICMPv4 type with named codes, as `u8` newtypes:
//! every value converts in and out unchanged, assigned or not.

use core::fmt;

macro_rules! code_type {
    (
        $(#[$meta:meta])*
        $name:ident, $unknown:literal {
            $( $(#[$cmeta:meta])* $konst:ident = $value:literal, $text:literal; )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub u8);

        impl $name {
            $( $(#[$cmeta])* pub const $konst: $name = $name($value); )*

            /// The code's name in lower case, or `None` for an unassigned
            /// value.
            pub const fn name(self) -> Option<&'static str> {
                match self.0 {
                    $( $value => Some($text), )*
                    _ => None,
                }
            }
        }

        impl From<u8> for $name {
            fn from(code: u8) -> $name {
                $name(code)
            }
        }

        impl From<$name> for u8 {
            fn from(code: $name) -> u8 {
                code.0
            }
        }

        /// The name, or `code n` for an unassigned value.
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self.name() {
                    Some(name) => f.write_str(name),
                    None => write!(f, concat!($unknown, " code {}"), self.0),
                }
            }
        }

        /// The name, or the type name with the number.
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self.name() {
                    Some(name) => f.write_str(name),
                    None => write!(f, concat!(stringify!($name), "({})"), self.0),
                }
            }
        }
    };
}

code_type! {
    /// The code of a Destination Unreachable message (type 3): [RFC 792],
    /// [RFC 1122 §3.2.2.1], [RFC 1812 §5.2.7.1], the [IANA registry].
    ///
    /// ```
    /// use ipv4_core::icmp::UnreachableCode;
    ///
    /// assert_eq!(UnreachableCode::from(4), UnreachableCode::FRAGMENTATION_NEEDED);
    /// assert_eq!(UnreachableCode::PORT.to_string(), "port unreachable");
    /// assert_eq!(UnreachableCode(16).to_string(), "unreachable code 16");
    /// ```
    ///
    /// [RFC 792]: https://www.rfc-editor.org/rfc/rfc792
    /// [RFC 1122 §3.2.2.1]: https://www.rfc-editor.org/rfc/rfc1122#section-3.2.2.1
    /// [RFC 1812 §5.2.7.1]: https://www.rfc-editor.org/rfc/rfc1812#section-5.2.7.1
    /// [IANA registry]: https://www.iana.org/assignments/icmp-parameters/icmp-parameters.xhtml#icmp-parameters-codes-3
    UnreachableCode, "unreachable" {
        /// 0: net unreachable.
        NET = 0, "net unreachable";
        /// 1: host unreachable.
        HOST = 1, "host unreachable";
        /// 2: protocol unreachable.
        PROTOCOL = 2, "protocol unreachable";
        /// 3: port unreachable.
        PORT = 3, "port unreachable";
        /// 4: fragmentation needed and DF set; the message carries the
        /// next-hop MTU ([RFC 1191 §4]).
        ///
        /// [RFC 1191 §4]: https://www.rfc-editor.org/rfc/rfc1191#section-4
        FRAGMENTATION_NEEDED = 4, "fragmentation needed";
        /// 5: source route failed.
        SOURCE_ROUTE_FAILED = 5, "source route failed";
        /// 6: destination network unknown.
        NET_UNKNOWN = 6, "destination network unknown";
        /// 7: destination host unknown.
        HOST_UNKNOWN = 7, "destination host unknown";
        /// 8: source host isolated.
        HOST_ISOLATED = 8, "source host isolated";
        /// 9: communication with the destination network administratively
        /// prohibited.
        NET_PROHIBITED = 9, "network administratively prohibited";
        /// 10: communication with the destination host administratively
        /// prohibited.
        HOST_PROHIBITED = 10, "host administratively prohibited";
        /// 11: destination network unreachable for type of service.
        NET_UNREACHABLE_FOR_TOS = 11, "network unreachable for TOS";
        /// 12: destination host unreachable for type of service.
        HOST_UNREACHABLE_FOR_TOS = 12, "host unreachable for TOS";
        /// 13: communication administratively prohibited ([RFC 1812]).
        ///
        /// [RFC 1812]: https://www.rfc-editor.org/rfc/rfc1812#section-5.2.7.1
        ADMIN_PROHIBITED = 13, "communication administratively prohibited";
        /// 14: host precedence violation ([RFC 1812]).
        ///
        /// [RFC 1812]: https://www.rfc-editor.org/rfc/rfc1812#section-5.2.7.1
        HOST_PRECEDENCE_VIOLATION = 14, "host precedence violation";
        /// 15: precedence cutoff in effect ([RFC 1812]).
        ///
        /// [RFC 1812]: https://www.rfc-editor.org/rfc/rfc1812#section-5.2.7.1
        PRECEDENCE_CUTOFF = 15, "precedence cutoff in effect";
    }
}

code_type! {
    /// The code of a Time Exceeded message (type 11, [RFC 792]).
    ///
    /// ```
    /// use ipv4_core::icmp::TimeExceededCode;
    /// assert_eq!(TimeExceededCode::TTL.to_string(), "time exceeded in transit");
    /// ```
    ///
    /// [RFC 792]: https://www.rfc-editor.org/rfc/rfc792
    TimeExceededCode, "time exceeded" {
        /// 0: time to live exceeded in transit.
        TTL = 0, "time exceeded in transit";
        /// 1: fragment reassembly time exceeded.
        REASSEMBLY = 1, "fragment reassembly time exceeded";
    }
}

code_type! {
    /// The code of a Parameter Problem message (type 12): [RFC 792],
    /// [RFC 1108], [RFC 1812 §5.2.7.3].
    ///
    /// ```
    /// use ipv4_core::icmp::ParameterProblemCode;
    /// assert_eq!(ParameterProblemCode::BAD_LENGTH.to_string(), "bad length");
    /// ```
    ///
    /// [RFC 792]: https://www.rfc-editor.org/rfc/rfc792
    /// [RFC 1108]: https://www.rfc-editor.org/rfc/rfc1108
    /// [RFC 1812 §5.2.7.3]: https://www.rfc-editor.org/rfc/rfc1812#section-5.2.7.3
    ParameterProblemCode, "parameter problem" {
        /// 0: the pointer indicates the error.
        POINTER = 0, "pointer indicates the error";
        /// 1: missing a required option.
        MISSING_OPTION = 1, "missing a required option";
        /// 2: bad length.
        BAD_LENGTH = 2, "bad length";
    }
}

code_type! {
    /// The code of a Redirect message (type 5, [RFC 792]).
    ///
    /// ```
    /// use ipv4_core::icmp::RedirectCode;
    /// assert_eq!(RedirectCode::HOST.to_string(), "redirect for host");
    /// ```
    ///
    /// [RFC 792]: https://www.rfc-editor.org/rfc/rfc792
    RedirectCode, "redirect" {
        /// 0: redirect datagrams for the network.
        NET = 0, "redirect for network";
        /// 1: redirect datagrams for the host.
        HOST = 1, "redirect for host";
        /// 2: redirect datagrams for the type of service and network.
        TOS_NET = 2, "redirect for TOS and network";
        /// 3: redirect datagrams for the type of service and host.
        TOS_HOST = 3, "redirect for TOS and host";
    }
}

code_type! {
    /// The code of an Extended Echo Reply (type 43, [RFC 8335 §3]).
    ///
    /// ```
    /// use ipv4_core::icmp::ExtendedEchoCode;
    /// assert_eq!(ExtendedEchoCode::NO_SUCH_INTERFACE.to_string(), "no such interface");
    /// ```
    ///
    /// [RFC 8335 §3]: https://www.rfc-editor.org/rfc/rfc8335#section-3
    ExtendedEchoCode, "extended echo reply" {
        /// 0: no error.
        NO_ERROR = 0, "no error";
        /// 1: malformed query.
        MALFORMED_QUERY = 1, "malformed query";
        /// 2: no such interface.
        NO_SUCH_INTERFACE = 2, "no such interface";
        /// 3: no such table entry.
        NO_SUCH_TABLE_ENTRY = 3, "no such table entry";
        /// 4: multiple interfaces satisfy the query.
        MULTIPLE_INTERFACES = 4, "multiple interfaces satisfy query";
    }
}

code_type! {
    /// The State field of an Extended Echo Reply (3 bits, [RFC 8335 §3]):
    /// the neighbor-table state of a probed proxy interface.
    ///
    /// ```
    /// use ipv4_core::icmp::NeighborState;
    /// assert_eq!(NeighborState::REACHABLE.to_string(), "reachable");
    /// ```
    ///
    /// [RFC 8335 §3]: https://www.rfc-editor.org/rfc/rfc8335#section-3
    NeighborState, "neighbor state" {
        /// 0: reserved (also what a reply about a local interface holds).
        RESERVED = 0, "reserved";
        /// 1: incomplete.
        INCOMPLETE = 1, "incomplete";
        /// 2: reachable.
        REACHABLE = 2, "reachable";
        /// 3: stale.
        STALE = 3, "stale";
        /// 4: delay.
        DELAY = 4, "delay";
        /// 5: probe.
        PROBE = 5, "probe";
        /// 6: failed.
        FAILED = 6, "failed";
    }
}
