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

    /// The snapshot's errors, given the call totals and the per-model list, as of `minute`.
    func summary(totals: CallTotals, byModel: [MonitorSnapshot.ModelErrors], minute: Int64) -> MonitorSnapshot.Errors {
        MonitorSnapshot.Errors(
            total: totals.failed, rate: totals.errorRate, byCategory: Self.namedCounts(byCategory), byModel: byModel,
            perMinute: minutes.periods(endingAt: minute).map {
                MonitorSnapshot.MinuteErrors(
                    start: UTCTime.minuteString(minute: $0.period), minute: $0.period, calls: $0.tally.calls,
                    errors: $0.tally.errors, rate: $0.tally.calls > 0 ? Double($0.tally.errors) / Double($0.tally.calls) : 0)
            },
            retries: MonitorSnapshot.Retries(
                totalRetries: totalRetries, retriedCalls: retriedCalls,
                meanPerCall: totals.calls > 0 ? Double(totalRetries) / Double(totals.calls) : 0,
                perCall: retriesPerCall, failedAfterRetries: failedAfterRetries))
    }

    /// Non-zero category counters (indexed as `ClaudeErrorCategory.allCases`), largest first.
    static func namedCounts(_ counters: [Int]) -> [MonitorSnapshot.NamedCount] {
        zip(ClaudeErrorCategory.allCases.map(\.rawValue), counters).filter { $0.1 > 0 }.map { MonitorSnapshot.NamedCount(name: $0.0, count: $0.1) }
            .largestFirst(limit: .max) { (Double($0.count), 0, $0.name) }
    }
}
