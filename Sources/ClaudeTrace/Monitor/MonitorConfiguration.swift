/// How a ``ClaudeMonitor`` behaves. Every property has a default; `MonitorConfiguration()` is a
/// monitor with no budget, no alerts and no request log.
public struct MonitorConfiguration: Sendable {
    /// Spending limits, checked by ``ClaudeMonitor/checkBudget(userID:requestID:estimatedCostUSD:)``.
    public var budget: BudgetConfiguration
    /// Alert rules, evaluated after spans (at most once per ``alertEvaluationInterval``) and on
    /// ``ClaudeMonitor/evaluateAlerts()``.
    public var alertRules: [AlertRule]
    /// Receives every alert notification, on the monitor's background task (never on the
    /// caller's path).
    public var alertHandler: (@Sendable (AlertNotification) -> Void)?
    /// Where each alert is also written as one JSON line; `nil` writes it to ``/ClaudeTraceCore/Diagnostics``
    /// when there is no ``alertHandler`` (with a handler, the handler alone receives it).
    public var alertLog: LogDestination?
    /// One JSON line per Claude call; `nil` (the default) writes none.
    public var requestLog: RequestLogConfiguration?
    /// Prices a Claude span that carries tokens but neither `claude.cost.usd` nor
    /// `claude.cost.price_unknown` (a span an app or another SDK made), in USD; nil when it
    /// cannot (the call then counts as unpriced). Without it the standard pricing table
    /// (`ClaudePricing.standard`) prices the span's tokens, as `claude-trace report` does.
    public var pricing: (@Sendable (SpanData) -> Double?)?
    /// Unix epoch nanoseconds now: decides the UTC minute, hour and day of each call, budget
    /// roll-over and alert cooldowns. Tests pass a clock they advance.
    public var clock: @Sendable () -> UInt64
    /// The least time between two automatic alert evaluations (by ``clock``). Default 1 s.
    public var alertEvaluationInterval: Duration
    /// Memory bounds.
    public var limits: MonitorLimits
    /// Where the monitor counts the alerts it fires and the feedback it is given
    /// (``ClaudeMetrics/Name/alerts``, ``ClaudeMetrics/Name/feedback``); nil (the default) uses
    /// ``ClaudeMetrics/current`` at each one, which is nil until metrics are set up.
    public var metrics: ClaudeMetrics?

    /// A configuration; every default is the property's.
    public init(
        budget: BudgetConfiguration = .unlimited, alertRules: [AlertRule] = [],
        alertHandler: (@Sendable (AlertNotification) -> Void)? = nil, alertLog: LogDestination? = nil,
        requestLog: RequestLogConfiguration? = nil, pricing: (@Sendable (SpanData) -> Double?)? = nil,
        clock: @escaping @Sendable () -> UInt64 = { WallClock.nanoseconds() },
        alertEvaluationInterval: Duration = .seconds(1), limits: MonitorLimits = MonitorLimits(),
        metrics: ClaudeMetrics? = nil
    ) {
        self.budget = budget
        self.alertRules = alertRules
        self.alertHandler = alertHandler
        self.alertLog = alertLog
        self.requestLog = requestLog
        self.pricing = pricing
        self.clock = clock
        self.alertEvaluationInterval = alertEvaluationInterval
        self.limits = limits
        self.metrics = metrics
    }
}
