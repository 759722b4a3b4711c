#ifndef REFCOUNT_COUNTER_H
#define REFCOUNT_COUNTER_H

// A shared library loaded with LD_PRELOAD in front of the Swift runtime: it counts the calls
// to swift_retain and swift_release (and their _n forms) that reach an object, and forwards
// each to the runtime. Only the benchmarks' refcount steps load it, so no timed workload pays
// for the interposition. Its functions are found with dlsym (see RefCountCounter.swift); this
// header only documents them.

#include <stdint.h>

/// Counts, or stops counting, this thread's retains and releases.
void refcount_counter_enable(int enabled);
/// This thread's retains and releases of objects while counting was on: swift_retain and
/// swift_release (an _n call counts n), leaving out null and the shared empty array, whose
/// counts never change.
uint64_t refcount_counter_retains(void);
uint64_t refcount_counter_releases(void);

#endif
