//! Chooses the sum kernel for the running CPU: the crate's one module that
//! may use `unsafe`.
//!
//! Calling a `#[target_feature]` function (the SIMD kernels) from a function
//! without that attribute is `unsafe`: the caller promises the CPU has the
//! feature. This module keeps that promise by asking the CPU itself; for
//! SSE2 the build keeps it: the SIMD code is compiled only for targets that
//! enable SSE2 (`target_feature = "sse2"`), as every hosted x86_64 target
//! does.
//!
//! # Detection
//!
//! Detection uses the `cpuid` and `xgetbv` instructions directly, which
//! needs neither `std` nor a call into the operating system. A feature
//! counts as present only if the CPU reports it *and* the operating
//! system saves the matching register state (`OSXSAVE` set and the XCR0 bits
//! for YMM, and for AVX-512 also opmask and ZMM state); that is the test
//! `std::is_x86_feature_detected!` makes too, and a unit test checks the two
//! agree. The result is cached in an atomic: the first large sum pays for
//! `cpuid`, later ones for one relaxed load.
//!
//! SSE2 needs no detection: a target that enables it promises that every CPU
//! it runs on has it. The order of preference is AVX-512 VNNI, AVX-512F,
//! AVX2, SSE2, except that AMD Zen 1/Zen+ cores, which split 256-bit
//! instructions in two, run the hybrid kernel (see [`SPLIT_256`]).
//!
//! Only the scalar kernel exists on other architectures, under Miri, and on
//! soft-float x86_64 targets such as `x86_64-unknown-none`: code built for
//! them (an OS kernel, typically) must not touch vector registers, and LLVM
//! cannot compile the SSE2 kernel for them at all.
#![allow(unsafe_code)]

use core::sync::atomic::{AtomicU8, Ordering};

use super::scalar;
#[cfg(all(target_arch = "x86_64", target_feature = "sse2", not(miri)))]
use super::x86;

/// A sum kernel. Every kernel gives the same sum; they differ in speed.
///
/// Exposed (hidden from the docs) so tests, benchmarks and fuzz targets can
/// run each kernel on the same data; see [`available`] and [`sum16_with`].
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Kernel {
    /// Portable 64-bit code: four accumulators with end-around carry.
    Scalar = 1,
    /// 128-bit SSE2 (x86_64 targets that enable SSE2).
    Sse2 = 2,
    /// 128-bit AVX vectors alongside a 64-bit add-with-carry chain (x86_64
    /// with AVX and OS support); the fastest on AMD Zen 1/Zen+.
    Hybrid = 5,
    /// 256-bit AVX2 (x86_64 with AVX2 and OS support).
    Avx2 = 3,
    /// 512-bit AVX-512F (x86_64 with AVX-512F and OS support).
    Avx512 = 4,
    /// 512-bit AVX-512F with the VNNI multiply-add (x86_64 with AVX-512F,
    /// AVX-512 VNNI and OS support: Intel Ice Lake and later, AMD Zen 4 and
    /// later).
    Avx512Vnni = 6,
}

impl Kernel {
    /// Every kernel.
    pub const ALL: [Kernel; 6] = [
        Kernel::Scalar,
        Kernel::Sse2,
        Kernel::Hybrid,
        Kernel::Avx2,
        Kernel::Avx512,
        Kernel::Avx512Vnni,
    ];

    /// This kernel's bit in a [`Kernels`] set.
    const fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// A set of kernels, one bit per [`Kernel`]; bit 0 says "detected", and
/// [`SPLIT_256`] may be set too.
type Kernels = u8;

/// Set on AMD Zen 1 and Zen+ (family 17h, models below 30h) with AVX2: they
/// split every 256-bit instruction into two 128-bit halves, so AVX2 buys
/// nothing per byte, and the [`Kernel::Hybrid`] kernel, which keeps
/// 128-bit vectors and puts the idle integer units to work, is the fastest
/// (BENCHMARKS.md, `kernels/*`).
const SPLIT_256: Kernels = 1 << 7;

/// The kernels this CPU runs, once detected; 0 before that.
static DETECTED: AtomicU8 = AtomicU8::new(0);

/// The kernels this CPU runs (detected on the first call, then cached).
#[inline]
fn kernels() -> Kernels {
    let cached = DETECTED.load(Ordering::Relaxed);
    if cached != 0 {
        return cached;
    }
    detect_and_cache()
}

/// The first call's half of [`kernels`], out of line so the cached path
/// (every later call) saves no registers for `cpuid`.
#[cold]
#[inline(never)]
fn detect_and_cache() -> Kernels {
    let detected = detect() | 1;
    // Racing threads all store the same value.
    DETECTED.store(detected, Ordering::Relaxed);
    detected
}

/// The fastest kernel this CPU runs.
#[doc(hidden)]
#[inline]
pub fn best() -> Kernel {
    let kernels = kernels();
    if kernels & Kernel::Avx512Vnni.bit() != 0 {
        Kernel::Avx512Vnni
    } else if kernels & Kernel::Avx512.bit() != 0 {
        Kernel::Avx512
    } else if kernels & SPLIT_256 != 0 && kernels & Kernel::Hybrid.bit() != 0 {
        Kernel::Hybrid
    } else if kernels & Kernel::Avx2.bit() != 0 {
        Kernel::Avx2
    } else if kernels & Kernel::Sse2.bit() != 0 {
        Kernel::Sse2
    } else {
        Kernel::Scalar
    }
}

/// Whether `kernel` can run on this CPU (and in this build).
#[doc(hidden)]
#[inline]
pub fn available(kernel: Kernel) -> bool {
    kernels() & kernel.bit() != 0
}

/// The folded native-order sum of `data` computed by `kernel`, or `None` if
/// the CPU cannot run that kernel.
///
/// For tests, benchmarks and fuzzing; the public functions pick the kernel
/// themselves.
#[doc(hidden)]
pub fn sum16_with(kernel: Kernel, data: &[u8]) -> Option<u16> {
    if available(kernel) {
        Some(super::fold(run(kernel, data)))
    } else {
        None
    }
}

/// The unfolded sum of `data`, at most [`SIMD_MIN_LEN`](super::SIMD_MIN_LEN)
/// bytes long, with the SSE2 kernel inlined into the caller: at these
/// lengths a wider kernel gains nothing, and a call and the feature check
/// would cost more than the sum.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2", not(miri)))]
#[inline(always)]
pub(super) fn sum_medium(data: &[u8]) -> u64 {
    debug_assert!(data.len() <= super::SIMD_MIN_LEN);
    // The block kernel is exact up to 64 KiB; `data` is far shorter.
    // SAFETY: this is compiled only for targets that enable SSE2, so every
    // CPU the code runs on has it.
    unsafe { x86::block_sse2(data) }
}

/// The unfolded sum of `data`, at most [`SIMD_MIN_LEN`](super::SIMD_MIN_LEN)
/// bytes long: without x86_64 and SSE2 (or under Miri), the scalar code.
#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2", not(miri))))]
#[inline(always)]
pub(super) fn sum_medium(data: &[u8]) -> u64 {
    scalar::sum(data)
}

/// The unfolded sum of `data` with the fastest kernel.
#[inline(never)]
pub(super) fn sum(data: &[u8]) -> u64 {
    run(best(), data)
}

/// Runs `kernel`. Both callers pass only an [`available`] kernel:
/// [`sum16_with`] checks, and [`best`] picks among the available ones.
///
/// Loads are unaligned: starting a 1500-byte sum 54 bytes past a cache line
/// costs the SSE2 kernel a few percent and the hybrid kernel, which is
/// bound by its loads, about a seventh (see BENCHMARKS.md). Summing an
/// unaligned head separately, then the rest with aligned loads, won that
/// back but cost as much on aligned data, so it is not done.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2", not(miri)))]
#[inline(always)]
fn run(kernel: Kernel, data: &[u8]) -> u64 {
    match kernel {
        Kernel::Scalar => scalar_kernel(data),
        // SAFETY: this is compiled only for targets that enable SSE2, so
        // every CPU the code runs on has it.
        Kernel::Sse2 => unsafe { x86::sum_sse2(data) },
        // SAFETY: `kernel` is available (see above), and `detect` reports
        // the hybrid kernel only when cpuid and xgetbv say the CPU and OS
        // support AVX.
        Kernel::Hybrid => unsafe { x86::sum_hybrid(data) },
        // SAFETY: as above, for AVX2.
        Kernel::Avx2 => unsafe { x86::sum_avx2(data) },
        // SAFETY: as above, for AVX-512F.
        Kernel::Avx512 => unsafe { x86::sum_avx512(data) },
        // SAFETY: as above, for AVX-512F and AVX-512 VNNI.
        Kernel::Avx512Vnni => unsafe { x86::sum_avx512_vnni(data) },
    }
}

/// [`scalar::sum`], kept out of line: inlined into [`run`] it would make
/// [`sum`] save registers on every call, whichever kernel runs.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2", not(miri)))]
#[inline(never)]
fn scalar_kernel(data: &[u8]) -> u64 {
    scalar::sum(data)
}

/// Runs the scalar kernel, the only one there is here.
#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2", not(miri))))]
#[inline(always)]
fn run(_kernel: Kernel, data: &[u8]) -> u64 {
    scalar::sum(data)
}

/// Finds the kernels this CPU runs with `cpuid` and `xgetbv`.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2", not(miri)))]
fn detect() -> Kernels {
    use core::arch::x86_64::{__cpuid, __cpuid_count, _xgetbv};

    /// CPUID.1:ECX bit 27: the OS enabled XSAVE, so XGETBV is usable.
    const OSXSAVE: u32 = 1 << 27;
    /// CPUID.1:ECX bit 28.
    const AVX: u32 = 1 << 28;
    /// CPUID.7.0:EBX bit 5.
    const AVX2: u32 = 1 << 5;
    /// CPUID.7.0:EBX bit 16.
    const AVX512F: u32 = 1 << 16;
    /// CPUID.7.0:ECX bit 11.
    const AVX512_VNNI: u32 = 1 << 11;
    /// XCR0 bits 1 and 2: the OS saves XMM and YMM registers.
    const XCR0_YMM: u64 = 0b110;
    /// XCR0 bits 5 to 7: the OS saves opmask and all ZMM registers.
    const XCR0_ZMM: u64 = 0b1110_0000;

    let mut kernels = Kernel::Scalar.bit() | Kernel::Sse2.bit();
    let vendor = __cpuid(0);
    let signature = __cpuid(1);
    if vendor.eax < 7 || signature.ecx & OSXSAVE == 0 {
        return kernels;
    }
    // SAFETY: OSXSAVE is set, so the CPU has XGETBV and the OS enabled it;
    // register 0 (XCR0) always exists.
    let xcr0 = unsafe { _xgetbv(0) };
    if signature.ecx & AVX != 0 && xcr0 & XCR0_YMM == XCR0_YMM {
        kernels |= Kernel::Hybrid.bit();
    }
    let leaf7 = __cpuid_count(7, 0);
    let (leaf7, leaf7_ecx) = (leaf7.ebx, leaf7.ecx);
    if leaf7 & AVX2 != 0 && xcr0 & XCR0_YMM == XCR0_YMM {
        kernels |= Kernel::Avx2.bit();
        if is_zen1(vendor, signature.eax) {
            kernels |= SPLIT_256;
        }
    }
    if leaf7 & AVX512F != 0 && xcr0 & (XCR0_YMM | XCR0_ZMM) == XCR0_YMM | XCR0_ZMM {
        kernels |= Kernel::Avx512.bit();
        if leaf7_ecx & AVX512_VNNI != 0 {
            kernels |= Kernel::Avx512Vnni.bit();
        }
    }
    kernels
}

/// Whether CPUID leaves 0 (`vendor`) and 1 (`signature`, its EAX) name an AMD
/// Zen 1 or Zen+ core: "AuthenticAMD", family 17h, model below 30h.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2", not(miri)))]
fn is_zen1(vendor: core::arch::x86_64::CpuidResult, signature: u32) -> bool {
    let amd = (vendor.ebx, vendor.edx, vendor.ecx)
        == (
            u32::from_le_bytes(*b"Auth"),
            u32::from_le_bytes(*b"enti"),
            u32::from_le_bytes(*b"cAMD"),
        );
    let base_family = (signature >> 8) & 0xf;
    let family = if base_family == 0xf {
        base_family + ((signature >> 20) & 0xff)
    } else {
        base_family
    };
    let model = ((signature >> 4) & 0xf) | ((signature >> 12) & 0xf0);
    amd && family == 0x17 && model < 0x30
}

/// Without x86_64 and SSE2 (or under Miri) only the scalar kernel exists.
#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2", not(miri))))]
fn detect() -> Kernels {
    Kernel::Scalar.bit()
}

#[cfg(all(test, target_arch = "x86_64", target_feature = "sse2", not(miri)))]
mod tests {
    extern crate std;
    use super::*;

    #[test]
    fn detection_agrees_with_std() {
        assert!(available(Kernel::Scalar));
        assert!(available(Kernel::Sse2));
        assert_eq!(
            available(Kernel::Hybrid),
            std::is_x86_feature_detected!("avx")
        );
        assert_eq!(
            available(Kernel::Avx2),
            std::is_x86_feature_detected!("avx2")
        );
        assert_eq!(
            available(Kernel::Avx512),
            std::is_x86_feature_detected!("avx512f")
        );
        assert_eq!(
            available(Kernel::Avx512Vnni),
            std::is_x86_feature_detected!("avx512f") && std::is_x86_feature_detected!("avx512vnni")
        );
        assert!(available(best()));
    }
}
