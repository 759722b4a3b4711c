#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CountingAllocator

/// The process's peak resident set so far, in MB (`ru_maxrss`). Each workload runs in a
/// process of its own, so this is the workload's peak.
public func peakResidentMB() -> Double {
    var usage = rusage()
    #if canImport(Glibc)
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_maxrss) / 1024
    #else
    getrusage(RUSAGE_SELF, &usage)
    return Double(usage.ru_maxrss) / 1_048_576
    #endif
}

/// CPU seconds this process has used (user + system), for "how much of a core" figures.
public func processCPUSeconds() -> Double {
    var usage = rusage()
    #if canImport(Glibc)
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    #else
    getrusage(RUSAGE_SELF, &usage)
    #endif
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// Counts calls into the C allocator (malloc, calloc, realloc, aligned allocations), which is
/// where every Swift heap object, array and string buffer comes from.
public enum AllocationCounter {
    /// Whether this build counts (Linux with glibc).
    public static var isAvailable: Bool {
        counting_allocator_enable(1)
        let before = counting_allocator_total()
        let probe = UnsafeMutableRawPointer.allocate(byteCount: 64, alignment: 8)
        probe.deallocate()
        let after = counting_allocator_total()
        counting_allocator_enable(0)
        return counting_allocator_is_active() != 0 && after > before
    }

    public struct Reading {
        public var total: UInt64
        public var thisThread: UInt64

        public init(total: UInt64, thisThread: UInt64) {
            self.total = total
            self.thisThread = thisThread
        }
    }

    /// Counts allocations made while `body` runs: by every thread, and by the calling thread.
    public static func count(_ body: () -> Void) -> Reading {
        counting_allocator_enable(1)
        let total = counting_allocator_total(), thread = counting_allocator_this_thread()
        body()
        let reading = Reading(total: counting_allocator_total() - total, thisThread: counting_allocator_this_thread() - thread)
        counting_allocator_enable(0)
        return reading
    }

    /// The async form: `thisThread` is only meaningful when `body` does not suspend.
    public static func count(_ body: () async -> Void) async -> Reading {
        counting_allocator_enable(1)
        let total = counting_allocator_total()
        await body()
        let reading = Reading(total: counting_allocator_total() - total, thisThread: 0)
        counting_allocator_enable(0)
        return reading
    }
}
