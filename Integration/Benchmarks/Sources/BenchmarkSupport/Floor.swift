#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The floor: the least any span costs, measured in the same run as the libraries so every
/// figure can be read as a multiple of it. Two clock reads (wall-clock start, monotonic end),
/// three 64-bit random ids from an in-process PRNG (SplitMix64 seeded from the system's secure
/// source), 8 values stored (3 strings, 4 integers, 1 double) into a ring of records.
public enum Floor {
    struct Record {
        var traceHigh: UInt64 = 0, traceLow: UInt64 = 0, spanID: UInt64 = 0, parentID: UInt64 = 0
        var start: UInt64 = 0, end: UInt64 = 0
        var strings: (String, String, String) = ("", "", "")
        var ints: (Int64, Int64, Int64, Int64) = (0, 0, 0, 0)
        var double: Double = 0
    }

    struct Generator {
        var state: UInt64
        init() {
            var system = SystemRandomNumberGenerator()
            state = system.next()
        }
        @inline(__always)
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @inline(__always)
    static func clock(_ id: clockid_t) -> UInt64 {
        var spec = timespec()
        clock_gettime(id, &spec)
        return UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec)
    }

    @inline(__always)
    static func fill(_ record: inout Record, _ index: Int) {
        record.strings = ("GET", "/v1/messages", "claude-sonnet-4-6")
        record.ints = (200, Int64(index), 512, 3)
        record.double = 0.25
    }

    /// Nanoseconds per root span.
    public static func rootSpan(_ count: Int) -> Double {
        var generator = Generator()
        var records = [Record](repeating: Record(), count: 1024)
        let result = nanosecondsPerOperation(count) { index in
            var record = Record()
            record.start = clock(CLOCK_REALTIME)
            record.traceHigh = generator.next(); record.traceLow = generator.next(); record.spanID = generator.next()
            fill(&record, index)
            record.end = clock(CLOCK_MONOTONIC)
            records[index & 1023] = record
        }
        precondition(records.count == 1024)
        return result
    }

    struct ParentIDs: Sendable {
        var traceHigh: UInt64, traceLow: UInt64, spanID: UInt64
    }

    enum Current {
        @TaskLocal static var ids: ParentIDs?
    }

    /// Nanoseconds per parent + child pair: two floor spans, the parent's ids bound in a
    /// task-local for the child's duration and read back by the child. Call it from a task,
    /// as W1b's spans are.
    public static func nestedPair(_ count: Int) -> Double {
        var generator = Generator()
        var records = [Record](repeating: Record(), count: 1024)
        let result = nanosecondsPerOperation(count) { index in
            var parent = Record()
            parent.start = clock(CLOCK_REALTIME)
            parent.traceHigh = generator.next(); parent.traceLow = generator.next(); parent.spanID = generator.next()
            fill(&parent, index)
            let childID = generator.next()
            Current.$ids.withValue(ParentIDs(traceHigh: parent.traceHigh, traceLow: parent.traceLow, spanID: parent.spanID)) {
                var child = Record()
                child.start = clock(CLOCK_REALTIME)
                let ids = Current.ids!
                child.traceHigh = ids.traceHigh; child.traceLow = ids.traceLow; child.parentID = ids.spanID
                child.spanID = childID
                fill(&child, index)
                child.end = clock(CLOCK_MONOTONIC)
                records[(index &* 2) & 1023] = child
            }
            parent.end = clock(CLOCK_MONOTONIC)
            records[(index &* 2 &+ 1) & 1023] = parent
        }
        precondition(records.count == 1024)
        return result
    }
}

/// Runs `body` on a thread of its own (not the cooperative pool), for producers that pace
/// themselves with sleeps.
public func onDedicatedThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        let box = Unmanaged.passRetained(ThreadBody { continuation.resume(returning: body()) })
        var thread = pthread_t()
        let created = pthread_create(&thread, nil, { raw in
            let work = Unmanaged<ThreadBody>.fromOpaque(raw!).takeRetainedValue()
            work.run()
            return nil
        }, box.toOpaque())
        precondition(created == 0, "pthread_create failed")
        pthread_detach(thread)
    }
}

final class ThreadBody: @unchecked Sendable {
    let run: () -> Void
    init(_ run: @escaping () -> Void) { self.run = run }
}
