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
    /// Where each alert is also written as one JSON line; `nil` writes it to ``Diagnostics``
    /// when there is no ``alertHandler`` (with a handler, the handler alone receives it).
    public var alertLog: LogDestination?
    /// One JSON line per Claude call; `nil` (the default) writes none.
    public var requestLog: RequestLogConfiguration?
    /// Prices a Claude span that carries neither `claude.cost.usd` nor
    /// `claude.cost.price_unknown` (a span an app made by hand), in USD; nil when it cannot.
    /// Without it such spans count as unpriced.
    public var pricing: (@Sendable (SpanData) -> Double?)?
    /// Unix epoch nanoseconds now: decides the UTC minute, hour and day of each call, budget
    /// roll-over and alert cooldowns. Tests pass a clock they advance.
    public var clock: @Sendable () -> UInt64
    /// The least time between two automatic alert evaluations (by ``clock``). Default 1 s.
    public var alertEvaluationInterval: Duration
    /// Memory bounds.
    public var limits: MonitorLimits

    public init(
        budget: BudgetConfiguration = .unlimited, alertRules: [AlertRule] = [],
        alertHandler: (@Sendable (AlertNotification) -> Void)? = nil, alertLog: LogDestination? = nil,
        requestLog: RequestLogConfiguration? = nil, pricing: (@Sendable (SpanData) -> Double?)? = nil,
        clock: @escaping @Sendable () -> UInt64 = { WallClock.nanoseconds() },
        alertEvaluationInterval: Duration = .seconds(1), limits: MonitorLimits = MonitorLimits()
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
    }
}

extension Duration {
    /// Whole nanoseconds, saturating; negative durations are zero.
    var monitorNanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        guard seconds >= 0 else { return 0 }
        let (whole, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : whole &+ UInt64(max(0, attoseconds) / 1_000_000_000)
    }
}
