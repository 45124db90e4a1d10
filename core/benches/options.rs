//! Placeholder: filled in by the options work.
fn main() {}
