//! IPv4 header (RFC 791 §3.1). Being built.
