import ClaudeTrace
import Foundation

/// The aggregates of the Claude calls found in trace files: what `claude-trace report`
/// prints, as a dashboard (``dashboard()``) or as JSON (``jsonString(pretty:)``).
///
/// Money is summed in integer nanodollars (each call rounded to the nanodollar, as the monitor
/// does, so totals match the monitor's) and shown in US dollars. Maps keyed by user or
/// feature use `(none)` for calls without one; maps keyed by model use `(unknown)`.
public struct ClaudeCallReport: Hashable, Sendable, Codable {
    /// Claude calls counted (in the time range).
    public var calls: Int
    /// Failed calls by category (`claude.error.category`, or for other SDKs' spans the category
    /// their `error.type` names; `unknown` otherwise), as the monitor counts them.
    public var errors: [String: Int]
    /// Calls that used tokens but whose price is unknown: their cost is not in ``cost``. The
    /// monitor's dashboard splits them into "unknown price" (``unknownPriceCalls``) and
    /// "without a cost" (the rest).
    public var unpricedCalls: Int
    /// The part of ``unpricedCalls`` whose writer marked the price unknown
    /// (`claude.cost.price_unknown`: the client did not know the model).
    public var unknownPriceCalls: Int
    /// Calls whose reply was streamed (they record a time to first chunk).
    public var streamedCalls: Int
    /// Calls a budget blocked before they were sent (category `budget_exceeded`).
    public var blockedByBudget: Int
    /// What the client's retries did.
    public var retries: Retries
    /// What users did with the answers: the monitor's `claude.feedback` spans.
    public var feedback: MonitorSnapshot.Feedback
    /// What the calls cost, in total and by model, user, feature and day.
    public var cost: CostBreakdown
    /// Tokens of every call, failed ones included (see ``ClaudeTokenCounts`` for what each counts).
    public var tokens: ClaudeTokenCounts
    /// Span duration of successful calls by model, seconds.
    public var latency: [String: Percentiles]
    /// `gen_ai.response.time_to_first_chunk` of successful streamed calls by model, seconds.
    public var timeToFirstChunk: [String: Percentiles]
    /// Calls by model.
    public var callsByModel: [String: Int]
    /// Unpriced calls by model (a model missing here has every call priced).
    public var unpricedCallsByModel: [String: Int]
    /// The features that cost most (then called most), at most ``maximumTopFeatures``.
    public var topFeatures: [FeatureUsage]
    /// The start times the report covers.
    public var timeRange: TimeWindow
    /// What reading the files found.
    public var file: FileSection

    /// How many features ``topFeatures`` lists.
    public static let maximumTopFeatures = 10

    package init(
        calls: Int = 0, errors: [String: Int] = [:], unpricedCalls: Int = 0, unknownPriceCalls: Int = 0,
        streamedCalls: Int = 0, blockedByBudget: Int = 0, retries: Retries = Retries(), feedback: MonitorSnapshot.Feedback = MonitorSnapshot.Feedback(),
        cost: CostBreakdown = CostBreakdown(), tokens: ClaudeTokenCounts = ClaudeTokenCounts(), latency: [String: Percentiles] = [:],
        timeToFirstChunk: [String: Percentiles] = [:], callsByModel: [String: Int] = [:], unpricedCallsByModel: [String: Int] = [:],
        topFeatures: [FeatureUsage] = [], timeRange: TimeWindow = TimeWindow(), file: FileSection = FileSection()
    ) {
        self.calls = calls
        self.errors = errors
        self.unpricedCalls = unpricedCalls
        self.unknownPriceCalls = unknownPriceCalls
        self.streamedCalls = streamedCalls
        self.blockedByBudget = blockedByBudget
        self.retries = retries
        self.feedback = feedback
        self.unpricedCallsByModel = unpricedCallsByModel
        self.cost = cost
        self.tokens = tokens
        self.latency = latency
        self.timeToFirstChunk = timeToFirstChunk
        self.callsByModel = callsByModel
        self.topFeatures = topFeatures
        self.timeRange = timeRange
        self.file = file
    }

    /// Failed calls, all categories together.
    public var errorCount: Int { errors.values.reduce(0, +) }

    /// Cost in US dollars: the total and its breakdowns.
    public struct CostBreakdown: Hashable, Sendable, Codable {
        /// ``totalNanodollars`` in US dollars.
        public var totalUSD: Double
        /// The exact total, in nanodollars (10⁻⁹ USD).
        public var totalNanodollars: Int64
        /// By `gen_ai.response.model`, else `gen_ai.request.model`.
        public var byModel: [String: Double]
        /// By `user.id`.
        public var byUser: [String: Double]
        /// By `claude.feature`.
        public var byFeature: [String: Double]
        /// By the UTC date of the call's start, `YYYY-MM-DD`.
        public var byDay: [String: Double]

        package init(
            totalNanodollars: Int64 = 0, byModel: [String: Double] = [:], byUser: [String: Double] = [:],
            byFeature: [String: Double] = [:], byDay: [String: Double] = [:]
        ) {
            self.totalUSD = Double(totalNanodollars) / 1e9
            self.totalNanodollars = totalNanodollars
            self.byModel = byModel
            self.byUser = byUser
            self.byFeature = byFeature
            self.byDay = byDay
        }
    }

    /// One feature's share.
    public struct FeatureUsage: Hashable, Sendable, Codable {
        /// The feature (`claude.feature`).
        public var feature: String
        /// Its calls.
        public var calls: Int
        /// Its priced calls' cost, in USD.
        public var costUSD: Double
        /// Feedback on this feature's answers.
        public var feedback: MonitorSnapshot.Feedback

        package init(feature: String, calls: Int, costUSD: Double, feedback: MonitorSnapshot.Feedback = MonitorSnapshot.Feedback()) {
            self.feature = feature
            self.calls = calls
            self.costUSD = costUSD
            self.feedback = feedback
        }
    }

    /// What the client's retries did (`claude.retries` and the error category).
    public struct Retries: Hashable, Sendable, Codable {
        /// Retries over all calls.
        public var total: Int
        /// Calls retried at least once.
        public var retriedCalls: Int
        /// Calls that failed in the end after retrying, or with a category the client retries
        /// (rate limit, overloaded, server error, timeout, connection): the client gave up.
        public var failedAfterRetries: Int

        package init(total: Int = 0, retriedCalls: Int = 0, failedAfterRetries: Int = 0) {
            self.total = total
            self.retriedCalls = retriedCalls
            self.failedAfterRetries = failedAfterRetries
        }

        mutating func add(_ call: ClaudeCall) {
            let count = Int(clamping: max(0, call.retries))
            total += count
            if count > 0 { retriedCalls += 1 }
            if call.failedAfterRetries { failedAfterRetries += 1 }
        }

        mutating func merge(_ other: Retries) {
            total += other.total
            retriedCalls += other.retriedCalls
            failedAfterRetries += other.failedAfterRetries
        }
    }

    /// The report's time window, as ISO 8601 (nil: unbounded), and the calls' actual span.
    public struct TimeWindow: Hashable, Sendable, Codable {
        /// The `--since` bound; nil when unbounded.
        public var since: String?
        /// The `--until` bound (exclusive); nil when unbounded.
        public var until: String?
        /// Start of the earliest call counted.
        public var firstCall: String?
        /// Start of the latest call counted.
        public var lastCall: String?

        package init(since: String? = nil, until: String? = nil, firstCall: String? = nil, lastCall: String? = nil) {
            self.since = since
            self.until = until
            self.firstCall = firstCall
            self.lastCall = lastCall
        }
    }

    /// What reading the files found (see ``TraceFileSummary``).
    public struct FileSection: Hashable, Sendable, Codable {
        /// Non-blank lines read.
        public var lines: Int
        /// Lines skipped as invalid, the truncated last line included.
        public var badLines: Int
        /// A file ended in a line cut off mid-write.
        public var truncatedLastLine: Bool
        /// Spans read (Claude calls or not, in the time range or not).
        public var spans: Int
        /// Bytes read.
        public var bytes: Int
        /// The first bad lines: file, line number and reason.
        public var badLineDetails: [TraceFileSummary.BadLine]

        package init(_ summary: TraceFileSummary = TraceFileSummary()) {
            lines = summary.lines
            badLines = summary.badLines
            truncatedLastLine = summary.truncatedLastLine
            spans = summary.spans
            bytes = summary.bytes
            badLineDetails = summary.badLineDetails
        }
    }

    /// The report as one JSON object (keys sorted, so the output is stable).
    public func jsonString(pretty: Bool = false) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        // Percentiles of an empty set never reach the output, so only NaN from odd input remains.
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        guard let data = try? encoder.encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}

extension MonitorSnapshot.Feedback {
    mutating func merge(_ other: MonitorSnapshot.Feedback) {
        accept += other.accept
        reject += other.reject
        edit += other.edit
        retry += other.retry
    }
}
