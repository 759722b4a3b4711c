/// Failures, retries and the per-minute error rate. The minute series is a ring of
/// ``MonitorLimits/minuteHorizon`` minutes (60 by default); older minutes are forgotten.
struct ErrorStats: Sendable {
    /// Retry-count buckets: 0, 1, 2, 3, 4, 5 or more.
    static let retryBuckets = 6

    var byCategory = [Int](repeating: 0, count: ClaudeErrorCategory.allCases.count)
    var retriesPerCall = [Int](repeating: 0, count: retryBuckets)
    var totalRetries = 0
    var retriedCalls = 0
    var failedAfterRetries = 0
    var minutes: TimeRing

    init(minuteHorizon: Int) {
        minutes = TimeRing(horizon: minuteHorizon)
    }

    @inline(__always)
    mutating func record(_ call: ClaudeCall, minute: Int64) {
        let retries = Int(max(0, call.retries))
        retriesPerCall[min(retries, Self.retryBuckets - 1)] += 1
        totalRetries += retries
        if retries > 0 { retriedCalls += 1 }
        let failed = call.isError
        if let category = call.errorCategory {
            byCategory[category.index] += 1
            if call.failedAfterRetries { failedAfterRetries += 1 }
        }
        minutes.update(minute) { tally in
            tally.calls += 1
            if failed { tally.errors += 1 }
        }
    }
}
