//! The process's memory allocator: mimalloc, in place of glibc's malloc.
//!
//! Why: every API call allocates a few dozen small, short-lived buffers (headers, ids, the
//! journal entry, JSON), and two worker threads free what the other allocated. Under load glibc's
//! malloc spent ~10 % of the emulator's CPU on that (perf, `docs/performance.md`); mimalloc's
//! per-thread free lists take about half, and it hands memory back after load instead of keeping
//! it (RSS after the API benchmark: 155 MiB with glibc, ~55 MiB with mimalloc).
//!
//! Built with `no_thp`: on a kernel whose transparent huge pages are `madvise`d, mimalloc would ask
//! for them, and each thread's first allocation would then fault in a 2 MiB page; idle RSS went
//! from ~13 to ~35 MiB. Without them idle RSS is within 0.5 MiB of glibc's.
//!
//! Declared by the library, so the binary, the tests and the benchmarks all run on the allocator
//! that [`release_freed_memory`] talks to.

use libmimalloc_sys::{mi_option_set, mi_option_t};

/// mimalloc's `mi_option_purge_delay` (its index in v3's `mimalloc.h`; the sys crate names
/// only the options that kept their index from v2).
const PURGE_DELAY: mi_option_t = 15;

/// How long freed pages wait before they go back to the system, in ms. mimalloc v3 waits a
/// second (10 s for whole arenas), which let the hostile-replies benchmark peak at 134 MiB,
/// past its 128 MiB bound; at 10 ms (v2's default) it peaks near 105 MiB, below glibc's 115.
const PURGE_DELAY_MS: i64 = 10;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Sets the allocator's options: called once by the composition root (`Emulator::bind`), before
/// any load. Options only read at mimalloc's start-up (huge pages) are build features instead.
pub fn tune() {
    // SAFETY: sets a global option value; mimalloc reads it on each purge.
    unsafe { mi_option_set(PURGE_DELAY, PURGE_DELAY_MS as _) }
}

/// After a journal, a sandbox or the CRM was emptied the user expects the process to shrink: ask
/// the allocator to return the pages it freed to the system now rather than when it gets to it.
pub fn release_freed_memory() {
    // SAFETY: mi_collect only frees and returns pages that hold no live allocation.
    unsafe { libmimalloc_sys::mi_collect(true) }
}
