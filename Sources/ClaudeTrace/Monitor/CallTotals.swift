/// How many calls the monitor saw, how they ended, and the tokens they used, all time.
struct CallTotals: Sendable {
    var calls = 0
    var failed = 0
    var streamed = 0
    var blockedByBudget = 0
    var uncachedInputTokens: Int64 = 0
    var outputTokens: Int64 = 0
    var cacheReadTokens: Int64 = 0
    var cacheCreationTokens: Int64 = 0

    @inline(__always)
    mutating func record(_ call: ClaudeCall) {
        calls += 1
        if call.isError { failed += 1 }
        if call.wasBlockedByBudget { blockedByBudget += 1 }
        if call.timeToFirstToken != nil { streamed += 1 }
        uncachedInputTokens &+= call.uncachedInputTokens
        outputTokens &+= call.outputTokens
        cacheReadTokens &+= call.cacheReadTokens
        cacheCreationTokens &+= call.cacheCreationTokens
    }

    /// Failed calls over all calls; 0 without calls.
    var errorRate: Double { calls > 0 ? Double(failed) / Double(calls) : 0 }

    var counts: MonitorSnapshot.Calls {
        MonitorSnapshot.Calls(total: calls, succeeded: calls - failed, failed: failed, streamed: streamed, blockedByBudget: blockedByBudget)
    }

    func tokens(byModel: [MonitorSnapshot.ModelTokens]) -> MonitorSnapshot.Tokens {
        MonitorSnapshot.Tokens(
            input: Int(uncachedInputTokens), output: Int(outputTokens), cacheRead: Int(cacheReadTokens),
            cacheCreation: Int(cacheCreationTokens), byModel: byModel)
    }
}
