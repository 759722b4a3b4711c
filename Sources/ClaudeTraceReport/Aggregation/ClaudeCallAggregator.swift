import ClaudeTrace

/// Turns a stream of spans into a ``ClaudeCallReport``, by the monitor's rules, in memory that
/// grows only with the number of distinct models, users, features and days (percentiles come
/// from `QuantileSketch`, 1% relative error, not from stored durations).
///
/// ```swift
/// var aggregator = ClaudeCallAggregator(timeRange: try ReportTimeRange(since: "2026-11-01", until: nil))
/// let summary = try TraceFileReader.forEachSpan(in: paths) { aggregator.add($0) }
/// print(aggregator.report(file: summary).dashboard())
/// ```
///
/// A span counts as the monitor counts it, read by the same code: a Claude call is a span
/// whose `gen_ai.provider.name` (or the older `gen_ai.system`) is `anthropic` in any case and
/// whose operation is `chat` (or unnamed), and which started inside ``timeRange``. Its cost is
/// `claude.cost.picodollars`, else `claude.cost.usd`; otherwise, when the writer did not mark
/// the price unknown (`claude.cost.price_unknown`), the span's tokens priced by ``pricing``
/// (the prompt's cached tokens at their cache rates, never at the input rate). A call with
/// tokens and no price counts in `unpricedCalls`; a call without tokens, or blocked by a
/// budget, costs nothing. The monitor's `claude.feedback` spans count as feedback.
public struct ClaudeCallAggregator: Sendable {
    /// Prices calls whose spans carry tokens but no `claude.cost.usd`.
    public var pricing: ReportPricing
    /// The span start times counted.
    public var timeRange: ReportTimeRange

    private var calls = 0
    private var errors: [String: Int] = [:]
    private var unpricedCalls = 0
    private var unknownPriceCalls = 0
    private var streamedCalls = 0
    private var blockedByBudget = 0
    private var retries = ClaudeCallReport.Retries()
    private var feedback = MonitorSnapshot.Feedback()
    private var feedbackByFeature: [String: MonitorSnapshot.Feedback] = [:]
    private var unpricedByModel: [String: Int] = [:]
    private var totalCost: Int64 = 0
    private var costByModel: [String: Int64] = [:]
    private var costByUser: [String: Int64] = [:]
    private var costByFeature: [String: Int64] = [:]
    private var costByDay: [Int64: Int64] = [:]
    private var callsByModel: [String: Int] = [:]
    private var callsByFeature: [String: Int] = [:]
    private var tokens = ClaudeTokenCounts()
    private var latency: [String: QuantileSketch] = [:]
    private var timeToFirstChunk: [String: QuantileSketch] = [:]
    private var firstCall: UInt64?
    private var lastCall: UInt64?

    static let noModel = "(unknown)"
    static let noValue = "(none)"
    /// The feature of feedback whose call the monitor did not know (as the monitor names it).
    static let unknownFeature = "(unknown)"

    /// - Parameters:
    ///   - pricing: prices calls that carry tokens but no recorded cost; ``ReportPricing/standard``
    ///     (the SDK's pricing table) by default.
    ///   - timeRange: the span start times to count; everything by default.
    public init(pricing: ReportPricing = .standard, timeRange: ReportTimeRange = ReportTimeRange()) {
        self.pricing = pricing
        self.timeRange = timeRange
    }

    /// Counts `span` if it is a Claude call or the monitor's feedback in the time range;
    /// ignores it otherwise.
    public mutating func add(_ span: SpanData) {
        guard timeRange.contains(span.startTimeNanoseconds) else { return }
        // Decoded spans' keys are fresh strings: the shared key cache would only fill with copies.
        if let call = ClaudeCall(span, learnsKeys: false) {
            add(call)
        } else if let given = ClaudeFeedback(span) {
            feedback.add(given.action)
            feedbackByFeature[given.feature ?? Self.unknownFeature, default: MonitorSnapshot.Feedback()].add(given.action)
        }
    }

    private mutating func add(_ call: ClaudeCall) {
        calls += 1
        let model = call.model ?? Self.noModel
        let feature = call.feature ?? Self.noValue
        callsByModel[model, default: 0] += 1
        callsByFeature[feature, default: 0] += 1
        firstCall = min(firstCall ?? .max, call.startTimeNanoseconds)
        lastCall = max(lastCall ?? 0, call.startTimeNanoseconds)
        if let category = call.errorCategory { errors[category.rawValue, default: 0] += 1 }
        tokens += ClaudeTokenCounts(call)
        if call.isStreamed { streamedCalls += 1 }
        if call.wasBlockedByBudget { blockedByBudget += 1 }
        retries.add(call)

        let price = pricing.price(of: call)
        if price.isUnpriced {
            unpricedCalls += 1
            unpricedByModel[model, default: 0] += 1
        }
        if price == .unknown { unknownPriceCalls += 1 }
        let amount = price.nanos ?? 0
        totalCost = Self.adding(totalCost, amount)
        costByModel[model] = Self.adding(costByModel[model] ?? 0, amount)
        costByUser[call.userID ?? Self.noValue] = Self.adding(costByUser[call.userID ?? Self.noValue] ?? 0, amount)
        costByFeature[feature] = Self.adding(costByFeature[feature] ?? 0, amount)
        let day = UTCTime.day(call.startTimeNanoseconds)
        costByDay[day] = Self.adding(costByDay[day] ?? 0, amount)

        guard !call.isError else { return }
        latency[model, default: QuantileSketch()].add(call.durationSeconds)
        if let seconds = call.timeToFirstToken, seconds.isFinite, seconds >= 0 {
            timeToFirstChunk[model, default: QuantileSketch()].add(seconds)
        }
    }

    /// Adds another aggregator's counts (e.g. one per file read in parallel). The time range
    /// and pricing of `self` are kept.
    public mutating func merge(_ other: ClaudeCallAggregator) {
        calls += other.calls
        errors.merge(other.errors, uniquingKeysWith: +)
        unpricedCalls += other.unpricedCalls
        unknownPriceCalls += other.unknownPriceCalls
        streamedCalls += other.streamedCalls
        blockedByBudget += other.blockedByBudget
        retries.merge(other.retries)
        feedback.merge(other.feedback)
        feedbackByFeature.merge(other.feedbackByFeature) { mine, theirs in
            var sum = mine
            sum.merge(theirs)
            return sum
        }
        unpricedByModel.merge(other.unpricedByModel, uniquingKeysWith: +)
        totalCost = Self.adding(totalCost, other.totalCost)
        costByModel.merge(other.costByModel, uniquingKeysWith: Self.adding)
        costByUser.merge(other.costByUser, uniquingKeysWith: Self.adding)
        costByFeature.merge(other.costByFeature, uniquingKeysWith: Self.adding)
        costByDay.merge(other.costByDay, uniquingKeysWith: Self.adding)
        callsByModel.merge(other.callsByModel, uniquingKeysWith: +)
        callsByFeature.merge(other.callsByFeature, uniquingKeysWith: +)
        tokens += other.tokens
        for (model, sketch) in other.latency { try? latency[model, default: QuantileSketch()].merge(sketch) }
        for (model, sketch) in other.timeToFirstChunk { try? timeToFirstChunk[model, default: QuantileSketch()].merge(sketch) }
        if let first = other.firstCall { firstCall = min(firstCall ?? .max, first) }
        if let last = other.lastCall { lastCall = max(lastCall ?? 0, last) }
    }

    /// The report of everything added so far; `file` describes what reading found.
    public func report(file: TraceFileSummary = TraceFileSummary()) -> ClaudeCallReport {
        func usd(_ map: [String: Int64]) -> [String: Double] { map.mapValues(Nanodollars.usd) }
        var byDay: [String: Double] = [:]
        for (day, amount) in costByDay {
            byDay[UTCTime.dateString(day: day)] = Nanodollars.usd(amount)
        }
        let features = Set(callsByFeature.keys).union(feedbackByFeature.keys).sorted { a, b in
            let (costA, costB) = (costByFeature[a] ?? 0, costByFeature[b] ?? 0)
            if costA != costB { return costA > costB }
            let (callsA, callsB) = (callsByFeature[a] ?? 0, callsByFeature[b] ?? 0)
            if callsA != callsB { return callsA > callsB }
            return a < b
        }
        let topFeatures = features.prefix(ClaudeCallReport.maximumTopFeatures).map { feature in
            ClaudeCallReport.FeatureUsage(
                feature: feature, calls: callsByFeature[feature] ?? 0, costUSD: Nanodollars.usd(costByFeature[feature] ?? 0),
                feedback: feedbackByFeature[feature] ?? MonitorSnapshot.Feedback())
        }
        return ClaudeCallReport(
            calls: calls, errors: errors, unpricedCalls: unpricedCalls, unknownPriceCalls: unknownPriceCalls,
            streamedCalls: streamedCalls, blockedByBudget: blockedByBudget, retries: retries, feedback: feedback,
            cost: ClaudeCallReport.CostBreakdown(
                totalNanodollars: totalCost, byModel: usd(costByModel), byUser: usd(costByUser),
                byFeature: usd(costByFeature), byDay: byDay),
            tokens: tokens, latency: latency.compactMapValues(Percentiles.init),
            timeToFirstChunk: timeToFirstChunk.compactMapValues(Percentiles.init), callsByModel: callsByModel,
            unpricedCallsByModel: unpricedByModel,
            topFeatures: Array(topFeatures),
            timeRange: ClaudeCallReport.TimeWindow(
                since: timeRange.since.map(ReportTimeRange.format), until: timeRange.until.map(ReportTimeRange.format),
                firstCall: firstCall.map(ReportTimeRange.format), lastCall: lastCall.map(ReportTimeRange.format)),
            file: ClaudeCallReport.FileSection(file))
    }

    /// Saturating: a corrupt cost can pin a total at the limit (≈ $9.2 million) but never trap.
    private static func adding(_ a: Int64, _ b: Int64) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? (b > 0 ? .max : .min) : sum
    }
}

extension ClaudeCallReport {
    /// Reads every file in `paths` and reports on its Claude calls: the whole `report` command.
    public static func make(
        from paths: [String], pricing: ReportPricing = .standard, timeRange: ReportTimeRange = ReportTimeRange()
    ) throws -> ClaudeCallReport {
        var aggregator = ClaudeCallAggregator(pricing: pricing, timeRange: timeRange)
        let summary = try TraceFileReader.forEachSpan(in: paths) { aggregator.add($0) }
        return aggregator.report(file: summary)
    }
}
