//! Typed errors, one enum per concern.
//!
//! Every variant carries what a person needs to fix the input: the field that
//! was wrong, its byte offset, and what was expected against what was found.
//! `Display` reads as a sentence. All types implement [`core::error::Error`].

mod buffer;
mod header;
mod icmp;
mod icmp_message;
mod igmp;
mod igmp_host;
mod options;
mod querier;

pub use buffer::BufferTooSmall;
pub use header::{HeaderError, HeaderField};
pub use icmp::IcmpFilterError;
pub use icmp_message::{IcmpBuildError, IcmpError};
pub use igmp::{CodeError, IgmpBuildError, IgmpError};
pub use igmp_host::IgmpHostError;
pub use options::{OptionError, OptionsBuildError};
pub use querier::QuerierError;
