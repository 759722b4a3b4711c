/// Everything the monitor knows, as one immutable value: for a dashboard endpoint
/// (`JSONEncoder` gives stable keys: the property names), the CLI, or a test.
///
/// Lists are sorted (largest first, or oldest first for time series) and cut to
/// ``MonitorLimits/snapshotListLimit`` entries. Money is in USD, summed as integer nanodollars;
/// latencies in seconds.
public struct MonitorSnapshot: Sendable, Hashable, Codable {
    /// When it was taken, ISO 8601 UTC (the monitor's clock).
    public var takenAt: String
    public var takenAtUnixNanoseconds: UInt64
    /// The current UTC day, `2026-11-10`: the day of ``Cost/todayUSD`` and the budgets.
    public var day: String
    public var calls: Calls
    public var cost: Cost
    public var budget: Budget
    public var latency: Latency
    public var errors: Errors
    public var tokens: Tokens
    public var usage: Usage
    public var alerts: Alerts
    public var health: Health
}

extension MonitorSnapshot {
    /// How many Claude calls the monitor saw.
    public struct Calls: Sendable, Hashable, Codable {
        public var total: Int
        public var succeeded: Int
        public var failed: Int
        /// Calls with a time to first token (streams).
        public var streamed: Int
        /// Failed calls blocked by a budget (never sent); included in ``failed``.
        public var blockedByBudget: Int
    }

    /// Cost and calls of one model, feature or user.
    public struct NamedCost: Sendable, Hashable, Codable {
        public var name: String
        public var costUSD: Double
        public var calls: Int
        /// Calls whose price is unknown or missing: not in ``costUSD``.
        public var unpricedCalls: Int
    }

    /// Cost and calls in one UTC hour or day.
    public struct PeriodCost: Sendable, Hashable, Codable {
        /// The period's start, ISO 8601 UTC (`2026-11-10` for a day).
        public var start: String
        public var costUSD: Double
        public var calls: Int
        public var errors: Int
        public var unpricedCalls: Int
    }

    /// A user among the all-time top spenders (Space-Saving estimate).
    public struct TopUserCost: Sendable, Hashable, Codable {
        public var userID: String
        /// At least the user's true spend…
        public var costUSD: Double
        /// …and at most this much more.
        public var maxOverestimateUSD: Double
    }

    /// A user among the all-time most active (Space-Saving estimate).
    public struct TopUserCalls: Sendable, Hashable, Codable {
        public var userID: String
        /// At least the user's true number of calls…
        public var calls: Int
        /// …and at most this many more.
        public var maxOverestimate: Int
    }

    /// The distribution of per-call cost (priced calls).
    public struct CostDistribution: Sendable, Hashable, Codable {
        public var count: Int
        public var meanUSD: Double
        public var p50USD: Double
        public var p95USD: Double
        public var p99USD: Double
        public var maxUSD: Double
    }

    /// What the calls cost: totals, the per-call distribution, and by model, feature, user, hour and day.
    public struct Cost: Sendable, Hashable, Codable {
        /// All priced calls ever seen.
        public var totalUSD: Double
        /// Priced calls of the current UTC day.
        public var todayUSD: Double
        public var pricedCalls: Int
        /// Spans marked `claude.cost.price_unknown` (a model missing from the price table).
        public var unknownPriceCalls: Int
        /// Spans with neither a cost nor the unknown-price flag that the optional pricing closure
        /// could not price (hand-made spans).
        public var unpricedCalls: Int
        public var perRequest: CostDistribution?
        public var byModel: [NamedCost]
        public var byFeature: [NamedCost]
        /// The current UTC day, largest first.
        public var byUserToday: [NamedCost]
        public var topUsersAllTime: [TopUserCost]
        /// The last ``MonitorLimits/hourHorizon`` UTC hours with calls, oldest first.
        public var byHour: [PeriodCost]
        /// The last ``MonitorLimits/dayHorizon`` UTC days with calls, oldest first.
        public var byDay: [PeriodCost]
    }

    /// The budget in force and what it did today: spend against the limits, calls blocked and warned.
    public struct Budget: Sendable, Hashable, Codable {
        public var limits: BudgetConfiguration
        public var spentTodayUSD: Double
        /// Estimated cost of admitted calls still in flight.
        public var reservedUSD: Double
        /// Daily limit minus spent and reserved; nil without a daily limit.
        public var remainingTodayUSD: Double?
        public var blockedByDailyLimit: Int
        public var blockedByPerUserLimit: Int
        /// Calls that cost more than ``BudgetConfiguration/perRequestWarningUSD``.
        public var perRequestWarnings: Int
        /// Users at or over their daily limit today.
        public var usersAtLimit: Int
    }

    /// Latency of one model's successful calls.
    public struct ModelLatency: Sendable, Hashable, Codable {
        public var model: String
        public var duration: Percentiles?
        public var timeToFirstToken: Percentiles?
    }

    /// Latency of successful calls (status not error).
    public struct Latency: Sendable, Hashable, Codable {
        /// The sketches' relative accuracy (0.01: every percentile within 1%).
        public var relativeAccuracy: Double
        public var duration: Percentiles?
        public var timeToFirstToken: Percentiles?
        /// Durations in the recent window (the current and previous
        /// ``MonitorLimits/latencyWindowMinutes`` windows): what the latency alert reads.
        public var recent: Percentiles?
        public var byModel: [ModelLatency]
    }

    /// A count under a name: an error category, or a user's calls.
    public struct NamedCount: Sendable, Hashable, Codable {
        public var name: String
        public var count: Int
    }

    /// Calls and failures of one model, with its failures by category.
    public struct ModelErrors: Sendable, Hashable, Codable {
        public var model: String
        public var calls: Int
        public var errors: Int
        public var byCategory: [NamedCount]
    }

    /// Calls and failures in one UTC minute.
    public struct MinuteErrors: Sendable, Hashable, Codable {
        public var start: String
        /// Minutes since the Unix epoch.
        public var minute: Int64
        public var calls: Int
        public var errors: Int
        public var rate: Double
    }

    /// How often calls were retried, and how many failed in the end anyway.
    public struct Retries: Sendable, Hashable, Codable {
        public var totalRetries: Int
        /// Calls with at least one retry.
        public var retriedCalls: Int
        public var meanPerCall: Double
        /// `perCall[n]`: calls with `n` retries; the last entry counts 5 or more.
        public var perCall: [Int]
        /// Calls that failed in the end after retrying, or with a retryable category (rate limit,
        /// overloaded, server error, timeout, connection): the client gave up.
        public var failedAfterRetries: Int
    }

    /// Failed calls: the rate, by category, model and minute, and the retries.
    public struct Errors: Sendable, Hashable, Codable {
        public var total: Int
        /// Failed calls over all calls.
        public var rate: Double
        public var byCategory: [NamedCount]
        public var byModel: [ModelErrors]
        /// The last ``MonitorLimits/minuteHorizon`` minutes that had calls, oldest first.
        public var perMinute: [MinuteErrors]
        public var retries: Retries

        /// Calls and errors in the `minutes` UTC minutes ending with the one holding `now`.
        public func window(lastMinutes minutes: Int, endingAt now: UInt64) -> (calls: Int, errors: Int) {
            let current = UTCTime.minute(now)
            var calls = 0, errors = 0
            for bucket in perMinute where bucket.minute <= current && bucket.minute > current - Int64(max(1, minutes)) {
                calls += bucket.calls
                errors += bucket.errors
            }
            return (calls, errors)
        }
    }

    /// The tokens of one model's calls.
    public struct ModelTokens: Sendable, Hashable, Codable {
        public var model: String
        /// Uncached input tokens.
        public var input: Int
        public var output: Int
        public var cacheRead: Int
        public var cacheCreation: Int
    }

    /// Token totals. ``input`` is the uncached input (`gen_ai.usage.input_tokens` minus the cache
    /// counts), so the four add up to everything sent and received.
    public struct Tokens: Sendable, Hashable, Codable {
        public var input: Int
        public var output: Int
        public var cacheRead: Int
        public var cacheCreation: Int
        public var byModel: [ModelTokens]
    }

    /// What users did with the answers (``ClaudeMonitor/recordFeedback(requestID:action:)``), per action.
    public struct Feedback: Sendable, Hashable, Codable {
        public var accept = 0
        public var reject = 0
        public var edit = 0
        public var retry = 0
        public var total: Int { accept + reject + edit + retry }

        /// Accepted over all feedback; nil without feedback.
        public var acceptanceRate: Double? { total > 0 ? Double(accept) / Double(total) : nil }

        private enum CodingKeys: String, CodingKey { case accept, reject, edit, retry, total, acceptanceRate }

        public init() {}

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            accept = try container.decode(Int.self, forKey: .accept)
            reject = try container.decode(Int.self, forKey: .reject)
            edit = try container.decode(Int.self, forKey: .edit)
            retry = try container.decode(Int.self, forKey: .retry)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(accept, forKey: .accept)
            try container.encode(reject, forKey: .reject)
            try container.encode(edit, forKey: .edit)
            try container.encode(retry, forKey: .retry)
            try container.encode(total, forKey: .total)
            try container.encodeIfPresent(acceptanceRate, forKey: .acceptanceRate)
        }
    }

    /// Calls, failures, cost and feedback of one feature (`claude.feature`), all time.
    public struct FeatureUsage: Sendable, Hashable, Codable {
        public var feature: String
        public var calls: Int
        public var errors: Int
        public var costUSD: Double
        public var feedback: Feedback
    }

    /// Who uses Claude and for what: today's users, the all-time most active, features, hours and feedback.
    public struct Usage: Sendable, Hashable, Codable {
        /// Distinct users today (exact up to ``MonitorLimits/maxUsersPerDay``; see
        /// ``usersTodayAtCapacity``).
        public var uniqueUsersToday: Int
        /// True once today's users reached the bound: further users share `(other)`, so the true
        /// count is at least ``uniqueUsersToday``.
        public var usersTodayAtCapacity: Bool
        /// Calls today without a `user.id`.
        public var anonymousCallsToday: Int
        public var callsByUserToday: [NamedCount]
        public var topUsersByCallsAllTime: [TopUserCalls]
        /// Every feature (all time), most calls first: the top features.
        public var byFeature: [FeatureUsage]
        /// `callsByHourOfDay[h]`: calls in UTC hour `h` (0–23) over all days.
        public var callsByHourOfDay: [Int]
        public var feedback: Feedback
        /// Feedback whose request id the monitor no longer (or never) remembered: counted under
        /// the feature `(unknown)`, without a link.
        public var feedbackUnmatched: Int
    }

    /// The alert rules and the alerts they fired.
    public struct Alerts: Sendable, Hashable, Codable {
        public var rules: [String]
        public var fired: Int
        /// The most recent notifications, oldest first.
        public var recent: [AlertNotification]
    }

    /// The monitor's own health: what it dropped and where a bound was reached.
    public struct Health: Sendable, Hashable, Codable {
        public var droppedLogLines: Int
        public var droppedAlerts: Int
        public var writtenLogLines: Int
        public var failedLogWrites: Int
        /// Calls today by users beyond ``MonitorLimits/maxUsersPerDay`` (tracked as `(other)`).
        public var callsBeyondUserCapacity: Int
        /// Calls whose feature or model was beyond its bound (tracked as `(other)`).
        public var callsBeyondFeatureCapacity: Int
        public var callsBeyondModelCapacity: Int
        /// Request ids remembered for feedback.
        public var recentRequestsRemembered: Int
        /// Calls admitted with an estimate that could not be reserved (reservation table full).
        public var unreservedAdmissions: Int
    }
}
