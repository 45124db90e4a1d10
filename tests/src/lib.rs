//! Shared helpers for the integration tests of `ipv4-core` and `ipv4-std`.
