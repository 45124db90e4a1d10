//! Placeholder: filled in by the igmp work.
fn main() {}
