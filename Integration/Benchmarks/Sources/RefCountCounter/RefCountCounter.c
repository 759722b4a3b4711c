#define _GNU_SOURCE
#include "RefCountCounter.h"

#if defined(__linux__)
#include <dlfcn.h>
#include <stddef.h>
#include <stdint.h>

static __thread int counting = 0;
static __thread uint64_t retains = 0, releases = 0;

static void *(*real_retain)(void *);
static void (*real_release)(void *);
static void *(*real_retain_n)(void *, uint32_t);
static void (*real_release_n)(void *, uint32_t);
static void *empty_array;

// Resolved on the first call: libraries' initialisers (Foundation's among them) retain and
// release before this library's own would run.
static void resolve(void) {
    real_retain = (void *(*)(void *))dlsym(RTLD_NEXT, "swift_retain");
    real_release = (void (*)(void *))dlsym(RTLD_NEXT, "swift_release");
    real_retain_n = (void *(*)(void *, uint32_t))dlsym(RTLD_NEXT, "swift_retain_n");
    real_release_n = (void (*)(void *, uint32_t))dlsym(RTLD_NEXT, "swift_release_n");
    empty_array = dlsym(RTLD_DEFAULT, "_swiftEmptyArrayStorage");
}

static inline int counts(void *object) { return counting && object != NULL && object != empty_array; }

void *swift_retain(void *object) {
    if (counts(object)) retains += 1;
    if (real_retain == NULL) resolve();
    return real_retain(object);
}

void swift_release(void *object) {
    if (counts(object)) releases += 1;
    if (real_release == NULL) resolve();
    real_release(object);
}

void *swift_retain_n(void *object, uint32_t n) {
    if (counts(object)) retains += n;
    if (real_retain_n == NULL) resolve();
    return real_retain_n(object, n);
}

void swift_release_n(void *object, uint32_t n) {
    if (counts(object)) releases += n;
    if (real_release_n == NULL) resolve();
    real_release_n(object, n);
}

void refcount_counter_enable(int enabled) { counting = enabled; }
uint64_t refcount_counter_retains(void) { return retains; }
uint64_t refcount_counter_releases(void) { return releases; }

#else
void refcount_counter_enable(int enabled) { (void)enabled; }
uint64_t refcount_counter_retains(void) { return 0; }
uint64_t refcount_counter_releases(void) { return 0; }
#endif
