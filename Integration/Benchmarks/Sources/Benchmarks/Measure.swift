#if canImport(Glibc)
import Glibc
#endif
import ClaudeTraceCore

/// One benchmark's result.
struct Figure {
    var workload: String
    var value: Double
    var unit: String
    var note: String = ""
}

/// Nanoseconds per operation of `body` run `count` times (after a warm-up of a tenth).
func nanosecondsPerOperation(_ count: Int, _ body: (Int) -> Void) -> Double {
    for index in 0..<max(1, count / 10) { body(index) }
    let start = MonotonicClock.nanoseconds()
    for index in 0..<count { body(index) }
    return Double(MonotonicClock.nanoseconds() - start) / Double(count)
}

/// The process's peak resident set, in MB.
func peakResidentMB() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_maxrss) / 1024
}

/// The current resident set in bytes (from /proc/self/statm), to show that memory does not grow.
func residentBytes() -> Int {
    let file = fopen("/proc/self/statm", "r")
    defer { if file != nil { fclose(file) } }
    var size = 0, resident = 0
    guard let file else { return 0 }
    var line = [CChar](repeating: 0, count: 128)
    guard fgets(&line, 128, file) != nil else { return 0 }
    let fields = String(cString: line).split(separator: " ")
    size = Int(fields.first ?? "") ?? 0
    resident = fields.count > 1 ? Int(fields[1]) ?? 0 : 0
    _ = size
    return resident * Int(sysconf(Int32(_SC_PAGESIZE)))
}

/// Discards every batch: measures the SDK, not an exporter.
struct DiscardingExporter: SpanExporter {
    func export(_ batch: [SpanData]) async -> ExportResult { .success }
}
