/// How urgent an alert is.
public enum AlertSeverity: String, Sendable, Hashable, Codable, CaseIterable {
    /// Worth a look soon.
    case warning
    /// Needs someone now.
    case critical
}

/// A named condition over the monitor's state, with a severity and a cooldown: once it fires it
/// does not fire again until the cooldown (by the monitor's clock) has passed, however long the
/// condition holds.
///
/// Conditions over the state receive a ``MonitorSnapshot`` and return a message when they
/// fire, nil otherwise. They run on the monitor's background task, at most once per
/// ``MonitorConfiguration/alertEvaluationInterval``, never on the caller's path. The per-call
/// rule ``highCostRequest(aboveUSD:name:severity:cooldown:)`` is checked as each span ends
/// (one comparison) and its notification is delivered the same way.
public struct AlertRule: Sendable {
    /// The rule's name, in notifications and on the `claude.monitor.alerts` metric.
    public var name: String
    /// How urgent its notifications are.
    public var severity: AlertSeverity
    /// How long after firing the rule stays quiet, by the monitor's clock.
    public var cooldown: Duration

    enum Condition: Sendable {
        case state(@Sendable (MonitorSnapshot) -> String?)
        case callCost(aboveNanos: Int64)
    }

    let condition: Condition

    /// A custom rule: `condition` returns the alert's message when it should fire.
    public init(
        name: String, severity: AlertSeverity = .warning, cooldown: Duration = .seconds(300),
        condition: @escaping @Sendable (MonitorSnapshot) -> String?
    ) {
        self.init(name: name, severity: severity, cooldown: cooldown, condition: .state(condition))
    }

    init(name: String, severity: AlertSeverity, cooldown: Duration, condition: Condition) {
        self.name = name
        self.severity = severity
        self.cooldown = cooldown
        self.condition = condition
    }

    var cooldownNanoseconds: UInt64 { cooldown.wholeNanoseconds }

    /// Fires when the share of failed calls over the last `minutes` UTC minutes (the current one
    /// included) is above `fraction`, once at least `minimumCalls` calls were seen in them.
    public static func errorRate(
        above fraction: Double, overLastMinutes minutes: Int = 5, minimumCalls: Int = 10,
        name: String = "error-rate", severity: AlertSeverity = .critical, cooldown: Duration = .seconds(300)
    ) -> AlertRule {
        AlertRule(name: name, severity: severity, cooldown: cooldown) { snapshot in
            let window = snapshot.errors.window(lastMinutes: minutes, endingAt: snapshot.takenAtUnixNanoseconds)
            guard window.calls >= max(1, minimumCalls) else { return nil }
            let rate = Double(window.errors) / Double(window.calls)
            guard rate > fraction else { return nil }
            return "error rate \(percent(rate)) over the last \(minutes) min (\(window.errors) of \(window.calls) \(window.calls == 1 ? "call" : "calls")) > \(percent(fraction))"
        }
    }

    /// Fires when the p95 duration of successful calls in the recent latency window (the last
    /// one or two ``MonitorLimits/latencyWindowMinutes`` windows) is above `seconds`, once it
    /// holds at least `minimumCalls` calls.
    public static func p95Latency(
        above seconds: Double, minimumCalls: Int = 10, name: String = "p95-latency",
        severity: AlertSeverity = .warning, cooldown: Duration = .seconds(300)
    ) -> AlertRule {
        AlertRule(name: name, severity: severity, cooldown: cooldown) { snapshot in
            guard let recent = snapshot.latency.recent, recent.count >= max(1, minimumCalls), recent.p95 > seconds else { return nil }
            return "p95 latency \(formatFixed(recent.p95, decimals: 3))s over the last \(recent.count) calls > \(formatFixed(seconds, decimals: 3))s"
        }
    }

    /// Fires when today's spend (UTC) is above `usd`.
    public static func dailySpend(
        aboveUSD usd: Double, name: String = "daily-spend", severity: AlertSeverity = .warning,
        cooldown: Duration = .seconds(3600)
    ) -> AlertRule {
        AlertRule(name: name, severity: severity, cooldown: cooldown) { snapshot in
            guard snapshot.cost.todayUSD > usd else { return nil }
            return "spend today (\(snapshot.day) UTC) $\(formatUSD(snapshot.cost.todayUSD)) > $\(formatUSD(usd))"
        }
    }

    /// Fires when a single call costs more than `usd`, as its span ends.
    public static func highCostRequest(
        aboveUSD usd: Double, name: String = "high-cost-request", severity: AlertSeverity = .warning,
        cooldown: Duration = .seconds(60)
    ) -> AlertRule {
        AlertRule(name: name, severity: severity, cooldown: cooldown, condition: .callCost(aboveNanos: Nanodollars.from(usd: usd)))
    }
}
