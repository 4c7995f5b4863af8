//! Memory given back. glibc's allocator raises its mmap threshold each time a large block
//! is freed, so that later large blocks (argon2's 19 MiB for each password hash, image
//! buffers) come from its heaps and stay with the process once freed: 256 sign-ups, one
//! hash at a time, left the process 320 MB larger, for good. Fixed at glibc's default
//! (128 KiB), every large block is mapped on its own and given back to the system when
//! freed. Elsewhere (other allocators) nothing is changed.

/// Keeps large blocks mapped on their own from now on; called once at start.
pub fn give_large_blocks_back() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets a parameter of the allocator, under its own lock; it is
    // sound to call at any time from any thread.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
    }
}
