/// The GenAI client metrics of Claude calls, recorded where each call's span ends (plain and
/// streamed calls, failures and blocked calls alike, sampled or not).
///
/// | instrument | kind | unit | what |
/// |---|---|---|---|
/// | `gen_ai.client.token.usage` | histogram | `{token}` | per call, `gen_ai.token.type` `input` (all prompt tokens, cached ones included, as the span's `gen_ai.usage.input_tokens`) and `output` |
/// | `gen_ai.client.operation.duration` | histogram | `s` | the logical call, retries included; `error.type` on failures |
/// | `gen_ai.client.operation.time_to_first_chunk` | histogram | `s` | streams only: request sent to first content delta |
/// | `claude.client.token.cache_usage` | counter | `{token}` | the cached parts of the input, `gen_ai.token.type` `cache_read` / `cache_creation` |
/// | `claude.client.cost` | counter | `USD` | the calls' cost from the pricing table (calls of unknown price add nothing) |
/// | `claude.client.errors` | counter | `{error}` | failed calls, by `error.type` |
/// | `claude.monitor.alerts` | counter | `{alert}` | alerts a ``ClaudeMonitor`` fired, by `claude.alert.rule` and `claude.alert.severity` |
/// | `claude.monitor.feedback` | counter | `{feedback}` | feedback given to a ``ClaudeMonitor``, by `claude.feedback.action` (and `claude.feature` when the call had one) |
///
/// Every series carries `gen_ai.operation.name`, `gen_ai.provider.name`, `gen_ai.request.model`,
/// `server.address`, `server.port`, and `gen_ai.response.model` once the server named it, plus
/// `claude.feature` when the call's attribution gives one; `user.id` only when the client opts
/// in (``ClaudeClientConfiguration/recordsUserIDInMetrics``). The provider's cardinality limit
/// bounds each instrument, with an overflow series past it. The monitor's two counters carry
/// `gen_ai.provider.name` and their own attributes only: they are counted where the monitor
/// fires an alert or is given feedback, not per call.
///
/// The GenAI token metrics are being redesigned upstream: every name and boundary lives here.
public final class ClaudeMetrics: Sendable {
    /// `gen_ai.client.token.usage`'s explicit bucket boundaries: powers of 4 from 1 to 4^13.
    public static let tokenBoundaries: [Double] = (0...13).map { Double(1 << (2 * $0)) }
    /// `gen_ai.client.operation.duration`'s (and time to first chunk's): 0.01 s doubling to 81.92 s.
    public static let durationBoundaries: [Double] = (0...13).map { 0.01 * Double(1 << $0) }

    /// The instruments' names, as in the table above.
    public enum Name {
        /// Tokens per call, input and output (histogram, `{token}`).
        public static let tokenUsage = "gen_ai.client.token.usage"
        /// The logical call's duration, retries included (histogram, seconds).
        public static let operationDuration = "gen_ai.client.operation.duration"
        /// A stream's time from request to first content delta (histogram, seconds).
        public static let timeToFirstChunk = "gen_ai.client.operation.time_to_first_chunk"
        /// Cached input tokens, read and written (counter, `{token}`).
        public static let cacheTokenUsage = "claude.client.token.cache_usage"
        /// The calls' cost (counter, USD).
        public static let cost = "claude.client.cost"
        /// Failed calls, by `error.type` (counter).
        public static let errors = "claude.client.errors"
        /// Alerts a monitor fired (counter).
        public static let alerts = "claude.monitor.alerts"
        /// Feedback given to a monitor (counter).
        public static let feedback = "claude.monitor.feedback"
    }

    /// `gen_ai.token.type`, the attribute that splits the token metrics.
    package static let tokenTypeKey = "gen_ai.token.type"

    /// The meter provider the instruments belong to.
    public let provider: MeterProvider
    let tokenUsage: MetricHistogram
    let duration: MetricHistogram
    let timeToFirstChunk: MetricHistogram
    let cacheTokens: MetricCounter
    let cost: MetricCounter
    let errors: MetricCounter
    let alerts: MetricCounter
    let feedback: MetricCounter
    /// Attribute sets already built, by call shape: a call looks its sets up instead of
    /// sorting and hashing five of them. Bounded: emptied when it grows past 1024 shapes.
    private let seriesCache = Locked(SeriesCache())

    /// The shapes seen, and the few used last: most of an app's calls share a handful of
    /// shapes (one model, one feature), and comparing a key with a recent one is cheaper than
    /// hashing its strings (a third of the recording's cost with a dictionary alone, W4m).
    struct SeriesCache: Sendable {
        var all: [SeriesKey: CallSeries] = [:]
        // Two arrays, not one of tuples: a tuple element was copied through the runtime's
        // generic witness on every comparison (most of the lookup's time, perf).
        var recentKeys: [SeriesKey] = []
        var recentSeries: [CallSeries] = []

        mutating func find(_ key: SeriesKey) -> CallSeries? {
            let index = recentKeys.withUnsafeBufferPointer { keys in keys.firstIndex { $0 == key } }
            if let index { return recentSeries[index] }
            guard let found = all[key] else { return nil }
            remember(key, found)
            return found
        }

        mutating func remember(_ key: SeriesKey, _ series: CallSeries) {
            if recentKeys.count == 4 {
                recentKeys.removeLast()
                recentSeries.removeLast()
            }
            recentKeys.insert(key, at: 0)
            recentSeries.insert(series, at: 0)
        }
    }

    /// The instruments in `provider` (made once per provider; a second instance shares them).
    public init(provider: MeterProvider) {
        self.provider = provider
        let scope = InstrumentationScope(name: ClaudeClient.scopeName, version: Resource.sdkVersion)
        tokenUsage = provider.histogram(
            Name.tokenUsage, unit: "{token}", description: "Number of input and output tokens used.",
            boundaries: Self.tokenBoundaries, scope: scope)
        duration = provider.histogram(
            Name.operationDuration, unit: "s", description: "GenAI operation duration.",
            boundaries: Self.durationBoundaries, scope: scope)
        timeToFirstChunk = provider.histogram(
            Name.timeToFirstChunk, unit: "s",
            description: "Time to receive the first chunk, from when the client issues the request to when the first chunk is received in the response stream.",
            boundaries: Self.durationBoundaries, scope: scope)
        cacheTokens = provider.counter(
            Name.cacheTokenUsage, unit: "{token}", description: "Input tokens read from or written to the prompt cache (parts of gen_ai.client.token.usage's input).",
            scope: scope)
        cost = provider.counter(
            Name.cost, unit: "USD", description: "Cost of the calls from the pricing table; calls of unknown price add nothing.",
            scope: scope, scale: 1e-12)
        errors = provider.counter(Name.errors, unit: "{error}", description: "Failed Claude calls, by error.type.", scope: scope)
        alerts = provider.counter(Name.alerts, unit: "{alert}", description: "Alerts fired by the Claude monitor, by rule and severity.", scope: scope)
        feedback = provider.counter(
            Name.feedback, unit: "{feedback}", description: "What users did with Claude answers (accept, reject, edit, retry), by feature.",
            scope: scope)
    }

    /// Counts one alert the monitor fired (on its background task, where it is delivered).
    func recordAlert(_ notification: AlertNotification) {
        alerts.add(1, attributes: MetricAttributes([
            ClaudeAttributeKey.providerName: "anthropic", "claude.alert.rule": .string(notification.rule),
            "claude.alert.severity": .string(notification.severity.rawValue),
        ]))
    }

    /// Counts one piece of feedback; `feature` is the call's, when the monitor knew the call.
    func recordFeedback(_ action: FeedbackAction, feature: String?) {
        var attributes: Attributes = [ClaudeAttributeKey.providerName: "anthropic", MonitorAttributeKey.feedbackAction: .string(action.rawValue)]
        if let feature { attributes[ClaudeAttributeKey.feature] = .string(feature) }
        feedback.add(1, attributes: MetricAttributes(attributes))
    }

    /// Records one call made outside ``ClaudeClient`` (another client, a gateway's log) as the
    /// client records its own: its duration (with `error.type` and an error count when
    /// `errorType` is set), and, when `usage` is given, its tokens and its `cost`.
    public func recordCall(
        requestModel: String, responseModel: String? = nil, usage: ClaudeUsage? = nil, cost: ClaudeCost? = nil,
        errorType: String? = nil, durationSeconds: Double, server: (host: String, port: Int) = ("api.anthropic.com", 443),
        feature: String? = nil, userID: String? = nil
    ) {
        ClaudeCallMetrics(metrics: self, requestModel: requestModel, host: server.host, port: server.port, feature: feature, userID: userID)
            .record(responseModel: responseModel, usage: usage, cost: cost, errorType: errorType, seconds: durationSeconds)
    }

    private static let cached = Locked<ClaudeMetrics?>(nil)

    /// The metrics of ``/ClaudeTraceCore/MeterProvider/current``; nil when no meter provider is set up.
    public static var current: ClaudeMetrics? {
        guard let provider = MeterProvider.current else { return nil }
        return cached.withLock { cached in
            if let metrics = cached, metrics.provider === provider { return metrics }
            let metrics = ClaudeMetrics(provider: provider)
            cached = metrics
            return metrics
        }
    }

    // MARK: Series

    struct SeriesKey: Hashable, Sendable {
        var requestModel: String
        var responseModel: String?
        var errorType: String?
        var feature: String?
        var userID: String?
        var host: String
        var port: Int
    }

    /// The attribute sets one call shape records into (a class: a lookup hands out one
    /// reference, not six arrays).
    final class CallSeries: Sendable {
        /// The common attributes, without `error.type`: tokens, cost, time to first chunk.
        let base: MetricAttributes
        /// With `error.type` when the call failed: duration and errors.
        let outcome: MetricAttributes
        let input: MetricAttributes
        let output: MetricAttributes
        let cacheRead: MetricAttributes
        let cacheCreation: MetricAttributes

        init(
            base: MetricAttributes, outcome: MetricAttributes, input: MetricAttributes, output: MetricAttributes,
            cacheRead: MetricAttributes, cacheCreation: MetricAttributes
        ) {
            self.base = base
            self.outcome = outcome
            self.input = input
            self.output = output
            self.cacheRead = cacheRead
            self.cacheCreation = cacheCreation
        }
    }

    func series(_ key: SeriesKey) -> CallSeries {
        if let found = seriesCache.withLock({ $0.find(key) }) { return found }
        typealias Key = ClaudeAttributeKey
        var attributes: Attributes = [
            Key.operationName: "chat",
            Key.providerName: "anthropic",
            Key.requestModel: .string(key.requestModel),
            Key.serverAddress: .string(key.host),
            Key.serverPort: .int(Int64(key.port)),
        ]
        if let model = key.responseModel, !model.isEmpty { attributes[Key.responseModel] = .string(model) }
        if let feature = key.feature { attributes[Key.feature] = .string(feature) }
        if let user = key.userID { attributes[Key.userID] = .string(user) }
        func with(_ extra: String, _ value: String) -> MetricAttributes {
            var copy = attributes
            copy[extra] = .string(value)
            return MetricAttributes(copy)
        }
        let base = MetricAttributes(attributes)
        let series = CallSeries(
            base: base, outcome: key.errorType.map { with(Key.errorType, $0) } ?? base,
            input: with(Self.tokenTypeKey, "input"), output: with(Self.tokenTypeKey, "output"),
            cacheRead: with(Self.tokenTypeKey, "cache_read"), cacheCreation: with(Self.tokenTypeKey, "cache_creation"))
        seriesCache.withLock { cache in
            if cache.all.count >= 1024 { cache.all.removeAll(keepingCapacity: true) }
            cache.all[key] = series
            cache.remember(key, series)
        }
        return series
    }
}

/// What a call's span needs to record its metrics when it ends.
struct ClaudeCallMetrics: Sendable {
    let metrics: ClaudeMetrics
    let requestModel: String
    let host: String
    let port: Int
    let feature: String?
    /// Set only when the client opted in.
    let userID: String?

    private func key(responseModel: String?, errorType: String?) -> ClaudeMetrics.SeriesKey {
        .init(requestModel: requestModel, responseModel: responseModel, errorType: errorType, feature: feature, userID: userID, host: host, port: port)
    }

    /// A call that ended: `response` (nil for a failure with nothing received), and the
    /// error's `error.type` when it failed.
    func record(response: ClaudeMessageResponse?, errorType: String?, seconds: Double) {
        record(responseModel: response?.model, usage: response?.usage, cost: response?.cost, errorType: errorType, seconds: seconds)
    }

    func record(responseModel: String?, usage: ClaudeUsage?, cost: ClaudeCost?, errorType: String?, seconds: Double) {
        let series = metrics.series(key(responseModel: responseModel, errorType: errorType))
        metrics.duration.record(seconds, attributes: series.outcome)
        if errorType != nil { metrics.errors.add(1, attributes: series.outcome) }
        guard let usage else { return }
        metrics.tokenUsage.record(Double(usage.promptTokens), attributes: series.input)
        metrics.tokenUsage.record(Double(usage.outputTokens), attributes: series.output)
        if usage.cacheReadInputTokens > 0 { metrics.cacheTokens.add(Int64(usage.cacheReadInputTokens), attributes: series.cacheRead) }
        if usage.cacheCreationInputTokens > 0 {
            metrics.cacheTokens.add(Int64(usage.cacheCreationInputTokens), attributes: series.cacheCreation)
        }
        if let cost { metrics.cost.add(cost.picodollars, attributes: series.base) }
    }

    func recordTimeToFirstChunk(_ seconds: Double, responseModel: String?) {
        metrics.timeToFirstChunk.record(seconds, attributes: metrics.series(key(responseModel: responseModel, errorType: nil)).base)
    }
}
