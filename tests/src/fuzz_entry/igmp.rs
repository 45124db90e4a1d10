//! The `igmp`, `igmp_split` and `roundtrip_igmp` targets.

use std::mem::discriminant;
use std::net::Ipv4Addr;
use std::sync::OnceLock;

use arbitrary::{Arbitrary, Unstructured};
use ipv4_core::checksum::{self, Policy};
use ipv4_core::error::{IgmpBuildError, IgmpError};
use ipv4_core::igmp::{
    Extensions, GroupRecord, MaxRespCode, MaxRespTime, Message, MessageType, Qqic, QueryV3,
    QueryV3Repr, RecordType, ReportSplitter, ReportV3, ReportV3Repr, Sources, V1V2Message,
    V1V2Repr,
};

use super::{debug, show};

/// Walks RFC 9279 TLVs: each one takes at least 4 bytes, an error ends it.
fn visit_extensions(extensions: Extensions<'_>, len: usize) {
    let mut count = 0;
    let mut errors = 0;
    for tlv in extensions {
        count += 1;
        match tlv {
            Ok(tlv) => debug(&tlv),
            Err(e) => {
                show(&e);
                errors += 1;
            }
        }
        assert!(count <= len / 4 + 1, "extension walk does not end");
    }
    assert!(errors <= 1);
}

fn visit_sources(sources: Sources<'_>) {
    let n = sources.len();
    assert_eq!(sources.iter().count(), n);
    assert_eq!(sources.iter().rev().count(), n);
    assert_eq!(sources.iter().len(), n);
    assert_eq!(sources.is_empty(), n == 0);
    assert_eq!(sources.get(n), None);
    if n > 0 {
        assert_eq!(sources.get(n - 1), sources.iter().next_back());
        assert_eq!(sources.slice(1, n).map(|s| s.len()), Some(n - 1));
    }
    assert!(sources.slice(0, n + 1).is_none());
    if let Some(wire) = sources.as_wire_bytes() {
        assert_eq!(wire.len(), 4 * n);
        assert_eq!(Sources::from_wire(wire), Some(sources));
    }
    show(&sources);
}

fn visit_v1v2(m: &V1V2Message<'_>, data: &[u8]) {
    assert_eq!(m.as_bytes(), data);
    assert_eq!(m.additional_data().len(), data.len() - 8);
    let _ = (
        m.message_type(),
        m.max_resp_code(),
        m.max_resp_time(),
        m.checksum(),
        m.group(),
    );
    show(m);
}

fn visit_query_v3(q: &QueryV3<'_>, data: &[u8]) {
    assert_eq!(q.as_bytes(), data);
    let n = usize::from(q.number_of_sources());
    assert_eq!(q.sources().len(), n);
    assert_eq!(q.additional_data().len(), data.len() - 12 - 4 * n);
    visit_sources(q.sources());
    let _ = (
        q.message_type(),
        q.max_resp_code(),
        q.max_resp_time(),
        q.checksum(),
        q.group(),
        q.reserved(),
        q.s_flag(),
        q.qrv(),
        q.qqic(),
        q.query_interval(),
        q.is_general(),
    );
    assert!(q.qrv() <= 7 && q.reserved() <= 7);
    assert_eq!(q.extensions().is_some(), q.extension_flag());
    if let Some(ext) = q.extensions() {
        visit_extensions(ext, data.len());
    }
    show(q);
}

fn visit_report_v3(r: &ReportV3<'_>, data: &[u8]) {
    assert_eq!(r.as_bytes(), data);
    let n = usize::from(r.number_of_records());
    let records = r.records();
    assert_eq!(records.len(), n);
    let mut wire_len = 0;
    let mut count = 0;
    for record in records {
        count += 1;
        assert_eq!(record.aux_data.len() % 4, 0);
        assert_eq!(record.aux_data_len() * 4, record.aux_data.len());
        wire_len += record.buffer_len();
        visit_sources(record.sources);
        let t = record.record_type;
        let _ = (t.name(), t.is_known(), t.truncates_when_split());
        show(&t);
        show(&record);
    }
    assert_eq!(count, n, "fewer records than the count");
    let list = r.record_list();
    assert_eq!(list.len(), n);
    assert_eq!(list.buffer_len(), wire_len);
    debug(&list);
    assert_eq!(8 + wire_len + r.additional_data().len(), data.len());
    let _ = (
        r.message_type(),
        r.reserved_1(),
        r.reserved_2(),
        r.checksum(),
    );
    assert!(r.reserved_2() < 0x8000);
    assert_eq!(r.extensions().is_some(), r.extension_flag());
    if let Some(ext) = r.extensions() {
        visit_extensions(ext, data.len());
    }
    show(r);
}

fn visit_message(m: &Message<'_>, data: &[u8]) {
    assert_eq!(m.as_bytes(), data);
    assert_eq!(m.message_type().0, data[0]);
    let _ = (m.version(), m.message_type().name());
    show(m);
    show(&m.message_type());
    match m {
        Message::QueryV1(v) | Message::QueryV2(v) => {
            assert_eq!(data.len(), 8);
            assert_eq!(
                matches!(m, Message::QueryV1(_)),
                v.max_resp_code().code() == 0
            );
            visit_v1v2(v, data);
        }
        Message::ReportV1(v) | Message::ReportV2(v) | Message::Leave(v) => visit_v1v2(v, data),
        Message::QueryV3(q) => visit_query_v3(q, data),
        Message::ReportV3(r) => visit_report_v3(r, data),
        Message::IgnoredQuery(bytes) => assert!((9..=11).contains(&bytes.len())),
        Message::Unknown { bytes, .. } => assert_eq!(*bytes, data),
    }
}

/// Max Resp Code and QQIC: every code decodes to a value that encodes
/// back to it, exactly.
fn visit_codes(code: u8) {
    let mrc = MaxRespCode::new(code);
    assert_eq!(MaxRespCode::from_tenths_exact(mrc.tenths()), Ok(mrc));
    assert_eq!(MaxRespCode::from_tenths_lossy(mrc.tenths()), mrc);
    assert_eq!(MaxRespCode::from_duration_exact(mrc.duration()), Ok(mrc));
    let qqic = Qqic::new(code);
    assert_eq!(Qqic::from_secs_exact(qqic.secs()), Ok(qqic));
    assert_eq!(Qqic::from_duration_lossy(qqic.duration()), qqic);
    show(&mrc);
    show(&qqic);
    // One above a value either is the next code's value or is refused.
    if let Err(e) = MaxRespCode::from_tenths_exact(mrc.tenths() + 1) {
        show(&e);
    }
}

/// Classification and every view on arbitrary bytes; the checksum check
/// only decides between an error and the same message.
pub fn igmp(data: &[u8]) {
    let verified = Message::parse_with(data, Policy::Enforce);
    let skipped = Message::parse_with(data, Policy::Trust);
    // `parse` verifies, except in fuzzing builds (`--cfg fuzzing`).
    let parsed = Message::parse(data);
    assert!(parsed == verified || parsed == skipped);
    // The parser's own checksum test agrees with the checksum module's.
    if data.len() >= 4 {
        assert_eq!(
            matches!(verified, Err(IgmpError::Checksum { .. })),
            !checksum::verify(data),
            "IGMP checksum verification disagrees with checksum::verify"
        );
    }
    match (&verified, &skipped) {
        (Ok(v), Ok(s)) => assert_eq!(v, s),
        (Ok(_), Err(e)) => panic!("verified parse accepted what the unverified refused: {e}"),
        (Err(IgmpError::Checksum { found, .. }), _) => {
            assert!(!checksum::verify(data));
            assert_eq!(*found, u16::from_be_bytes([data[2], data[3]]));
        }
        (Err(e), _) => assert_eq!(Err(*e), skipped, "{e}"),
    }
    if skipped.is_ok() && checksum::verify(data) {
        assert_eq!(verified, skipped);
    }
    match &skipped {
        Ok(m) => visit_message(m, data),
        Err(e) => show(e),
    }
    if let Err(e) = &verified {
        show(e);
    }

    // The views on their own, whatever the type byte says.
    match V1V2Message::new_checked(data) {
        Ok(v) => visit_v1v2(&v, data),
        Err(e) => assert!(data.len() < 8, "{e}"),
    }
    match QueryV3::new_checked(data) {
        Ok(q) => visit_query_v3(&q, data),
        Err(e) => show(&e),
    }
    match ReportV3::new_checked(data) {
        Ok(r) => visit_report_v3(&r, data),
        Err(e) => show(&e),
    }
    visit_extensions(Extensions::new(data, 0), data.len());
    if let Some(&code) = data.get(1) {
        visit_codes(code);
    }
}

/// parse → emit → parse for every message kind: the second parse equals
/// the first, and the bytes come back but for a checksum that was wrong.
/// Then from a message the same bytes describe: emit → parse gives it back.
pub fn roundtrip_igmp(data: &[u8]) {
    build_then_parse(data);
    let Ok(first) = Message::parse_with(data, Policy::Trust) else {
        return;
    };
    let right = checksum::verify(data);
    let mut buf = vec![0u8; data.len().max(8)];
    match first {
        Message::QueryV1(v)
        | Message::QueryV2(v)
        | Message::ReportV1(v)
        | Message::ReportV2(v)
        | Message::Leave(v) => {
            let repr = V1V2Repr::parse(&v);
            assert!(repr.emit(&mut buf[..7]).is_err());
            let n = repr.emit(&mut buf).expect("8 bytes suffice");
            assert_eq!(n, V1V2Repr::LEN);
            assert!(checksum::verify(&buf[..n]));
            let second = parse_verified(&buf[..n]).expect("emitted message parses");
            assert_eq!(discriminant(&second), discriminant(&first));
            let (Message::QueryV1(w)
            | Message::QueryV2(w)
            | Message::ReportV1(w)
            | Message::ReportV2(w)
            | Message::Leave(w)) = second
            else {
                unreachable!("same variant as the first parse");
            };
            assert_eq!(V1V2Repr::parse(&w), repr);
            if data.len() == 8 && right && data[2..4] != [0xff, 0xff] {
                assert_eq!(&buf[..n], data);
            }
        }
        Message::QueryV3(q) => {
            let repr = QueryV3Repr::parse(&q);
            assert_eq!(repr.buffer_len(), data.len());
            assert!(repr.emit(&mut buf[..data.len() - 1]).is_err());
            let n = repr.emit(&mut buf).expect("sized by buffer_len");
            same_but_checksum(&buf[..n], data, right);
            let Message::QueryV3(again) = parse_verified(&buf[..n]).expect("emitted query parses")
            else {
                panic!("an emitted IGMPv3 query parses as something else");
            };
            assert_eq!(QueryV3Repr::parse(&again), repr);
        }
        Message::ReportV3(r) => {
            let repr = ReportV3Repr::parse(&r);
            assert_eq!(repr.buffer_len(), data.len());
            assert!(repr.emit(&mut buf[..data.len() - 1]).is_err());
            let n = repr.emit(&mut buf).expect("sized by buffer_len");
            same_but_checksum(&buf[..n], data, right);
            let Message::ReportV3(again) =
                parse_verified(&buf[..n]).expect("emitted report parses")
            else {
                panic!("an emitted IGMPv3 report parses as something else");
            };
            assert_eq!(ReportV3Repr::parse(&again), repr);
        }
        Message::IgnoredQuery(_) | Message::Unknown { .. } => {}
    }
}

/// `emitted` is `original` with a right checksum.
fn same_but_checksum(emitted: &[u8], original: &[u8], original_right: bool) {
    assert_eq!(emitted.len(), original.len());
    assert!(checksum::verify(emitted));
    assert_eq!(emitted[..2], original[..2]);
    assert_eq!(emitted[4..], original[4..]);
    // A right checksum comes back, unless it was 0xffff: the one's
    // complement -0 that sums the same as the computed +0 (RFC 1624 §3).
    if original_right && original[2..4] != [0xff, 0xff] {
        assert_eq!(emitted, original);
    }
}

/// Source addresses the records of `igmp_split` take slices of: enough for
/// a record whose count does not fit 16 bits.
const POOL_LEN: usize = 70_000;

fn pool() -> &'static [Ipv4Addr] {
    static POOL: OnceLock<Vec<Ipv4Addr>> = OnceLock::new();
    POOL.get_or_init(|| {
        (0..POOL_LEN as u32)
            .map(|i| Ipv4Addr::from(0x0a00_0000 | i))
            .collect()
    })
}

/// Auxiliary data bytes, a distinct value at each offset.
static AUX: [u8; 1032] = {
    let mut aux = [0u8; 1032];
    let mut i = 0;
    while i < aux.len() {
        aux[i] = (i * 7 + 1) as u8;
        i += 1;
    }
    aux
};

/// One group record as the fuzzer describes it.
#[derive(Debug, Arbitrary)]
struct RecordSpec {
    record_type: u8,
    group: [u8; 4],
    /// Picks the size class of the source count (mostly small).
    size_class: u8,
    count: u16,
    pool_offset: u16,
    aux: u8,
    aux_misaligned: bool,
}

/// The size limit as the fuzzer describes it.
#[derive(Debug, Arbitrary)]
enum LimitSpec {
    /// [`ReportSplitter::for_mtu`].
    Mtu(u16),
    /// [`ReportSplitter::new`].
    Limit(u16),
    /// A limit past what an IPv4 datagram holds.
    Huge(u32),
}

#[derive(Debug, Arbitrary)]
struct SplitInput {
    limit: LimitSpec,
    records: Vec<RecordSpec>,
    /// Bit i set: give message i a buffer one byte short.
    short_buffers: u16,
}

impl RecordSpec {
    fn record(&self) -> GroupRecord<'static> {
        let n = match self.size_class {
            0..=199 => usize::from(self.count % 32),
            200..=249 => usize::from(self.count % 1024),
            _ => 60_000 + usize::from(self.count % 10_000),
        };
        let start = usize::from(self.pool_offset) % (POOL_LEN - n + 1);
        let aux_len = if self.aux_misaligned {
            usize::from(self.aux % 8)
        } else {
            usize::from(self.aux) * 4
        };
        GroupRecord {
            // Mostly the six defined types, sometimes 0 or 7.
            record_type: RecordType(self.record_type % 8),
            group: Ipv4Addr::from(self.group),
            sources: Sources::from(&pool()[start..start + n]),
            aux_data: &AUX[..aux_len],
        }
    }
}

/// Where the splitter's output has got to in the input records.
struct Cursor {
    record: usize,
    source: usize,
}

/// The v3 report splitter fed arbitrary records and limits: every message
/// fits the limit and parses; records and sources come out whole and in
/// order (EXCLUDE records cut, others continued); a report that fits in
/// one message comes out as `ReportV3Repr::emit` writes it.
pub fn igmp_split(data: &[u8]) {
    let Ok(input) = SplitInput::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let records: Vec<GroupRecord<'static>> = input
        .records
        .iter()
        .take(64)
        .map(RecordSpec::record)
        .collect();
    let mut splitter = match input.limit {
        LimitSpec::Mtu(mtu) => ReportSplitter::for_mtu(&records, usize::from(mtu)),
        LimitSpec::Limit(limit) => ReportSplitter::new(&records, usize::from(limit)),
        LimitSpec::Huge(limit) => ReportSplitter::new(&records, limit as usize),
    };
    let limit = splitter.limit();
    assert!(limit <= usize::from(u16::MAX) - 24);
    let total_sources: usize = records.iter().map(|r| r.sources.len()).sum();
    let bound = records.len() + total_sources + 1;

    let whole = ReportV3Repr::new(&records[..]);
    let mut single = None;
    if !records.is_empty() && whole.buffer_len() <= limit {
        let mut buf = vec![0u8; whole.buffer_len()];
        if whole.emit(&mut buf).is_ok() {
            single = Some(buf);
        }
    }

    let mut at = Cursor {
        record: 0,
        source: 0,
    };
    let mut messages = Vec::new();
    let mut failed = false;
    let mut buf = vec![0u8; limit + 1];
    for index in 0.. {
        assert!(index <= bound, "the splitter does not progress");
        let Some(planned) = splitter.next_len() else {
            assert!(splitter.is_done());
            assert!(splitter.next_message(&mut buf).is_none());
            break;
        };
        let short = index < 16 && input.short_buffers & (1 << index) != 0;
        let result = match planned {
            Ok(len) => {
                assert!(
                    len <= limit,
                    "a report of {len} bytes over the limit {limit}"
                );
                let size = if short { len - 1 } else { len };
                splitter.next_message(&mut buf[..size])
            }
            Err(_) => splitter.next_message(&mut buf),
        };
        let result = result.expect("next_len promised a message");
        match (planned, result) {
            (Ok(len), Ok(n)) => {
                assert!(!short);
                assert_eq!(n, len);
                check_report(&buf[..n], &records, &mut at);
                messages.push(buf[..n].to_vec());
            }
            (Ok(len), Err(IgmpBuildError::BufferTooSmall(e))) => {
                assert!(short);
                assert_eq!((e.required, e.found), (len, len - 1));
                failed = true;
            }
            (Err(planned), Err(e)) => {
                assert_eq!(planned, e);
                show(&e);
                match e {
                    IgmpBuildError::LimitTooSmall { .. } => assert!(
                        records[at.record..]
                            .iter()
                            .any(|r| 8 + 8 + r.aux_data.len() + 4 > limit),
                        "{e} with every record fitting"
                    ),
                    IgmpBuildError::AuxData { len } => {
                        assert!(len % 4 != 0 || len > 1020, "{e}")
                    }
                    other => panic!("unexpected splitter error {other}"),
                }
                failed = true;
            }
            (planned, result) => panic!("next_len said {planned:?}, next_message {result:?}"),
        }
        if failed {
            assert!(splitter.is_done());
            assert!(splitter.next_len().is_none());
            assert!(splitter.next_message(&mut buf).is_none());
            break;
        }
    }
    if !failed {
        assert_eq!(at.record, records.len(), "records left unreported");
        if let Some(single) = single {
            assert_eq!(messages, [single], "a report that fits was split");
        }
    }
}

/// One message of the splitter: a valid IGMPv3 report whose records
/// continue the input where the previous message stopped.
fn check_report(message: &[u8], records: &[GroupRecord<'_>], at: &mut Cursor) {
    assert!(checksum::verify(message));
    let Ok(Message::ReportV3(report)) = parse_verified(message) else {
        panic!("the splitter wrote something that is not a report");
    };
    assert!(report.number_of_records() > 0, "an empty report");
    for out in report.records() {
        let input = records.get(at.record).expect("more records out than in");
        assert_eq!(
            (out.record_type, out.group, out.aux_data),
            (input.record_type, input.group, input.aux_data)
        );
        let k = out.sources.len();
        let expected = input
            .sources
            .slice(at.source, at.source + k)
            .expect("more sources out than in");
        assert_eq!(out.sources, expected, "sources out of order");
        at.source += k;
        if at.source == input.sources.len() || input.record_type.truncates_when_split() {
            at.record += 1;
            at.source = 0;
        } else {
            assert!(k > 0, "an empty part of a split record");
        }
    }
}

/// A group record to build: type, group, sources, auxiliary data.
type RecordBuildSpec = (u8, [u8; 4], Vec<[u8; 4]>, Vec<u8>);

/// A message to build, as the fuzzer describes it.
#[derive(Debug, Arbitrary)]
enum BuildSpec {
    V1V2 {
        message_type: u8,
        max_resp_code: u8,
        group: [u8; 4],
    },
    QueryV3 {
        max_resp_code: u8,
        group: [u8; 4],
        extension: bool,
        reserved: u8,
        s_flag: bool,
        qrv: u8,
        qqic: u8,
        sources: Vec<[u8; 4]>,
        additional_data: Vec<u8>,
    },
    ReportV3 {
        reserved_1: u8,
        extension: bool,
        reserved_2: u16,
        records: Vec<RecordBuildSpec>,
        additional_data: Vec<u8>,
    },
}

/// emit → parse: every message the builders write parses back to the
/// fields it was built from (reserved bits cut to their widths).
fn build_then_parse(data: &[u8]) {
    let Ok(spec) = BuildSpec::arbitrary(&mut Unstructured::new(data)) else {
        return;
    };
    let addrs = |a: &[[u8; 4]]| a.iter().map(|&o| Ipv4Addr::from(o)).collect::<Vec<_>>();
    match spec {
        BuildSpec::V1V2 {
            message_type,
            max_resp_code,
            group,
        } => {
            if MessageType(message_type) == MessageType::REPORT_V3 {
                return; // 8 bytes of type 0x22 are an IGMPv3 report header
            }
            let repr = V1V2Repr {
                message_type: MessageType(message_type),
                max_resp_code: MaxRespTime::new(max_resp_code),
                group: Ipv4Addr::from(group),
            };
            let mut buf = [0u8; V1V2Repr::LEN];
            assert_eq!(repr.emit(&mut buf), Ok(V1V2Repr::LEN));
            let view = match parse_verified(&buf).expect("an 8-byte message parses") {
                Message::QueryV1(v) | Message::QueryV2(v) => {
                    assert_eq!(message_type, 0x11);
                    v
                }
                Message::ReportV1(v) | Message::ReportV2(v) | Message::Leave(v) => v,
                Message::Unknown { .. } => return,
                other => panic!("an 8-byte message parsed as {other:?}"),
            };
            assert_eq!(V1V2Repr::parse(&view), repr);
        }
        BuildSpec::QueryV3 {
            max_resp_code,
            group,
            extension,
            reserved,
            s_flag,
            qrv,
            qqic,
            sources,
            additional_data,
        } => {
            let sources = addrs(&sources);
            let repr = QueryV3Repr {
                max_resp_code: MaxRespCode::new(max_resp_code),
                group: Ipv4Addr::from(group),
                extension,
                reserved,
                s_flag,
                qrv,
                qqic: Qqic::new(qqic),
                sources: Sources::from(&sources[..]),
                additional_data: &additional_data,
            };
            let mut buf = vec![0u8; repr.buffer_len()];
            assert_eq!(repr.emit(&mut buf), Ok(buf.len()));
            let Message::QueryV3(view) = parse_verified(&buf).expect("an emitted query parses")
            else {
                panic!("an emitted IGMPv3 query parses as something else");
            };
            let expected = QueryV3Repr {
                reserved: reserved & 0x7,
                qrv: qrv & 0x7,
                ..repr
            };
            assert_eq!(QueryV3Repr::parse(&view), expected);
        }
        BuildSpec::ReportV3 {
            reserved_1,
            extension,
            reserved_2,
            records,
            additional_data,
        } => {
            let sources: Vec<Vec<Ipv4Addr>> = records.iter().map(|r| addrs(&r.2)).collect();
            let records: Vec<GroupRecord<'_>> = records
                .iter()
                .zip(&sources)
                .map(|((t, g, _, aux), s)| GroupRecord {
                    record_type: RecordType(*t),
                    group: Ipv4Addr::from(*g),
                    sources: Sources::from(&s[..]),
                    aux_data: aux,
                })
                .collect();
            let repr = ReportV3Repr {
                reserved_1,
                extension,
                reserved_2,
                records: (&records[..]).into(),
                additional_data: &additional_data,
            };
            let mut buf = vec![0u8; repr.buffer_len()];
            match repr.emit(&mut buf) {
                Ok(n) => assert_eq!(n, buf.len()),
                Err(IgmpBuildError::AuxData { len }) => {
                    assert!(len % 4 != 0 || len > 1020);
                    return;
                }
                Err(e) => panic!("a report that fits was refused: {e}"),
            }
            let Message::ReportV3(view) = parse_verified(&buf).expect("an emitted report parses")
            else {
                panic!("an emitted IGMPv3 report parses as something else");
            };
            let expected = ReportV3Repr {
                reserved_2: reserved_2 & 0x7fff,
                ..repr
            };
            assert_eq!(ReportV3Repr::parse(&view), expected);
        }
    }
}

/// Parses with the checksum verified, in every build (`Message::parse`
/// skips it in fuzzing builds): what the builders write must verify.
fn parse_verified(bytes: &[u8]) -> Result<Message<'_>, IgmpError> {
    Message::parse_with(bytes, Policy::Enforce)
}
