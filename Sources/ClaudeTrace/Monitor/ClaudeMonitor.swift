/// Cost, budgets, latency, errors, alerts and usage of Claude calls, computed from their spans.
///
/// Give it to ``Telemetry/bootstrap(_:monitor:)``, which registers it as a span processor and
/// makes it the budget gate of clients given no monitor (with a ``/ClaudeTraceCore/TracerProvider`` built by
/// hand, pass it in the processors and to ``ClaudeClient`` as `monitor:`). It reads every ended
/// span that carries the GenAI attributes of a Claude chat call (`gen_ai.provider.name` =
/// `anthropic`, or the deprecated `gen_ai.system`; `gen_ai.operation.name` = `chat` or absent),
/// including spans an app made by hand, and ignores all others:
/// ```swift
/// let monitor = ClaudeMonitor(MonitorConfiguration(
///     budget: .init(dailyLimitUSD: 50, perUserDailyLimitUSD: 2),
///     alertRules: [.errorRate(above: 0.05), .highCostRequest(aboveUSD: 1)],
///     alertHandler: { alert in pager.send(alert.message) }))
/// let telemetry = try Telemetry.bootstrap(serviceName: "support-bot", monitor: monitor)
/// …
/// print(telemetry.monitor.snapshot().dashboard())
/// ```
///
/// **Cost of a span.** `onEnd` parses the attributes in one pass and updates the state under
/// one lock: no I/O, no allocation once the keys (models, features, users) are known. Request
/// log lines and alert notifications go through a bounded queue to a background task; what does
/// not fit is dropped and counted (``MonitorSnapshot/Health``).
///
/// **Time.** A call counts in the UTC minute, hour and day of the monitor's clock when its span
/// ends (for live calls: the call's end). Budgets and "today" roll over at UTC midnight.
///
/// **Memory.** Bounded by ``MonitorLimits`` whatever the traffic: today's users exact up to
/// 100,000 (then `(other)`), all-time top users by Space-Saving (1,000 counters), at most 1,000
/// features and 64 models, 90 days, 48 hours, 60 minutes, 10,000 recent request ids, and
/// quantile sketches of at most 2,048 buckets. See `docs/monitor.md`.
public final class ClaudeMonitor: SpanProcessor {
    let core: MonitorCore
    private let worker: Task<Void, Never>

    /// A monitor; its background task (log lines, alerts) starts at once.
    public init(_ configuration: MonitorConfiguration = MonitorConfiguration()) {
        let core = MonitorCore(configuration: configuration)
        self.core = core
        worker = Task.detached { await core.runWorker() }
    }

    deinit {
        core.outbox.close()
    }

    /// The monitor's configuration as given (budget changes through ``budget`` are not in it).
    public var configuration: MonitorConfiguration { core.configuration }

    // MARK: SpanProcessor

    /// Records an ended span in the monitor's figures; spans that are not Claude calls are ignored.
    public func onEnd(_ span: SpanData) {
        core.record(span)
    }

    /// Writes every log line and delivers every alert queued before the call.
    public func forceFlush() async {
        await core.outbox.flush()
    }

    /// Flushes, then stops the background task. Only the first call does anything; spans ending
    /// later are still counted, but their log lines are dropped.
    public func shutdown() async {
        core.outbox.close()
        await worker.value
    }

    // MARK: Reading

    /// Everything the monitor knows now. Cheap: a pass over bounded tables under the lock.
    public func snapshot() -> MonitorSnapshot {
        core.snapshot()
    }

    /// The text dashboard of a snapshot taken now (see ``MonitorSnapshot/dashboard(rows:)``).
    public func dashboard(rows: Int = 5) -> String {
        snapshot().dashboard(rows: rows)
    }

    /// The duration (`timeToFirstToken`: false) or time to first token of successful calls at
    /// quantile `q` (0…1), overall or for one model, within 1%; nil when there is none.
    public func latencyQuantile(_ q: Double, model: String? = nil, timeToFirstToken: Bool = false) -> Double? {
        latencySketch(model: model, timeToFirstToken: timeToFirstToken).quantile(q)
    }

    /// A copy of a latency sketch (seconds), overall or for one model: for quantiles of your
    /// own, or to merge across processes (it is `Codable`).
    public func latencySketch(model: String? = nil, timeToFirstToken: Bool = false) -> QuantileSketch {
        core.latencySketch(model: model, timeToFirstToken: timeToFirstToken)
    }

    /// The cost of a recent call by its `claude.request_id` (nil when unknown, unpriced, or
    /// forgotten: the monitor remembers the last ``MonitorLimits/recentRequests`` calls).
    public func cost(ofRequest requestID: String) -> Double? {
        core.state.withLock { $0.recent.entry(for: requestID)?.costNanos.map(Nanodollars.usd) }
    }

    // MARK: Budgets

    /// The budget in force; setting it applies to the next check.
    public var budget: BudgetConfiguration {
        get { core.state.withLock { $0.budget.configuration } }
        set { core.state.withLock { $0.budget.configuration = newValue } }
    }

    /// Whether a call may be sent now, for the client to ask before sending.
    ///
    /// Blocks when today's spend (UTC) under a limit, plus the reservations of admitted calls
    /// still in flight, has **reached** the limit (`spent ≥ limit`); a call is admitted while
    /// the spend is below it. Spend comes from ended spans, so calls admitted together can pass
    /// a limit: each call in flight can overspend by at most its own cost, so the overspend
    /// is at most the sum of the costs of the calls in flight when the limit was crossed.
    ///
    /// With `estimatedCostUSD` (e.g. the price of `max_tokens` output) and a `requestID`, the
    /// estimate is reserved until the span with that `claude.request_id` ends, and a call whose
    /// estimate would pass a limit is blocked: with estimates that are upper bounds, concurrent
    /// callers cannot overspend at all.
    ///
    /// A blocked call must not be sent; the client throws ``BudgetExceededError`` (category
    /// `budget_exceeded`) and still ends a span, which the monitor counts and logs.
    public func checkBudget(userID: String?, requestID: String? = nil, estimatedCostUSD: Double? = nil) -> BudgetCheck {
        let estimate = estimatedCostUSD.map(Nanodollars.from(usd:)) ?? 0
        let now = core.configuration.clock()
        return core.state.withLock { $0.checkBudget(userID: userID, requestID: requestID, estimateNanos: estimate, now: now) }
    }

    /// ``checkBudget(userID:requestID:estimatedCostUSD:)`` that throws when the call is blocked.
    public func enforceBudget(userID: String?, requestID: String? = nil, estimatedCostUSD: Double? = nil) throws(BudgetExceededError) {
        if case .block(let error) = checkBudget(userID: userID, requestID: requestID, estimatedCostUSD: estimatedCostUSD) {
            throw error
        }
    }

    /// Whether a call that cost `costUSD` passed the per-request warning threshold (the client
    /// then adds a `budget.warning` event to its span; the monitor counts it when the span ends).
    package func exceedsPerRequestWarning(costUSD: Double) -> Bool {
        guard let threshold = budget.perRequestWarningUSD else { return false }
        return Nanodollars.from(usd: costUSD) > Nanodollars.from(usd: threshold)
    }

    // MARK: Alerts

    /// Adds a rule (rule names must be unique: the cooldown is kept per name).
    public func addAlertRule(_ rule: AlertRule) {
        core.state.withLock { $0.alerts.add(rule) }
    }

    /// Evaluates every state rule now (outside its automatic rate limit) and returns the alerts
    /// that fired; their notifications are delivered by the background task as usual.
    @discardableResult
    public func evaluateAlerts() -> [AlertNotification] {
        let fired = core.evaluateStateRules()
        for notification in fired { core.outbox.enqueue(.alert(notification)) }
        return fired
    }

    // MARK: Feedback

    /// Records what the user did with the answer of call `requestID` (its `claude.request_id`),
    /// counted for the call's feature, and ends a `claude.feedback` span on the current tracer
    /// provider that **links** to the call's span, so a trace view connects the two. Returns
    /// false when the call is not among the recent ones remembered (the feedback is then counted
    /// under `(unknown)` and the span has no link).
    @discardableResult
    public func recordFeedback(requestID: String, action: FeedbackAction) -> Bool {
        let now = core.configuration.clock()
        let (entry, feature) = core.state.withLock { state in
            state.advance(to: now)
            let entry = state.recent.entry(for: requestID)
            let feature = state.usage.recordFeedback(action, featureSlot: entry.map { Int($0.featureSlot) })
            return (entry, feature)
        }
        typealias Key = MonitorAttributeKey
        var attributes: Attributes = [Key.requestID: .string(requestID), Key.feedbackAction: .string(action.rawValue)]
        if entry != nil, feature != UsageStats.noFeature, feature != BoundedTable<FeatureStats>.overflowName {
            attributes[Key.feature] = .string(feature)
        }
        let links = entry.map { [SpanLink(context: $0.context, attributes: [Key.requestID: .string(requestID)])] } ?? []
        let tracer = TracerProvider.current.tracer("claude-trace.monitor", version: Resource.sdkVersion)
        tracer.startSpan("claude.feedback", kind: .internal, attributes: attributes, links: links).end()
        core.metrics?.recordFeedback(action, feature: attributes[Key.feature]?.stringValue)
        return entry != nil
    }
}
