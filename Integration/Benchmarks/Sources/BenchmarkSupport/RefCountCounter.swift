#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Counts the calling thread's retains and releases of objects (`swift_retain` and
/// `swift_release`): the atomic operations a span's references cost. Available only in a
/// process started with `libRefCountCounter.so` in `LD_PRELOAD` (the driver's refcount steps);
/// its functions are looked up at run time, so the benchmarks link nothing that interposes on
/// the runtime.
public enum RefCountCounter {
    /// The environment variable and value that load the counter into a child process, when the
    /// library was built next to `executable`.
    public static func preload(besides executable: String) -> (name: String, value: String)? {
        let directory = executable.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let library = directory + "/libRefCountCounter.so"
        return access(library, R_OK) == 0 ? ("LD_PRELOAD", library) : nil
    }

    public struct Reading: Sendable {
        public var retains: Double
        public var releases: Double
    }

    private typealias Enable = @convention(c) (Int32) -> Void
    private typealias Counter = @convention(c) () -> UInt64

    /// Retains and releases per call of `body` over `count` calls, on the calling thread; nil
    /// when the counter is not loaded.
    public static func perCall(_ count: Int, _ body: (Int) -> Void) -> Reading? {
        guard let enable = function("refcount_counter_enable", as: Enable.self),
              let retains = function("refcount_counter_retains", as: Counter.self),
              let releases = function("refcount_counter_releases", as: Counter.self) else { return nil }
        let (retainsBefore, releasesBefore) = (retains(), releases())
        enable(1)
        for index in 0..<count { body(index) }
        enable(0)
        return Reading(retains: Double(retains() - retainsBefore) / Double(count),
                       releases: Double(releases() - releasesBefore) / Double(count))
    }

    /// A function of the preloaded counter (Linux: `RTLD_DEFAULT` is the null handle).
    private static func function<F>(_ name: String, as type: F.Type) -> F? {
        #if canImport(Glibc)
        guard let symbol = dlsym(nil, name) else { return nil }
        return unsafeBitCast(symbol, to: type)
        #else
        return nil
        #endif
    }
}

/// The `W1-refcounts` result for `library`, or a note that the counter was not loaded.
public func referenceCountResult(_ reading: RefCountCounter.Reading?, library: String) -> WorkloadResult {
    guard let reading else {
        return WorkloadResult(workload: "W1-refcounts", library: library, notes: ["the refcount counter is not loaded (LD_PRELOAD)"])
    }
    return WorkloadResult(workload: "W1-refcounts", library: library, metrics: [
        "retains_per_span": reading.retains, "releases_per_span": reading.releases,
    ])
}
