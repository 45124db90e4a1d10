//! One-line summaries of IGMP messages, for logs and tools.

use core::fmt;

use super::{GroupRecord, Message, MessageType, QueryV3, ReportV3, V1V2Message};

/// `MODE_IS_INCLUDE 232.1.1.1 {10.0.0.1, 10.0.0.2}`.
impl fmt::Display for GroupRecord<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.record_type, self.group, self.sources)?;
        if !self.aux_data.is_empty() {
            write!(f, " +{} aux words", self.aux_data_len())?;
        }
        Ok(())
    }
}

/// `IGMPv2 report for 239.1.2.3`, `IGMPv2 general query, max resp 10.0s`.
impl fmt::Display for V1V2Message<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let group = self.group();
        match self.message_type() {
            // IGMPv1 has no group-specific query: its group field is
            // ignored on receipt (RFC 1112 Appendix I), shown only if set.
            MessageType::MEMBERSHIP_QUERY if self.max_resp_code().code() == 0 => {
                f.write_str("IGMPv1 general query")?;
                if !group.is_unspecified() {
                    write!(f, " (group field {group}, ignored)")?;
                }
                Ok(())
            }
            MessageType::MEMBERSHIP_QUERY => {
                if group.is_unspecified() {
                    f.write_str("IGMPv2 general query")?;
                } else {
                    write!(f, "IGMPv2 group-specific query for {group}")?;
                }
                write!(f, ", max resp {}", self.max_resp_code())
            }
            MessageType::REPORT_V1 => write!(f, "IGMPv1 report for {group}"),
            MessageType::REPORT_V2 => write!(f, "IGMPv2 report for {group}"),
            MessageType::LEAVE_GROUP => write!(f, "IGMPv2 leave for {group}"),
            other => write!(f, "{other} for {group}"),
        }
    }
}

/// `IGMPv3 group-and-source-specific query for 232.1.1.1 {10.0.0.1}, max
/// resp 10.0s, QRV 2, QQI 125s`.
impl fmt::Display for QueryV3<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let group = self.group();
        if group.is_unspecified() && self.number_of_sources() == 0 {
            f.write_str("IGMPv3 general query")?;
        } else if self.number_of_sources() == 0 {
            write!(f, "IGMPv3 group-specific query for {group}")?;
        } else {
            write!(
                f,
                "IGMPv3 group-and-source-specific query for {group} {}",
                self.sources()
            )?;
        }
        write!(
            f,
            ", max resp {}, QRV {}, QQI {}",
            self.max_resp_code(),
            self.qrv(),
            self.qqic()
        )?;
        if self.s_flag() {
            f.write_str(", S")?;
        }
        if self.extension_flag() {
            write!(f, ", {} bytes of extensions", self.additional_data().len())?;
        }
        Ok(())
    }
}

/// `IGMPv3 report: 2 records: MODE_IS_INCLUDE 232.1.1.1 {10.0.0.1}; ...`.
impl fmt::Display for ReportV3<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.number_of_records();
        write!(
            f,
            "IGMPv3 report: {n} record{}",
            if n == 1 { "" } else { "s" }
        )?;
        for (i, record) in self.records().enumerate() {
            f.write_str(if i == 0 { ": " } else { "; " })?;
            write!(f, "{record}")?;
        }
        if self.extension_flag() {
            write!(f, "; {} bytes of extensions", self.additional_data().len())?;
        }
        Ok(())
    }
}

impl fmt::Display for Message<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Message::QueryV1(m)
            | Message::QueryV2(m)
            | Message::ReportV1(m)
            | Message::ReportV2(m)
            | Message::Leave(m) => m.fmt(f),
            Message::QueryV3(q) => q.fmt(f),
            Message::ReportV3(r) => r.fmt(f),
            Message::IgnoredQuery(bytes) => write!(
                f,
                "IGMP query of {} bytes (ignored per RFC 9776 section 7.1)",
                bytes.len()
            ),
            Message::Unknown {
                message_type,
                bytes,
            } => write!(f, "{message_type}, {} bytes", bytes.len()),
        }
    }
}
