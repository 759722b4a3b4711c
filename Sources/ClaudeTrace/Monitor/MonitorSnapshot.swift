/// Everything the monitor knows, as one immutable value: for a dashboard endpoint
/// (`JSONEncoder` gives stable keys: the property names), the CLI, or a test.
///
/// Lists are sorted (largest first, or oldest first for time series) and cut to
/// ``MonitorLimits/snapshotListLimit`` entries. Money is in USD, summed as integer nanodollars;
/// latencies in seconds.
public struct MonitorSnapshot: Sendable, Hashable, Codable {
    /// When it was taken, ISO 8601 UTC (the monitor's clock).
    public var takenAt: String
    /// When it was taken, in nanoseconds since the Unix epoch (the monitor's clock).
    public var takenAtUnixNanoseconds: UInt64
    /// The current UTC day, `2026-11-10`: the day of ``Cost/todayUSD`` and the budgets.
    public var day: String
    /// How many calls the monitor saw, and how they ended.
    public var calls: Calls
    /// What the calls cost.
    public var cost: Cost
    /// The budget in force and what it did today.
    public var budget: Budget
    /// Latency percentiles of successful calls.
    public var latency: Latency
    /// Failed calls and retries.
    public var errors: Errors
    /// Token totals.
    public var tokens: Tokens
    /// Users, features and feedback.
    public var usage: Usage
    /// The alert rules and what they fired.
    public var alerts: Alerts
    /// What the monitor itself dropped or could not track.
    public var health: Health
}

extension MonitorSnapshot {
    /// How many Claude calls the monitor saw.
    public struct Calls: Sendable, Hashable, Codable {
        /// Every call, succeeded or failed.
        public var total: Int
        /// Calls whose span status is not error.
        public var succeeded: Int
        /// Calls whose span status is error, including those blocked by a budget.
        public var failed: Int
        /// Calls with a time to first token (streams).
        public var streamed: Int
        /// Failed calls blocked by a budget (never sent); included in ``failed``.
        public var blockedByBudget: Int
    }

    /// Cost and calls of one model, feature or user.
    public struct NamedCost: Sendable, Hashable, Codable {
        /// The model, feature or user.
        public var name: String
        /// The priced calls' cost, in USD.
        public var costUSD: Double
        /// Its calls, priced or not.
        public var calls: Int
        /// Calls whose price is unknown or missing: not in ``costUSD``.
        public var unpricedCalls: Int
    }

    /// Cost and calls in one UTC hour or day.
    public struct PeriodCost: Sendable, Hashable, Codable {
        /// The period's start, ISO 8601 UTC (`2026-11-10` for a day).
        public var start: String
        /// The period's priced calls' cost, in USD.
        public var costUSD: Double
        /// Calls counted in the period.
        public var calls: Int
        /// Of those, the failed ones.
        public var errors: Int
        /// Of those, the ones without a price: not in ``costUSD``.
        public var unpricedCalls: Int
    }

    /// A user among the all-time top spenders (Space-Saving estimate).
    public struct TopUserCost: Sendable, Hashable, Codable {
        /// The user's `user.id`.
        public var userID: String
        /// At least the user's true spend…
        public var costUSD: Double
        /// …and at most this much more.
        public var maxOverestimateUSD: Double
    }

    /// A user among the all-time most active (Space-Saving estimate).
    public struct TopUserCalls: Sendable, Hashable, Codable {
        /// The user's `user.id`.
        public var userID: String
        /// At least the user's true number of calls…
        public var calls: Int
        /// …and at most this many more.
        public var maxOverestimate: Int
    }

    /// The distribution of per-call cost (priced calls).
    public struct CostDistribution: Sendable, Hashable, Codable {
        /// The priced calls measured.
        public var count: Int
        /// The mean cost of a call, in USD.
        public var meanUSD: Double
        /// The median cost of a call, in USD.
        public var p50USD: Double
        /// The 95th percentile of a call's cost, in USD.
        public var p95USD: Double
        /// The 99th percentile of a call's cost, in USD.
        public var p99USD: Double
        /// The most expensive call, in USD.
        public var maxUSD: Double
    }

    /// What the calls cost: totals, the per-call distribution, and by model, feature, user, hour and day.
    public struct Cost: Sendable, Hashable, Codable {
        /// All priced calls ever seen.
        public var totalUSD: Double
        /// Priced calls of the current UTC day.
        public var todayUSD: Double
        /// Calls with a known cost, counted in ``totalUSD``.
        public var pricedCalls: Int
        /// Spans marked `claude.cost.price_unknown` (a model missing from the price table).
        public var unknownPriceCalls: Int
        /// Spans with neither a cost nor the unknown-price flag that the optional pricing closure
        /// could not price (hand-made spans).
        public var unpricedCalls: Int
        /// The distribution of a priced call's cost; nil before the first one.
        public var perRequest: CostDistribution?
        /// Cost per model (`gen_ai.request.model`), largest first.
        public var byModel: [NamedCost]
        /// Cost per feature (`claude.feature`), largest first.
        public var byFeature: [NamedCost]
        /// The current UTC day, largest first.
        public var byUserToday: [NamedCost]
        /// The users who spent the most since the monitor started, largest first.
        public var topUsersAllTime: [TopUserCost]
        /// The last ``MonitorLimits/hourHorizon`` UTC hours with calls, oldest first.
        public var byHour: [PeriodCost]
        /// The last ``MonitorLimits/dayHorizon`` UTC days with calls, oldest first.
        public var byDay: [PeriodCost]
    }

    /// The budget in force and what it did today: spend against the limits, calls blocked and warned.
    public struct Budget: Sendable, Hashable, Codable {
        /// The budget configuration in force.
        public var limits: BudgetConfiguration
        /// What today's calls cost so far, in USD.
        public var spentTodayUSD: Double
        /// Estimated cost of admitted calls still in flight.
        public var reservedUSD: Double
        /// Daily limit minus spent and reserved; nil without a daily limit.
        public var remainingTodayUSD: Double?
        /// Calls blocked today by the daily limit.
        public var blockedByDailyLimit: Int
        /// Calls blocked today by a user's daily limit.
        public var blockedByPerUserLimit: Int
        /// Calls that cost more than ``BudgetConfiguration/perRequestWarningUSD``.
        public var perRequestWarnings: Int
        /// Users at or over their daily limit today.
        public var usersAtLimit: Int
    }

    /// Latency of one model's successful calls.
    public struct ModelLatency: Sendable, Hashable, Codable {
        /// The model (`gen_ai.request.model`).
        public var model: String
        /// Call duration percentiles, in seconds; nil without a call.
        public var duration: Percentiles?
        /// Time to first token percentiles of streamed calls, in seconds; nil without one.
        public var timeToFirstToken: Percentiles?
    }

    /// Latency of successful calls (status not error).
    public struct Latency: Sendable, Hashable, Codable {
        /// The sketches' relative accuracy (0.01: every percentile within 1%).
        public var relativeAccuracy: Double
        /// Call duration percentiles, in seconds; nil without a call.
        public var duration: Percentiles?
        /// Time to first token percentiles of streamed calls, in seconds; nil without one.
        public var timeToFirstToken: Percentiles?
        /// Durations in the recent window (the current and previous
        /// ``MonitorLimits/latencyWindowMinutes`` windows): what the latency alert reads.
        public var recent: Percentiles?
        /// The same per model.
        public var byModel: [ModelLatency]
    }

    /// A count under a name: an error category, or a user's calls.
    public struct NamedCount: Sendable, Hashable, Codable {
        /// The category or user.
        public var name: String
        /// How many.
        public var count: Int
    }

    /// Calls and failures of one model, with its failures by category.
    public struct ModelErrors: Sendable, Hashable, Codable {
        /// The model (`gen_ai.request.model`).
        public var model: String
        /// All its calls.
        public var calls: Int
        /// Its failed calls.
        public var errors: Int
        /// Its failed calls by ``ClaudeErrorCategory``, most first.
        public var byCategory: [NamedCount]
    }

    /// Calls and failures in one UTC minute.
    public struct MinuteErrors: Sendable, Hashable, Codable {
        /// The minute's start, ISO 8601 UTC.
        public var start: String
        /// Minutes since the Unix epoch.
        public var minute: Int64
        /// Calls that ended in the minute.
        public var calls: Int
        /// Of those, the failed ones.
        public var errors: Int
        /// Failed calls over calls in the minute, 0 to 1.
        public var rate: Double
    }

    /// How often calls were retried, and how many failed in the end anyway.
    public struct Retries: Sendable, Hashable, Codable {
        /// Retries over all calls.
        public var totalRetries: Int
        /// Calls with at least one retry.
        public var retriedCalls: Int
        /// Retries per call, over all calls.
        public var meanPerCall: Double
        /// `perCall[n]`: calls with `n` retries; the last entry counts 5 or more.
        public var perCall: [Int]
        /// Calls that failed in the end after retrying, or with a retryable category (rate limit,
        /// overloaded, server error, timeout, connection): the client gave up.
        public var failedAfterRetries: Int
    }

    /// Failed calls: the rate, by category, model and minute, and the retries.
    public struct Errors: Sendable, Hashable, Codable {
        /// Failed calls.
        public var total: Int
        /// Failed calls over all calls.
        public var rate: Double
        /// Failed calls by ``ClaudeErrorCategory``, most first.
        public var byCategory: [NamedCount]
        /// Calls and failures per model, most failures first.
        public var byModel: [ModelErrors]
        /// The last ``MonitorLimits/minuteHorizon`` minutes that had calls, oldest first.
        public var perMinute: [MinuteErrors]
        /// How often calls were retried.
        public var retries: Retries

        /// Calls and errors in the `minutes` UTC minutes ending with the one holding `now`.
        package func window(lastMinutes minutes: Int, endingAt now: UInt64) -> (calls: Int, errors: Int) {
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
        /// The model (`gen_ai.request.model`).
        public var model: String
        /// Uncached input tokens.
        public var input: Int
        /// Output tokens.
        public var output: Int
        /// Prompt tokens read from the cache.
        public var cacheRead: Int
        /// Prompt tokens written to the cache.
        public var cacheCreation: Int
    }

    /// Token totals. ``input`` is the uncached input (`gen_ai.usage.input_tokens` minus the cache
    /// counts), so the four add up to everything sent and received.
    public struct Tokens: Sendable, Hashable, Codable {
        /// Uncached input tokens.
        public var input: Int
        /// Output tokens.
        public var output: Int
        /// Prompt tokens read from the cache.
        public var cacheRead: Int
        /// Prompt tokens written to the cache.
        public var cacheCreation: Int
        /// The same per model, most tokens first.
        public var byModel: [ModelTokens]
    }

    /// What users did with the answers (``ClaudeMonitor/recordFeedback(requestID:action:)``), per action.
    public struct Feedback: Sendable, Hashable, Codable {
        /// Answers the user accepted.
        public var accept = 0
        /// Answers the user rejected.
        public var reject = 0
        /// Answers the user edited before using.
        public var edit = 0
        /// Answers the user asked to generate again.
        public var retry = 0
        /// All feedback, the four actions summed.
        public var total: Int { accept + reject + edit + retry }

        /// Accepted over all feedback; nil without feedback.
        public var acceptanceRate: Double? { total > 0 ? Double(accept) / Double(total) : nil }

        private enum CodingKeys: String, CodingKey { case accept, reject, edit, retry, total, acceptanceRate }

        /// No feedback yet.
        public init() {}

        /// Decodes the four counts; `total` and `acceptanceRate` are derived, not read.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            accept = try container.decode(Int.self, forKey: .accept)
            reject = try container.decode(Int.self, forKey: .reject)
            edit = try container.decode(Int.self, forKey: .edit)
            retry = try container.decode(Int.self, forKey: .retry)
        }

        /// Encodes the four counts with `total` and `acceptanceRate`, for a dashboard to read.
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
        /// The feature (`claude.feature`).
        public var feature: String
        /// Its calls.
        public var calls: Int
        /// Its failed calls.
        public var errors: Int
        /// Its priced calls' cost, in USD.
        public var costUSD: Double
        /// The feedback on its answers.
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
        /// Today's calls per user, most first.
        public var callsByUserToday: [NamedCount]
        /// The users with the most calls since the monitor started, most first.
        public var topUsersByCallsAllTime: [TopUserCalls]
        /// Every feature (all time), most calls first: the top features.
        public var byFeature: [FeatureUsage]
        /// `callsByHourOfDay[h]`: calls in UTC hour `h` (0–23) over all days.
        public var callsByHourOfDay: [Int]
        /// All feedback, over every feature.
        public var feedback: Feedback
        /// Feedback whose request id the monitor no longer (or never) remembered: counted under
        /// the feature `(unknown)`, without a link.
        public var feedbackUnmatched: Int
    }

    /// The alert rules and the alerts they fired.
    public struct Alerts: Sendable, Hashable, Codable {
        /// The names of the configured rules.
        public var rules: [String]
        /// Notifications fired since the monitor started.
        public var fired: Int
        /// The most recent notifications, oldest first.
        public var recent: [AlertNotification]
    }

    /// The monitor's own health: what it dropped and where a bound was reached.
    public struct Health: Sendable, Hashable, Codable {
        /// Request log lines dropped because the outbox was full.
        public var droppedLogLines: Int
        /// Alert notifications dropped because the outbox was full.
        public var droppedAlerts: Int
        /// Log lines written.
        public var writtenLogLines: Int
        /// Log lines whose write failed.
        public var failedLogWrites: Int
        /// Calls today by users beyond ``MonitorLimits/maxUsersPerDay`` (tracked as `(other)`).
        public var callsBeyondUserCapacity: Int
        /// Calls whose feature or model was beyond its bound (tracked as `(other)`).
        public var callsBeyondFeatureCapacity: Int
        /// Calls whose model was beyond ``MonitorLimits/maxModels`` (tracked as `(other)`).
        public var callsBeyondModelCapacity: Int
        /// Request ids remembered for feedback.
        public var recentRequestsRemembered: Int
        /// Calls admitted with an estimate that could not be reserved (reservation table full).
        public var unreservedAdmissions: Int
    }
}
