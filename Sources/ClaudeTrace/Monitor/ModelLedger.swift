/// Everything the monitor keeps per model: calls, cost, tokens, failures by category, and two
/// latency sketches (duration and time to first token of successful calls).
struct ModelStats: Sendable {
    var calls = 0
    var errors = 0
    var costNanos: Int64 = 0
    var unpricedCalls = 0
    var uncachedInputTokens: Int64 = 0
    var outputTokens: Int64 = 0
    var cacheReadTokens: Int64 = 0
    var cacheCreationTokens: Int64 = 0
    var errorsByCategory = [Int](repeating: 0, count: ClaudeErrorCategory.allCases.count)
    var duration = QuantileSketch()
    var timeToFirstToken = QuantileSketch()

    @inline(__always)
    mutating func record(_ call: ClaudeCall, price: CallPrice) {
        calls += 1
        costNanos &+= price.nanos ?? 0
        if price.isUnpriced { unpricedCalls += 1 }
        uncachedInputTokens &+= call.uncachedInputTokens
        outputTokens &+= call.outputTokens
        cacheReadTokens &+= call.cacheReadTokens
        cacheCreationTokens &+= call.cacheCreationTokens
        if call.isError {
            errors += 1
            errorsByCategory[(call.errorCategory ?? .unknown).index] += 1
        } else {
            duration.add(call.durationSeconds)
            if let ttft = call.timeToFirstToken { timeToFirstToken.add(ttft) }
        }
    }
}

/// The per-model figures: a bounded table of ``ModelStats`` (at most
/// ``MonitorLimits/maxModels`` models, then `(other)`).
struct ModelLedger: Sendable {
    private(set) var table: BoundedTable<ModelStats>

    init(limits: MonitorLimits) {
        table = BoundedTable(capacity: limits.maxModels, reserve: min(limits.maxModels, 16)) { ModelStats() }
    }

    @inline(__always)
    mutating func record(_ call: ClaudeCall, price: CallPrice) {
        table.update(HashedKey(call.model ?? "(unknown)")) { $0.record(call, price: price) }
    }

    /// A latency sketch (seconds) merged over every model, or of one model.
    func latencySketch(model: String?, timeToFirstToken: Bool) -> QuantileSketch {
        var result = QuantileSketch()
        for entry in table.entries where model == nil || model == entry.name {
            result.mergeCompatible(timeToFirstToken ? entry.stats.timeToFirstToken : entry.stats.duration)
        }
        return result
    }

    /// The snapshot's per-model lists, each sorted and cut to `listLimit`, and the overall
    /// latency sketches merged from the models'.
    struct Rows {
        var costs: [MonitorSnapshot.NamedCost] = []
        var latencies: [MonitorSnapshot.ModelLatency] = []
        var errors: [MonitorSnapshot.ModelErrors] = []
        var tokens: [MonitorSnapshot.ModelTokens] = []
        var duration = QuantileSketch()
        var timeToFirstToken = QuantileSketch()
        /// Calls of models beyond the table's capacity.
        var callsBeyondCapacity = 0
    }

    func rows(listLimit: Int) -> Rows {
        var rows = Rows()
        for entry in table.entries {
            let (name, model) = (entry.name, entry.stats)
            rows.duration.mergeCompatible(model.duration)
            rows.timeToFirstToken.mergeCompatible(model.timeToFirstToken)
            if name == BoundedTable<ModelStats>.overflowName { rows.callsBeyondCapacity = model.calls }
            rows.costs.append(MonitorSnapshot.NamedCost(name: name, costUSD: Nanodollars.usd(model.costNanos), calls: model.calls, unpricedCalls: model.unpricedCalls))
            rows.latencies.append(MonitorSnapshot.ModelLatency(
                model: name, duration: Percentiles(model.duration), timeToFirstToken: Percentiles(model.timeToFirstToken)))
            if model.errors > 0 {
                rows.errors.append(MonitorSnapshot.ModelErrors(
                    model: name, calls: model.calls, errors: model.errors, byCategory: ErrorStats.namedCounts(model.errorsByCategory)))
            }
            rows.tokens.append(MonitorSnapshot.ModelTokens(
                model: name, input: Int(model.uncachedInputTokens), output: Int(model.outputTokens),
                cacheRead: Int(model.cacheReadTokens), cacheCreation: Int(model.cacheCreationTokens)))
        }
        rows.costs = rows.costs.largestFirst(limit: listLimit) { ($0.costUSD, Double($0.calls), $0.name) }
        rows.latencies = rows.latencies.largestFirst(limit: listLimit) { (Double($0.duration?.count ?? 0), 0, $0.model) }
        rows.errors = rows.errors.largestFirst(limit: listLimit) { (Double($0.errors), Double($0.calls), $0.model) }
        rows.tokens = rows.tokens.largestFirst(limit: listLimit) {
            (Double($0.input + $0.output + $0.cacheRead + $0.cacheCreation), 0, $0.model)
        }
        return rows
    }
}
