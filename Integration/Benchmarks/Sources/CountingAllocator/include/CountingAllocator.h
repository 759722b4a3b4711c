#ifndef COUNTING_ALLOCATOR_H
#define COUNTING_ALLOCATOR_H

#include <stdint.h>

// Allocations counted since the process started, when counting is on. Every allocation entry
// point of the C library (malloc, calloc, realloc, posix_memalign, aligned_alloc, memalign) is
// replaced by one that counts, then calls glibc's own implementation. The Swift runtime
// allocates through these, so a Swift object, array or string buffer counts as one.

/// Turns counting on or off for the whole process (off at start: the counters then cost one
/// predictable branch per allocation).
void counting_allocator_enable(int enabled);
/// Allocations by every thread while counting was on.
uint64_t counting_allocator_total(void);
/// Allocations by the calling thread while counting was on.
uint64_t counting_allocator_this_thread(void);
/// Whether the replacement is built for this platform (glibc only).
int counting_allocator_is_active(void);

#endif
