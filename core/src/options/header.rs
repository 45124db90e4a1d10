//! Options inside an IPv4 header: walking a [`HeaderView`]'s or a
//! [`Header`]'s options, forwarding edits that keep the header checksum
//! right, and giving an owned [`Header`] the options an [`OptionsBuilder`]
//! wrote.

use core::net::Ipv4Addr;

use super::forward::{self, RecordOutcome, SourceRouteOutcome, TimestampOutcome};
use super::kind::OptionKind;
use super::timestamp::TimestampValue;
use super::{MAX_OPTIONS_LEN, Options, OptionsBuilder, Validation};
use crate::checksum;
use crate::error::{HeaderError, OptionError, OptionsBuildError};
use crate::header::{Header, HeaderView, MIN_LEN};

/// A walk over a header's options `area`, reporting header offsets (the
/// area starts at byte 20): what every `options_iter` here returns.
#[inline]
fn header_walk(area: &[u8], validation: Validation) -> Options<'_> {
    Options::with_validation(area, validation).with_base(MIN_LEN)
}

impl<B: AsRef<[u8]>> HeaderView<B> {
    /// A strict walk over this header's options ([`Validation::Strict`]).
    /// Error offsets are header offsets (the options start at 20), so
    /// [`OptionError::problem_offset`] is the pointer of an ICMP Parameter
    /// Problem.
    ///
    /// ```
    /// use ipv4_core::header::HeaderView;
    /// use ipv4_core::options::{Ipv4Option, RouterAlert};
    ///
    /// // An IGMPv2 report's header: IHL 6, Router Alert.
    /// let packet = [
    ///     0x46, 0xc0, 0, 24, 0, 0, 0x40, 0, 1, 2, 0, 0, 192, 0, 2, 1, 224, 0, 0, 251,
    ///     148, 4, 0, 0,
    /// ];
    /// let header = HeaderView::new_checked(&packet[..]).unwrap();
    /// let mut options = header.options_iter();
    /// assert_eq!(options.next(), Some(Ok(Ipv4Option::RouterAlert(RouterAlert::EXAMINE))));
    /// assert_eq!(options.next(), None);
    /// ```
    #[inline]
    pub fn options_iter(&self) -> Options<'_> {
        header_walk(self.options(), Validation::Strict)
    }

    /// A walk over this header's options with the given validation (see
    /// [`Validation`] for which to use where). Error offsets are header
    /// offsets.
    #[inline]
    pub fn options_iter_with(&self, validation: Validation) -> Options<'_> {
        header_walk(self.options(), validation)
    }
}

impl<'a> HeaderView<&'a [u8]> {
    /// [`options_iter`](Self::options_iter), borrowing the buffer rather
    /// than the view, so the walk can outlive it (be returned from the
    /// function that parsed the header).
    ///
    /// ```
    /// use ipv4_core::header::HeaderView;
    /// use ipv4_core::options::Options;
    ///
    /// fn options_of(packet: &[u8]) -> Option<Options<'_>> {
    ///     HeaderView::new_checked(packet).ok().map(HeaderView::into_options_iter)
    /// }
    ///
    /// let packet = [
    ///     0x46, 0xc0, 0, 24, 0, 0, 0x40, 0, 1, 2, 0, 0, 192, 0, 2, 1, 224, 0, 0, 251,
    ///     148, 4, 0, 0,
    /// ];
    /// assert_eq!(options_of(&packet).map(Iterator::count), Some(1));
    /// ```
    #[inline]
    pub fn into_options_iter(self) -> Options<'a> {
        header_walk(self.into_options(), Validation::Strict)
    }
}

impl<B: AsRef<[u8]> + AsMut<[u8]>> HeaderView<B> {
    /// Runs `edit` on the first option of one of `kinds` and patches the
    /// header checksum for the bytes it changed ([RFC 1624]).
    ///
    /// [RFC 1624]: https://www.rfc-editor.org/rfc/rfc1624
    fn edit_option<T>(
        &mut self,
        kinds: &[OptionKind],
        edit: impl FnOnce(&mut [u8]) -> Result<T, OptionError>,
    ) -> Result<Option<T>, OptionError> {
        let mut before = [0u8; MAX_OPTIONS_LEN];
        let area = self.options_mut();
        let n = area.len().min(MAX_OPTIONS_LEN);
        before[..n].copy_from_slice(&area[..n]);
        let Some(outcome) = forward::edit_first(area, MIN_LEN, kinds, edit)? else {
            return Ok(None);
        };
        let old_sum = self.checksum();
        let sum = checksum::update_bytes(old_sum, MIN_LEN, &before[..n], &self.options()[..n]);
        if let Some(raw) = self.raw_mut() {
            raw.checksum.set(sum);
        }
        Ok(Some(outcome))
    }

    /// Records `address` in this header's Record Route option and advances
    /// its pointer, keeping the header checksum right
    /// ([`forward::record_route`]). `Ok(None)` if there is no Record Route.
    ///
    /// A forwarder passes the address of the interface the datagram leaves
    /// by ([RFC 791 §3.1]: "its own internet address as known in the
    /// environment into which this datagram is being forwarded"). Error
    /// offsets are header offsets.
    ///
    /// [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
    pub fn record_route(
        &mut self,
        address: Ipv4Addr,
    ) -> Result<Option<RecordOutcome>, OptionError> {
        self.edit_option(&[OptionKind::RECORD_ROUTE], |o| {
            forward::record_route(o, address)
        })
    }

    /// Follows this header's Loose or Strict Source Route
    /// ([`forward::advance_source_route`]): the next hop moves into the
    /// destination field, `own` takes its slot, the pointer advances, and
    /// the checksum stays right. `Ok(None)` if there is no source route.
    ///
    /// Call it only when the datagram has reached the address in its
    /// destination field ([RFC 791 §3.1]).
    ///
    /// [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
    pub fn advance_source_route(
        &mut self,
        own: Ipv4Addr,
    ) -> Result<Option<SourceRouteOutcome>, OptionError> {
        let outcome = self.edit_option(
            &[
                OptionKind::LOOSE_SOURCE_ROUTE,
                OptionKind::STRICT_SOURCE_ROUTE,
            ],
            |o| forward::advance_source_route(o, own),
        )?;
        if let Some(SourceRouteOutcome::NextHop { next_hop, .. }) = outcome {
            self.set_destination(next_hop);
        }
        Ok(outcome)
    }

    /// Adds this router's timestamp to the header's Timestamp option
    /// ([`forward::add_timestamp`]), keeping the checksum right. `Ok(None)`
    /// if there is no Timestamp option.
    pub fn add_timestamp(
        &mut self,
        own: Ipv4Addr,
        time: TimestampValue,
    ) -> Result<Option<TimestampOutcome>, OptionError> {
        self.edit_option(&[OptionKind::TIMESTAMP], |o| {
            forward::add_timestamp(o, own, time)
        })
    }
}

impl Header {
    /// A strict walk over this header's options. Error offsets are header
    /// offsets.
    #[inline]
    pub fn options_iter(&self) -> Options<'_> {
        header_walk(self.options(), Validation::Strict)
    }

    /// Replaces the options with what `builder` wrote, padded with End of
    /// Option List to a multiple of 4 ([`Header::set_options`]).
    ///
    /// ```
    /// use core::net::Ipv4Addr;
    /// use ipv4_core::header::{Header, Protocol};
    /// use ipv4_core::options::{OptionsBuilder, RouterAlert};
    ///
    /// let mut buf = [0u8; 40];
    /// let mut options = OptionsBuilder::new(&mut buf);
    /// options.router_alert(RouterAlert::EXAMINE)?;
    ///
    /// let mut header = Header::new(
    ///     Ipv4Addr::new(198, 51, 100, 1),
    ///     Ipv4Addr::new(224, 0, 0, 22),
    ///     Protocol::IGMP,
    /// )
    /// .with_ttl(1);
    /// header.set_options_from(&options)?;
    /// assert_eq!(header.options(), &[148, 4, 0, 0]);
    /// assert_eq!(header.header_len(), 24);
    /// # Ok::<(), Box<dyn core::error::Error>>(())
    /// ```
    pub fn set_options_from(&mut self, builder: &OptionsBuilder<'_>) -> Result<(), HeaderError> {
        self.set_options(builder.as_bytes())
    }

    /// Replaces the options with what `build` writes into an
    /// [`OptionsBuilder`] over a 40-byte scratch area of its own, padded
    /// with End of Option List to a multiple of 4 ([`Header::set_options`]:
    /// the payload length stays). No buffer of the caller's is needed.
    ///
    /// Fails, changing nothing, with the builder's error (an option that
    /// does not fit in 40 bytes, a bad argument), or with
    /// [`OptionsBuildError::InvalidArgument`] if the total length would
    /// exceed 65 535.
    ///
    /// ```
    /// use core::net::Ipv4Addr;
    /// use ipv4_core::header::{Header, Protocol};
    /// use ipv4_core::options::RouterAlert;
    ///
    /// let mut header = Header::new(
    ///     Ipv4Addr::new(198, 51, 100, 1),
    ///     Ipv4Addr::new(224, 0, 0, 22),
    ///     Protocol::IGMP,
    /// );
    /// header.build_options(|o| o.router_alert(RouterAlert::EXAMINE)?.record_route(1).map(drop))?;
    /// assert_eq!(header.options(), &[148, 4, 0, 0, 7, 7, 4, 0, 0, 0, 0, 0]);
    /// # Ok::<(), ipv4_core::error::OptionsBuildError>(())
    /// ```
    pub fn build_options(
        &mut self,
        build: impl FnOnce(&mut OptionsBuilder<'_>) -> Result<(), OptionsBuildError>,
    ) -> Result<(), OptionsBuildError> {
        let mut scratch = [0u8; MAX_OPTIONS_LEN];
        let mut builder = OptionsBuilder::new(&mut scratch);
        build(&mut builder)?;
        let area = builder.finish()?;
        self.set_options(area)
            .map_err(|_| OptionsBuildError::InvalidArgument {
                what: "IPv4",
                reason: "the header's total length would exceed 65 535 bytes",
            })
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use crate::checksum::Policy;
    use crate::header::Protocol;
    use crate::options::{Ipv4Option, RouterAlert, TimestampFlag};
    use std::vec::Vec;

    const ME: Ipv4Addr = Ipv4Addr::new(203, 0, 113, 1);

    /// A checked header over `buf` carrying `options`, checksum filled.
    fn packet(options: &[u8], buf: &mut [u8; 60]) -> usize {
        let mut h = Header::new(
            Ipv4Addr::new(192, 0, 2, 1),
            Ipv4Addr::new(198, 51, 100, 1),
            Protocol::UDP,
        );
        h.set_options(options).unwrap();
        h.emit(buf).unwrap()
    }

    #[test]
    fn edits_keep_the_checksum_at_odd_offsets() {
        let mut buf = [0u8; 60];
        // NOP first: the Record Route starts at odd header offset 21.
        let n = packet(
            &[1, 7, 7, 4, 0, 0, 0, 0, 68, 8, 5, 0x10, 0, 0, 0, 0],
            &mut buf,
        );
        let mut view = HeaderView::new_checked(&mut buf[..n]).unwrap();
        assert!(view.verify_checksum());
        assert_eq!(
            view.record_route(ME),
            Ok(Some(RecordOutcome::Recorded { slot: 0 }))
        );
        assert!(view.verify_checksum());
        assert_eq!(
            view.add_timestamp(ME, TimestampValue(0xdead)),
            Ok(Some(TimestampOutcome::Recorded { slot: 0 }))
        );
        assert!(view.verify_checksum());
        assert_eq!(view.advance_source_route(ME), Ok(None));
        assert_eq!(
            view.options(),
            [1, 7, 7, 8, 203, 0, 113, 1, 68, 8, 9, 0x10, 0, 0, 0xde, 0xad]
        );
    }

    #[test]
    fn source_route_moves_the_next_hop_into_the_destination() {
        let mut buf = [0u8; 60];
        let n = packet(&[137, 7, 4, 10, 0, 0, 9], &mut buf);
        let mut view = HeaderView::new_checked(&mut buf[..n]).unwrap();
        assert_eq!(
            view.advance_source_route(ME),
            Ok(Some(SourceRouteOutcome::NextHop {
                next_hop: Ipv4Addr::new(10, 0, 0, 9),
                slot: 0
            }))
        );
        assert_eq!(view.destination(), Ipv4Addr::new(10, 0, 0, 9));
        assert!(view.verify_checksum());
        assert_eq!(
            view.advance_source_route(ME),
            Ok(Some(SourceRouteOutcome::Exhausted))
        );
    }

    #[test]
    fn malformed_options_report_header_offsets_and_change_nothing() {
        let mut buf = [0u8; 60];
        let n = packet(&[1, 7, 7, 3, 0, 0, 0, 0], &mut buf);
        let before = buf;
        let mut view = HeaderView::new_checked(&mut buf[..n]).unwrap();
        let e = view.record_route(ME).unwrap_err();
        assert_eq!((e.offset(), e.problem_offset()), (21, 23));
        assert_eq!(buf, before);
        let view = HeaderView::new_checked(&buf[..n]).unwrap();
        let walked: Vec<_> = view.options_iter().collect();
        assert_eq!(walked, [Ok(Ipv4Option::Nop), Err(e)]);
        let lax = view.options_iter_with(Validation::Lax).count();
        assert_eq!(lax, 2);
    }

    #[test]
    fn owned_header_takes_builder_options() {
        let mut buf = [0u8; 40];
        let mut b = OptionsBuilder::new(&mut buf);
        b.router_alert(RouterAlert::EXAMINE)
            .unwrap()
            .empty_timestamp(TimestampFlag::TimestampsOnly, 1)
            .unwrap()
            .nop()
            .unwrap();
        let mut h = Header::new(ME, ME, Protocol::UDP);
        h.set_options_from(&b).unwrap();
        assert_eq!(h.header_len(), 36);
        let items: Vec<_> = h.options_iter().map(Result::unwrap).collect();
        assert_eq!(items.len(), 4);
        assert_eq!(items[3], Ipv4Option::End { padding: &[0, 0] });
        let mut wire = [0u8; 60];
        let n = h.emit(&mut wire).unwrap();
        let view = HeaderView::new_checked_with(&wire[..n], Policy::Enforce).unwrap();
        assert!(view.options_iter().eq(h.options_iter()));
    }
}
