//! A global allocator that counts the allocations of one thread, for the
//! zero-allocation tests (`batch_alloc`, `async_alloc`).
//!
//! A `#[global_allocator]` is per binary, so each of those test files
//! declares `#[global_allocator] static A: CountingAllocator =
//! CountingAllocator;` and measures with [`allocations`] (or [`start_counting`] and
//! [`stop_counting`] around code that awaits). Only the calling
//! thread's allocations count, so the harness's own threads do not disturb
//! the figure.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// [`System`], counting each allocation of a thread while that thread
/// counts ([`start_counting`]).
#[derive(Debug)]
pub struct CountingAllocator;

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    static COUNT: Cell<usize> = const { Cell::new(0) };
}

fn note() {
    // `try_with`: during thread teardown the slots may be gone.
    let _ = COUNTING.try_with(|on| {
        if on.get() {
            let _ = COUNT.try_with(|c| c.set(c.get() + 1));
        }
    });
}

// SAFETY: every method forwards to `System` with the caller's arguments,
// only counting on the side.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note();
        // SAFETY: the caller upholds `alloc`'s contract.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note();
        // SAFETY: as above.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note();
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
}

/// Starts counting this thread's allocations from zero.
pub fn start_counting() {
    COUNT.with(|c| c.set(0));
    COUNTING.with(|on| on.set(true));
}

/// Stops counting; returns the allocations since [`start_counting`].
pub fn stop_counting() -> usize {
    COUNTING.with(|on| on.set(false));
    COUNT.with(Cell::get)
}

/// The allocations `f` makes on this thread (counted only when the binary's
/// global allocator is a [`CountingAllocator`]).
pub fn allocations(f: impl FnOnce()) -> usize {
    start_counting();
    f();
    stop_counting()
}
