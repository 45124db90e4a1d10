//! Placeholder: filled in by the checksum work.
fn main() {}
