//! `setsockopt`/`getsockopt` with typed values, for every family, over
//! the family's two byte calls (`setsockopt_raw`, `getsockopt_raw`: libc
//! on Unix, Winsock on Windows).

use std::io;
use std::mem::{MaybeUninit, size_of};

use super::{BorrowedSocket, c_int, getsockopt_raw, setsockopt_raw};

/// A value that may be passed to and read back from `setsockopt`/`getsockopt`
/// as raw bytes.
///
/// # Safety
///
/// Implementors must be `#[repr(C)]` (or primitive) plain data for which
/// every bit pattern, in particular all zeros, is a valid value.
pub(crate) unsafe trait OptionValue: Copy {}

// SAFETY: integers accept every bit pattern.
unsafe impl OptionValue for c_int {}
// SAFETY: integers accept every bit pattern.
unsafe impl OptionValue for u32 {}

/// Sets option `name` at `level` to the bytes of `value`.
pub(crate) fn setsockopt<T: OptionValue>(
    fd: BorrowedSocket<'_>,
    level: c_int,
    name: c_int,
    value: &T,
) -> io::Result<()> {
    // SAFETY: `value` points to `size_of::<T>()` initialised bytes that live
    // across the call; the kernel only reads them.
    unsafe { setsockopt_raw(fd, level, name, (value as *const T).cast(), size_of::<T>()) }
}

/// Reads option `name` at `level` into a zeroed `T`, and returns it with the
/// number of bytes the kernel wrote.
pub(crate) fn getsockopt<T: OptionValue>(
    fd: BorrowedSocket<'_>,
    level: c_int,
    name: c_int,
) -> io::Result<(T, usize)> {
    let mut value = MaybeUninit::<T>::zeroed();
    // SAFETY: `value` is `size_of::<T>()` writable bytes, which the kernel
    // does not exceed.
    let len =
        unsafe { getsockopt_raw(fd, level, name, value.as_mut_ptr().cast(), size_of::<T>())? };
    // SAFETY: the bytes were zeroed and then partly overwritten by the
    // kernel; `T: OptionValue` accepts any bytes.
    Ok((unsafe { value.assume_init() }, len))
}

/// Sets an `int` option.
pub(crate) fn set_int(
    fd: BorrowedSocket<'_>,
    level: c_int,
    name: c_int,
    value: c_int,
) -> io::Result<()> {
    setsockopt(fd, level, name, &value)
}

/// Reads an `int` option. Linux answers with a single byte for some options
/// when asked with a shorter buffer; this accepts both forms.
pub(crate) fn get_int(fd: BorrowedSocket<'_>, level: c_int, name: c_int) -> io::Result<c_int> {
    let (value, len) = getsockopt::<c_int>(fd, level, name)?;
    match len {
        4 => Ok(value),
        1 => Ok(c_int::from(value.to_ne_bytes()[0])),
        n => Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("getsockopt({level}, {name}) returned {n} bytes where an int (4) was expected"),
        )),
    }
}
