//! Placeholder: filled in by the header work.
fn main() {}
