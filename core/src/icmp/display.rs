//! One-line summaries of ICMP messages, for logs and tools.

use core::fmt;
use core::net::Ipv4Addr;

use super::extension::{InterfaceId, InterfaceInfo, MplsEntry, Object};
use super::message::{ErrorBody, ErrorCode, Message};
use super::{Quote, Transport, UnreachableCode};

/// `UDP 203.0.113.2:33434`, `ICMP echo 203.0.113.2 id 7 seq 1`,
/// `TCP 203.0.113.2`, or `28 bytes of an unreadable datagram`.
impl fmt::Display for Quote<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.flow() {
            None => write!(
                f,
                "{} bytes of an unreadable datagram",
                self.as_bytes().len()
            ),
            Some(flow) => match flow.transport {
                Transport::Ports { destination, .. } => {
                    write!(f, "{} {}:{destination}", flow.protocol, flow.destination)
                }
                Transport::Echo {
                    icmp_type,
                    ident,
                    seq,
                } => write!(
                    f,
                    "ICMP {icmp_type} {} id {ident} seq {seq}",
                    flow.destination
                ),
                Transport::None(protocol) => write!(f, "{protocol} {}", flow.destination),
            },
        }
    }
}

/// `label 16 TC 0 S TTL 1`.
impl fmt::Display for MplsEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "label {} TC {}", self.label, self.tc)?;
        if self.bottom {
            f.write_str(" S")?;
        }
        write!(f, " TTL {}", self.ttl)
    }
}

/// `incoming interface 2 198.51.100.1 "eth0" MTU 1500`.
impl fmt::Display for InterfaceInfo<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} interface", self.role.name())?;
        if let Some(index) = self.if_index {
            write!(f, " {index}")?;
        }
        if let Some(address) = self.address {
            match (address.ipv4(), address.ipv6()) {
                (Some(a), _) => write!(f, " {a}")?,
                (_, Some(a)) => write!(f, " {a}")?,
                _ => write!(f, " (AFI {})", address.afi)?,
            }
        }
        if let Some(name) = self.name {
            write!(f, " \"{}\"", name.escape_ascii())?;
        }
        if let Some(mtu) = self.mtu {
            write!(f, " MTU {mtu}")?;
        }
        Ok(())
    }
}

/// `interface "eth0"`, `interface 2`, `interface 198.51.100.1`.
impl fmt::Display for InterfaceId<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InterfaceId::Name(name) => write!(f, "interface \"{}\"", name.escape_ascii()),
            InterfaceId::Index(index) => write!(f, "interface {index}"),
            InterfaceId::Address(a) => match (a.ipv4(), a.ipv6()) {
                (Some(v4), _) => write!(f, "interface {v4}"),
                (_, Some(v6)) => write!(f, "interface {v6}"),
                _ => write!(f, "interface with AFI {} address", a.afi),
            },
        }
    }
}

/// `MPLS [label 16 TC 0 S TTL 1]`, `incoming interface 2`, `object class
/// 9 C-Type 1, 4 bytes`.
impl fmt::Display for Object<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Object::Mpls(stack) => {
                f.write_str("MPLS [")?;
                for (i, entry) in stack.entries().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{entry}")?;
                }
                f.write_str("]")
            }
            Object::InterfaceInfo(info) => write!(f, "{info}"),
            Object::InterfaceId(id) => write!(f, "{id}"),
            Object::Unknown(o) => write!(
                f,
                "object class {} C-Type {}, {} bytes",
                o.class,
                o.c_type,
                o.payload.len()
            ),
        }
    }
}

/// `port unreachable`, `time exceeded in transit`, `source quench`.
impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorCode::Unreachable(c) => write!(f, "{c}"),
            ErrorCode::SourceQuench => f.write_str("source quench"),
            ErrorCode::Redirect(c) => write!(f, "{c}"),
            ErrorCode::TimeExceeded(c) => write!(f, "{c}"),
            ErrorCode::ParameterProblem(c) => write!(f, "parameter problem: {c}"),
            ErrorCode::Other { icmp_type, code } => write!(f, "{icmp_type} code {code}"),
        }
    }
}

/// A [`Message`] shown with the address it came from (see
/// [`Message::display_from`]).
#[derive(Debug, Clone, Copy)]
pub struct DisplayFrom<'m, 'a> {
    message: &'m Message<'a>,
    source: Option<Ipv4Addr>,
}

impl<'a> Message<'a> {
    /// The one-line summary with the message's source address (from the
    /// IPv4 header it came in) after the kind:
    /// `ICMP time exceeded in transit from 198.51.100.1, quoting UDP
    /// 203.0.113.2:33434`.
    pub fn display_from(&self, source: Ipv4Addr) -> DisplayFrom<'_, 'a> {
        DisplayFrom {
            message: self,
            source: Some(source),
        }
    }
}

/// `ICMP echo request id 1 seq 2, 56 data bytes`, `ICMP port unreachable,
/// quoting UDP 203.0.113.2:33434`; [`Message::display_from`] adds the source.
impl fmt::Display for Message<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        DisplayFrom {
            message: self,
            source: None,
        }
        .fmt(f)
    }
}

impl fmt::Display for DisplayFrom<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let from = |f: &mut fmt::Formatter<'_>| match self.source {
            Some(source) => write!(f, " from {source}"),
            None => Ok(()),
        };
        let quoting = |f: &mut fmt::Formatter<'_>, error: &ErrorBody<'_>| {
            write!(f, ", quoting {}", error.quote())?;
            match error.extensions() {
                None => Ok(()),
                Some(Err(_)) => f.write_str(", bad extensions"),
                Some(Ok(ext)) => {
                    for object in ext.objects() {
                        match object.and_then(|o| o.decode()) {
                            Ok(object) => write!(f, ", {object}")?,
                            Err(_) => return f.write_str(", bad extension object"),
                        }
                    }
                    Ok(())
                }
            }
        };
        f.write_str("ICMP ")?;
        match self.message {
            Message::EchoReply(e) | Message::EchoRequest(e) => {
                let kind = match self.message {
                    Message::EchoRequest(_) => "echo request",
                    _ => "echo reply",
                };
                write!(f, "{kind} id {} seq {}", e.ident, e.seq)?;
                from(f)?;
                write!(f, ", {} data bytes", e.data.len())
            }
            Message::DestinationUnreachable {
                code,
                next_hop_mtu,
                error,
            } => {
                write!(f, "{code}")?;
                if *code == UnreachableCode::FRAGMENTATION_NEEDED {
                    write!(f, " (next-hop MTU {next_hop_mtu})")?;
                }
                from(f)?;
                quoting(f, error)
            }
            Message::SourceQuench(error) => {
                f.write_str("source quench")?;
                from(f)?;
                write!(f, ", quoting {}", error.quote())
            }
            Message::Redirect {
                code,
                gateway,
                quote,
            } => {
                write!(f, "{code} to {gateway}")?;
                from(f)?;
                write!(f, ", quoting {quote}")
            }
            Message::TimeExceeded { code, error } => {
                write!(f, "{code}")?;
                from(f)?;
                quoting(f, error)
            }
            Message::ParameterProblem {
                code,
                pointer,
                error,
            } => {
                write!(f, "parameter problem: {code}")?;
                if code.0 == 0 {
                    write!(f, " at byte {pointer}")?;
                }
                from(f)?;
                quoting(f, error)
            }
            Message::TimestampRequest(t) => {
                write!(f, "timestamp request id {} seq {}", t.ident, t.seq)?;
                from(f)?;
                write!(f, ", originate {}", t.originate)
            }
            Message::TimestampReply(t) => {
                write!(f, "timestamp reply id {} seq {}", t.ident, t.seq)?;
                from(f)?;
                write!(
                    f,
                    ", originate {} receive {} transmit {}",
                    t.originate, t.receive, t.transmit
                )
            }
            Message::ExtendedEchoRequest(r) => {
                write!(f, "extended echo request id {} seq {}", r.ident, r.seq)?;
                if r.local {
                    f.write_str(" (local)")?;
                }
                from(f)?;
                let mut objects = r
                    .extensions()
                    .and_then(|e| e.ok())
                    .into_iter()
                    .flat_map(|e| e.objects());
                if let Some(Ok(Object::InterfaceId(id))) =
                    objects.next().map(|o| o.and_then(|o| o.decode()))
                {
                    write!(f, ", probing {id}")?;
                }
                Ok(())
            }
            Message::ExtendedEchoReply(r) => {
                write!(f, "extended echo reply id {} seq {}", r.ident, r.seq)?;
                from(f)?;
                write!(f, ": {}", r.code)?;
                if r.state.0 != 0 {
                    write!(f, ", {}", r.state)?;
                }
                for (set, name) in [(r.active, "active"), (r.ipv4, "IPv4"), (r.ipv6, "IPv6")] {
                    if set {
                        write!(f, ", {name}")?;
                    }
                }
                Ok(())
            }
            Message::Other {
                icmp_type,
                code,
                body,
                ..
            } => {
                write!(f, "{icmp_type} code {code}")?;
                from(f)?;
                write!(f, ", {} bytes", body.len() + 8)
            }
        }
    }
}
