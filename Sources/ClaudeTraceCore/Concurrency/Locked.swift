#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A value shared across tasks, protected by a pthread mutex that lives in the same allocation.
///
/// Why not `Synchronization.Mutex`: on Linux its lock is a futex driven by atomics inside the
/// standard library, which is not built with ThreadSanitizer instrumentation, so TSan cannot see
/// the lock and reports every access it protects as a race (measured here: 7 false reports for
/// 4 threads appending to an array under a `Mutex`, none with this type). TSan intercepts
/// pthread mutexes, so with this lock its reports are real races. Uncontended it costs the same.
///
/// `@unchecked Sendable` is safe: the value is only written inside `withLock`, between
/// `pthread_mutex_lock` and `pthread_mutex_unlock` on the mutex stored in the same block, and
/// only read there too, except through `readWithoutLock`, which is only for a value nobody
/// writes any more (see there); the mutex is initialised before the block is shared and
/// destroyed only in `deinit`, when no other reference exists; and `Value` itself is `Sendable`.
///
/// `package`, not public: an implementation detail that the other modules of this package
/// share. `@usableFromInline` because `SpanData`'s inlinable getters read a span's record
/// through it.
@usableFromInline
package struct Locked<Value: Sendable>: @unchecked Sendable {
    /// The mutex (the header) and the value (the one tail element) in one heap block. The value
    /// sits in the tail so that it can be moved in: `ManagedBuffer.create` copies its header.
    @usableFromInline
    final class Storage: ManagedBuffer<pthread_mutex_t, Value> {
        deinit {
            withUnsafeMutablePointers { mutex, value in
                _ = value.deinitialize(count: 1)
                pthread_mutex_destroy(mutex)
            }
        }
    }

    @usableFromInline var storage: Storage

    package init(_ value: consuming Value) {
        self.init(value, spinsBeforeSleeping: false)
    }

    /// `spinsBeforeSleeping`: on Linux, a thread that finds the lock taken spins for a moment
    /// before it sleeps in the kernel (`PTHREAD_MUTEX_ADAPTIVE_NP`). For a lock that two threads
    /// take at a high rate for a few instructions each, such as a batch processor's queue: with
    /// the default mutex, a producer that found the worker holding it slept and had to be woken
    /// by a system call (W1: the producer's thread switched out 500–800 times in 1.1 million
    /// spans, about 250 times with spinning).
    init(_ value: consuming Value, spinsBeforeSleeping: Bool) {
        storage = unsafeDowncast(Storage.create(minimumCapacity: 1) { _ in pthread_mutex_t() }, to: Storage.self)
        // The value is moved in, not copied: a copy retains every reference it holds and the
        // original then releases each (a span's record: a tenth of W1, perf). Moving needs the
        // pointer outside a closure, which could only copy a captured value; the element's
        // address is fixed for the lifetime of `storage`, which this value holds.
        let (mutex, element) = storage.withUnsafeMutablePointers { ($0, $1) }
        #if canImport(Glibc)
        if spinsBeforeSleeping {
            var attributes = pthread_mutexattr_t()
            pthread_mutexattr_init(&attributes)
            pthread_mutexattr_settype(&attributes, Int32(PTHREAD_MUTEX_ADAPTIVE_NP))
            pthread_mutex_init(mutex, &attributes)
            pthread_mutexattr_destroy(&attributes)
        } else {
            pthread_mutex_init(mutex, nil)
        }
        #else
        pthread_mutex_init(mutex, nil)
        #endif
        element.initialize(to: value)
    }

    /// Runs `body` with exclusive access to the value. Never call back into the same lock from
    /// `body`, and never run user code or I/O inside it.
    @inlinable @inline(__always)
    package func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        try storage.withUnsafeMutablePointers { mutex, value in
            pthread_mutex_lock(mutex)
            defer { pthread_mutex_unlock(mutex) }
            return try body(&value.pointee)
        }
    }

    /// Reads the value without taking the lock: only for a value that nobody writes any more,
    /// reached through a happens-before edge from its last write (another lock, a task
    /// hand-off). An ended span's record is such a value; see ``SpanData``.
    @inlinable @inline(__always)
    func readWithoutLock<Result>(_ body: (borrowing Value) -> Result) -> Result {
        storage.withUnsafeMutablePointerToElements { body($0.pointee) }
    }

    /// Whether no other `Locked` shares this value's storage.
    mutating func isUniquelyReferenced() -> Bool { isKnownUniquelyReferenced(&storage) }
}
