#include "CountingAllocator.h"

#if defined(__linux__) && defined(__GLIBC__)
#include <errno.h>
#include <stddef.h>
#include <stdatomic.h>

// glibc exports its allocator under these names, so a program may replace malloc and still
// forward to it ("Replacing malloc" in the glibc manual).
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *pointer, size_t size);
extern void *__libc_memalign(size_t alignment, size_t size);
extern void __libc_free(void *pointer);

static atomic_int counting = 0;
static atomic_uint_least64_t total = 0;
static __thread uint64_t thread_count = 0;

static inline void count_one(void) {
    if (atomic_load_explicit(&counting, memory_order_relaxed)) {
        atomic_fetch_add_explicit(&total, 1, memory_order_relaxed);
        thread_count += 1;
    }
}

void *malloc(size_t size) {
    count_one();
    return __libc_malloc(size);
}

void *calloc(size_t count, size_t size) {
    count_one();
    return __libc_calloc(count, size);
}

void *realloc(void *pointer, size_t size) {
    count_one();
    return __libc_realloc(pointer, size);
}

void free(void *pointer) {
    __libc_free(pointer);
}

void *memalign(size_t alignment, size_t size) {
    count_one();
    return __libc_memalign(alignment, size);
}

void *aligned_alloc(size_t alignment, size_t size) {
    count_one();
    return __libc_memalign(alignment, size);
}

int posix_memalign(void **result, size_t alignment, size_t size) {
    count_one();
    if (alignment % sizeof(void *) != 0 || (alignment & (alignment - 1)) != 0) return EINVAL;
    void *pointer = __libc_memalign(alignment, size);
    if (pointer == NULL && size != 0) return ENOMEM;
    *result = pointer;
    return 0;
}

void counting_allocator_enable(int enabled) {
    atomic_store_explicit(&counting, enabled, memory_order_seq_cst);
}

uint64_t counting_allocator_total(void) {
    return atomic_load_explicit(&total, memory_order_relaxed);
}

uint64_t counting_allocator_this_thread(void) {
    return thread_count;
}

int counting_allocator_is_active(void) { return 1; }

#else

void counting_allocator_enable(int enabled) { (void)enabled; }
uint64_t counting_allocator_total(void) { return 0; }
uint64_t counting_allocator_this_thread(void) { return 0; }
int counting_allocator_is_active(void) { return 0; }

#endif
