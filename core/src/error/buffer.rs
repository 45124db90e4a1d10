use core::fmt;

/// A builder was given an output buffer shorter than what it must write.
///
/// Builders report the size they need up front (`buffer_len()` or similar);
/// a buffer of at least that size never yields this error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BufferTooSmall {
    /// What is being written, e.g. `"IPv4 header"`.
    pub what: &'static str,
    /// Bytes the builder needs.
    pub required: usize,
    /// Bytes the caller's buffer has.
    pub found: usize,
}

impl fmt::Display for BufferTooSmall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the buffer for the {} is {} bytes long but {} bytes are required",
            self.what, self.found, self.required
        )
    }
}

impl core::error::Error for BufferTooSmall {}
