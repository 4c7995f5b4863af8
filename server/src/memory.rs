//! Memory given back. glibc's allocator raises its mmap threshold each time a large block
//! is freed, so that later large blocks (argon2's 19 MiB for each password hash, image
//! buffers) come from its heaps and stay with the process once freed: 256 sign-ups, one
//! hash at a time, left the process 320 MB larger, for good. Fixed at glibc's default
//! (128 KiB), every large block is mapped on its own and given back to the system when
//! freed. And glibc gives each thread that meets a locked heap a heap of its own, up to
//! eight per core, each keeping what was freed in it: the database's connection threads
//! and the runtime's workers left a process that had queued 100,000 tasks 30 MB larger
//! than a fresh one. One heap per core is set before any thread starts. Elsewhere (other
//! allocators) nothing is changed.

/// Keeps large blocks mapped on their own from now on; called once at start.
pub fn give_large_blocks_back() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets a parameter of the allocator, under its own lock; it is
    // sound to call at any time from any thread.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
    }
}

/// At most one heap per core; called by the binary before it starts any thread (a limit
/// set later leaves the heaps made before it).
pub fn one_heap_per_core() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get()).max(2);
        // SAFETY: as above; before other threads exist, nothing else allocates meanwhile.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, cores as libc::c_int);
        }
    }
}
