//! IANA "Assigned Internet Protocol Numbers", the IPv4 Protocol field
//! ([RFC 791 §3.1], [RFC 5237]).
//!
//! [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
//! [RFC 5237]: https://www.rfc-editor.org/rfc/rfc5237
use crate::registry::u8_registry;

u8_registry! {
    /// An IPv4 Protocol field value: an IANA assigned internet protocol number
    /// ([RFC 791 §3.1], [IANA registry]).
    ///
    /// A newtype over the byte, so every value, assigned or not, round-trips;
    /// the associated constants name the common ones.
    ///
    /// ```
    /// use ipv4_core::header::Protocol;
    ///
    /// assert_eq!(Protocol::from(17), Protocol::UDP);
    /// assert_eq!(Protocol::UDP.name(), Some("UDP"));
    /// assert_eq!(Protocol(253).name(), None); // RFC 3692 experimentation
    /// assert_eq!(Protocol::IGMP.to_string(), "IGMP");
    /// assert_eq!(Protocol(253).to_string(), "253");
    /// ```
    ///
    /// [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
    /// [IANA registry]: https://www.iana.org/assignments/protocol-numbers/
    #[derive(Default)]
    pub struct Protocol(pub u8);
    debug_name: name;
    display_unknown: "{}";
}

macro_rules! protocols {
    ($($(#[$doc:meta])* $name:ident = $value:literal, $text:literal;)*) => {
        impl Protocol {
            $(
                $(#[$doc])*
                pub const $name: Protocol = Protocol($value);
            )*

            /// The protocol's IANA keyword, for the numbers this crate names.
            pub const fn name(self) -> Option<&'static str> {
                match self.0 {
                    $($value => Some($text),)*
                    _ => None,
                }
            }
        }
    };
}

protocols! {
    /// IPv6 Hop-by-Hop Option ([RFC 8200]).
    ///
    /// [RFC 8200]: https://www.rfc-editor.org/rfc/rfc8200
    HOPOPT = 0, "HOPOPT";
    /// Internet Control Message Protocol ([RFC 792]).
    ///
    /// [RFC 792]: https://www.rfc-editor.org/rfc/rfc792
    ICMP = 1, "ICMP";
    /// Internet Group Management Protocol ([RFC 9776]).
    ///
    /// [RFC 9776]: https://www.rfc-editor.org/rfc/rfc9776
    IGMP = 2, "IGMP";
    /// IPv4 encapsulation, IP in IP ([RFC 2003]).
    ///
    /// [RFC 2003]: https://www.rfc-editor.org/rfc/rfc2003
    IPV4 = 4, "IPv4";
    /// Transmission Control Protocol ([RFC 9293]).
    ///
    /// [RFC 9293]: https://www.rfc-editor.org/rfc/rfc9293
    TCP = 6, "TCP";
    /// User Datagram Protocol ([RFC 768]).
    ///
    /// [RFC 768]: https://www.rfc-editor.org/rfc/rfc768
    UDP = 17, "UDP";
    /// IPv6 encapsulation ([RFC 2473]).
    ///
    /// [RFC 2473]: https://www.rfc-editor.org/rfc/rfc2473
    IPV6 = 41, "IPv6";
    /// Resource Reservation Protocol ([RFC 2205]).
    ///
    /// [RFC 2205]: https://www.rfc-editor.org/rfc/rfc2205
    RSVP = 46, "RSVP";
    /// Generic Routing Encapsulation ([RFC 2784]).
    ///
    /// [RFC 2784]: https://www.rfc-editor.org/rfc/rfc2784
    GRE = 47, "GRE";
    /// Encapsulating Security Payload ([RFC 4303]).
    ///
    /// [RFC 4303]: https://www.rfc-editor.org/rfc/rfc4303
    ESP = 50, "ESP";
    /// Authentication Header ([RFC 4302]).
    ///
    /// [RFC 4302]: https://www.rfc-editor.org/rfc/rfc4302
    AH = 51, "AH";
    /// ICMP for IPv6 ([RFC 4443]).
    ///
    /// [RFC 4443]: https://www.rfc-editor.org/rfc/rfc4443
    ICMPV6 = 58, "IPv6-ICMP";
    /// Open Shortest Path First ([RFC 2328]).
    ///
    /// [RFC 2328]: https://www.rfc-editor.org/rfc/rfc2328
    OSPF = 89, "OSPF";
    /// Protocol Independent Multicast ([RFC 7761]).
    ///
    /// [RFC 7761]: https://www.rfc-editor.org/rfc/rfc7761
    PIM = 103, "PIM";
    /// Virtual Router Redundancy Protocol ([RFC 9568]).
    ///
    /// [RFC 9568]: https://www.rfc-editor.org/rfc/rfc9568
    VRRP = 112, "VRRP";
    /// Layer Two Tunneling Protocol v3 ([RFC 3931]).
    ///
    /// [RFC 3931]: https://www.rfc-editor.org/rfc/rfc3931
    L2TP = 115, "L2TP";
    /// Stream Control Transmission Protocol ([RFC 9260]).
    ///
    /// [RFC 9260]: https://www.rfc-editor.org/rfc/rfc9260
    SCTP = 132, "SCTP";
    /// UDP-Lite ([RFC 3828]).
    ///
    /// [RFC 3828]: https://www.rfc-editor.org/rfc/rfc3828
    UDPLITE = 136, "UDPLite";
    /// Reserved ([RFC 5237]).
    ///
    /// [RFC 5237]: https://www.rfc-editor.org/rfc/rfc5237
    RESERVED = 255, "Reserved";
}
