//! [`SourceFilter`]: a socket's whole source filter for one group
//! ([RFC 3678 §5.2]), as
//! [`MulticastOptions::set_source_filter`](super::MulticastOptions::set_source_filter)
//! takes it and
//! [`MulticastOptions::source_filter`](super::MulticastOptions::source_filter)
//! reads it back.
//!
//! [RFC 3678 §5.2]: https://www.rfc-editor.org/rfc/rfc3678#section-5.2

use std::fmt;
use std::io;
use std::net::{IpAddr, Ipv4Addr};

use ipv4_core::igmp::{FilterMode, GroupRecord, Sources};

use crate::sys;

/// A socket's source filter for one group: a [`FilterMode`] and a source
/// list, the model of the IGMPv3 group records ([RFC 9776 §3.1]) and of
/// the RFC 3678 full-state API ([RFC 3678 §5.2]). A fixed-capacity value:
/// up to [`CAPACITY`](Self::CAPACITY) sources, held inline, so that
/// neither setting nor reading a filter allocates.
///
/// Read from the kernel, it holds the mode, the first
/// [`CAPACITY`](Self::CAPACITY) sources, and in
/// [`source_count`](Self::source_count) how many sources the kernel has;
/// [`is_truncated`](Self::is_truncated) says when that is more than it
/// holds. (Linux keeps at most `net.ipv4.igmp_max_msf` sources per
/// socket and group, 10 unless raised.)
///
/// ```
/// use std::net::Ipv4Addr;
/// use ipv4_std::ipv4_core::igmp::{FilterMode, RecordType};
/// use ipv4_std::options::SourceFilter;
///
/// let s1 = Ipv4Addr::new(198, 51, 100, 1);
/// let filter = SourceFilter::include(&[s1])?;
/// assert_eq!((filter.mode(), filter.sources()), (FilterMode::Include, &[s1][..]));
/// let group = Ipv4Addr::new(232, 1, 1, 1);
/// // As an IGMPv3 report states it.
/// let record = filter.current_state_record(group);
/// assert_eq!(record.record_type, RecordType::MODE_IS_INCLUDE);
/// assert_eq!(filter.to_string(), "INCLUDE {198.51.100.1}");
/// # Ok::<(), std::io::Error>(())
/// ```
///
/// [RFC 9776 §3.1]: https://www.rfc-editor.org/rfc/rfc9776#section-3.1
/// [RFC 3678 §5.2]: https://www.rfc-editor.org/rfc/rfc3678#section-5.2
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct SourceFilter {
    mode: FilterMode,
    /// The sources, then `0.0.0.0` up to the capacity.
    sources: [Ipv4Addr; SourceFilter::CAPACITY],
    len: usize,
    count: usize,
}

impl SourceFilter {
    /// The most sources a `SourceFilter` holds.
    pub const CAPACITY: usize = sys::MAX_FILTER_SOURCES;

    /// `mode` with `sources`.
    ///
    /// # Errors
    ///
    /// [`InvalidInput`](io::ErrorKind::InvalidInput) for more than
    /// [`CAPACITY`](Self::CAPACITY) sources, or a source that is
    /// multicast, broadcast or unspecified (sources are unicast).
    pub fn new(mode: FilterMode, sources: &[Ipv4Addr]) -> io::Result<SourceFilter> {
        if sources.len() > Self::CAPACITY {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "a source filter holds at most {} sources; {} were given",
                    Self::CAPACITY,
                    sources.len()
                ),
            ));
        }
        let mut filter = SourceFilter {
            mode,
            sources: [Ipv4Addr::UNSPECIFIED; Self::CAPACITY],
            len: sources.len(),
            count: sources.len(),
        };
        for (slot, &s) in filter.sources.iter_mut().zip(sources) {
            *slot = super::multicast::unicast_source(IpAddr::V4(s))?;
        }
        Ok(filter)
    }

    /// `INCLUDE` `sources`: receive from them only. With no sources this
    /// is no membership: setting it leaves the group.
    ///
    /// # Errors
    ///
    /// As for [`new`](Self::new).
    pub fn include(sources: &[Ipv4Addr]) -> io::Result<SourceFilter> {
        SourceFilter::new(FilterMode::Include, sources)
    }

    /// `EXCLUDE` `sources`: receive from every source but them. With no
    /// sources this is an any-source membership.
    ///
    /// # Errors
    ///
    /// As for [`new`](Self::new).
    pub fn exclude(sources: &[Ipv4Addr]) -> io::Result<SourceFilter> {
        SourceFilter::new(FilterMode::Exclude, sources)
    }

    /// What the kernel reported: `len` of `sources` read, `count` held.
    pub(crate) fn from_kernel(buf: &sys::SourceFilterBuf) -> SourceFilter {
        let len = buf.len.min(Self::CAPACITY);
        let mut sources = [Ipv4Addr::UNSPECIFIED; Self::CAPACITY];
        sources[..len].copy_from_slice(&buf.sources[..len]);
        SourceFilter {
            mode: if buf.include {
                FilterMode::Include
            } else {
                FilterMode::Exclude
            },
            sources,
            len,
            count: buf.total,
        }
    }

    /// What the kernel takes.
    pub(crate) fn kernel_form(&self) -> sys::SourceFilterBuf {
        sys::SourceFilterBuf {
            include: self.mode == FilterMode::Include,
            sources: self.sources,
            len: self.len,
            total: self.len,
        }
    }

    /// The filter mode.
    pub fn mode(&self) -> FilterMode {
        self.mode
    }

    /// The sources held (all of them, unless
    /// [`is_truncated`](Self::is_truncated)).
    pub fn sources(&self) -> &[Ipv4Addr] {
        &self.sources[..self.len]
    }

    /// The sources held, as the core's IGMPv3 records carry them.
    pub fn as_sources(&self) -> Sources<'_> {
        Sources::from_addrs(self.sources())
    }

    /// How many sources the filter has: for one read from the kernel, the
    /// kernel's count, which may exceed what it holds.
    pub fn source_count(&self) -> usize {
        self.count
    }

    /// Whether the kernel had more sources than
    /// [`CAPACITY`](Self::CAPACITY) (only the first ones are held).
    pub fn is_truncated(&self) -> bool {
        self.count > self.len
    }

    /// The IGMPv3 Current-State Record stating this filter for `group`
    /// (`MODE_IS_INCLUDE` or `MODE_IS_EXCLUDE` with the sources,
    /// [RFC 9776 §4.2.12]), as a host reports its state in answer to a
    /// query (for one socket; the host reports the merge of its sockets').
    ///
    /// [RFC 9776 §4.2.12]: https://www.rfc-editor.org/rfc/rfc9776#section-4.2.12
    pub fn current_state_record(&self, group: Ipv4Addr) -> GroupRecord<'_> {
        GroupRecord::new(self.mode.current_state_record(), group, self.as_sources())
    }
}

impl fmt::Debug for SourceFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SourceFilter")
            .field("mode", &self.mode)
            .field("sources", &self.sources())
            .field("source_count", &self.count)
            .finish()
    }
}

impl fmt::Display for SourceFilter {
    /// `EXCLUDE {}` or `INCLUDE {198.51.100.1, 198.51.100.4}`, with `, …`
    /// when truncated.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {{", self.mode)?;
        for (i, s) in self.sources().iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{s}")?;
        }
        if self.is_truncated() {
            f.write_str(", …")?;
        }
        f.write_str("}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_count_and_sources() {
        let many = [Ipv4Addr::new(198, 51, 100, 1); SourceFilter::CAPACITY + 1];
        let e = SourceFilter::include(&many).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
        assert!(SourceFilter::include(&many[1..]).is_ok());
        for bad in [
            Ipv4Addr::UNSPECIFIED,
            Ipv4Addr::BROADCAST,
            Ipv4Addr::new(224, 0, 0, 1),
        ] {
            let e = SourceFilter::exclude(&[bad]).unwrap_err();
            assert_eq!(e.kind(), io::ErrorKind::InvalidInput, "{bad}");
        }
        let any = SourceFilter::exclude(&[]).unwrap();
        assert_eq!(any.to_string(), "EXCLUDE {}");
        assert!(!any.is_truncated());
    }

    #[test]
    fn a_kernel_count_above_capacity_is_truncated() {
        let mut buf = SourceFilter::include(&[Ipv4Addr::new(198, 51, 100, 1)])
            .unwrap()
            .kernel_form();
        buf.total = 70;
        buf.len = 1;
        let f = SourceFilter::from_kernel(&buf);
        assert_eq!((f.sources().len(), f.source_count()), (1, 70));
        assert!(f.is_truncated());
        assert_eq!(f.to_string(), "INCLUDE {198.51.100.1, …}");
    }
}
