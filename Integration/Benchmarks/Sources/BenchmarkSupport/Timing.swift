#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Monotonic nanoseconds (`CLOCK_MONOTONIC`): our own reading, so no library under test is
/// timed with its own clock.
@inline(__always)
public func monotonicNanoseconds() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec)
}

/// Unix epoch nanoseconds (`CLOCK_REALTIME`): timestamps for spans a workload builds by hand.
public func wallClockNanoseconds() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_REALTIME, &spec)
    return UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec)
}

/// Nanoseconds per call of `body`, run `count` times after a warm-up of a tenth as many
/// (indices continue from the warm-up, so the two never share an index).
public func nanosecondsPerOperation(_ count: Int, warmUp: Int? = nil, _ body: (Int) -> Void) -> Double {
    let warmUp = warmUp ?? max(1, count / 10)
    for index in 0..<warmUp { body(index) }
    let start = monotonicNanoseconds()
    for index in warmUp..<(warmUp + count) { body(index) }
    return Double(monotonicNanoseconds() - start) / Double(count)
}

/// Seconds between two `monotonicNanoseconds()` readings.
public func seconds(from start: UInt64, to end: UInt64) -> Double { Double(end &- start) / 1e9 }

/// Sleeps the calling thread (not a task): for pacing producers that run on their own thread.
public func sleepThread(nanoseconds: UInt64) {
    var request = timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
    var remaining = timespec()
    while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
}

/// Produces work at a steady rate: call ``due(at:)`` in a loop and do that many operations.
/// Each millisecond's share is released as the clock passes it, so the rate holds over any
/// window longer than a millisecond and a slow iteration is caught up at once.
public struct Pacer {
    public let perSecond: Double
    public let start: UInt64
    public private(set) var released = 0

    public init(perSecond: Double, start: UInt64 = monotonicNanoseconds()) {
        self.perSecond = perSecond
        self.start = start
    }

    /// Operations due now that have not been released yet (at most `limit`).
    public mutating func due(at now: UInt64 = monotonicNanoseconds(), limit: Int) -> Int {
        let target = Int(Double(now &- start) / 1e9 * perSecond)
        let count = max(0, min(target - released, limit - released))
        released += count
        return count
    }
}

/// ``nanosecondsPerOperation(_:warmUp:_:)`` for an async `body`, run on the caller's isolation
/// (so a loop on the main actor or on an actor stays there, as the user's code would).
public func nanosecondsPerAsyncOperation(
    _ count: Int, warmUp: Int? = nil, isolation: isolated (any Actor)? = #isolation, _ body: (Int) async -> Void
) async -> Double {
    let warmUp = warmUp ?? max(1, count / 10)
    for index in 0..<warmUp { await body(index) }
    let start = monotonicNanoseconds()
    for index in warmUp..<(warmUp + count) { await body(index) }
    return Double(monotonicNanoseconds() - start) / Double(count)
}

/// The median of `values` (the mean of the middle two for an even count); 0 when empty.
public func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return 0 }
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
