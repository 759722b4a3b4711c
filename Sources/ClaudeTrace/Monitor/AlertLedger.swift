/// The alert rules, their cooldowns and the alerts fired: call rules are checked as each span
/// ends, state rules are asked for at most once per evaluation interval (they run on a
/// snapshot, off the lock).
struct AlertLedger: Sendable {
    private(set) var stateRules: [AlertRule] = []
    private(set) var callRules: [AlertRule] = []
    private var cooldowns = AlertCooldowns()
    private var fired = 0
    private var recent: [AlertNotification] = []
    private let recentLimit: Int
    private var nextEvaluation: UInt64 = 0
    private let evaluationInterval: UInt64

    init(configuration: MonitorConfiguration) {
        recentLimit = configuration.limits.recentAlerts
        evaluationInterval = configuration.alertEvaluationInterval.wholeNanoseconds
        for rule in configuration.alertRules { add(rule) }
    }

    mutating func add(_ rule: AlertRule) {
        switch rule.condition {
        case .state: stateRules.append(rule)
        case .callCost: callRules.append(rule)
        }
    }

    /// What the caller must do off the lock after a call was recorded.
    struct Outcome {
        var alerts: [AlertNotification] = []
        var evaluateAlerts = false
    }

    /// Fires the call rules the call's cost passes (outside their cooldown), and asks for the
    /// state rules when their interval has passed.
    @inline(__always)
    mutating func record(_ call: ClaudeCall, price: CallPrice, now: UInt64) -> Outcome {
        var outcome = Outcome()
        if !callRules.isEmpty, let cost = price.nanos {
            for rule in callRules {
                guard case .callCost(let threshold) = rule.condition, cost > threshold, cooldowns.claim(rule, now: now) else { continue }
                let notification = AlertNotification(
                    rule: rule.name, severity: rule.severity,
                    message: "one call cost $\(formatUSD(Nanodollars.usd(cost))) > $\(formatUSD(Nanodollars.usd(threshold)))"
                        + " (model \(call.model ?? "unknown"), user \(call.userID ?? "none"), feature \(call.feature ?? "none"))",
                    firedAtUnixNanoseconds: now, requestID: call.requestID)
                remember(notification)
                outcome.alerts.append(notification)
            }
        }
        if !stateRules.isEmpty, now >= nextEvaluation {
            nextEvaluation = now &+ evaluationInterval
            outcome.evaluateAlerts = true
        }
        return outcome
    }

    /// The notifications of the state rules in `firing` whose cooldown allows them at `now`,
    /// each remembered as fired.
    mutating func fire(_ firing: [(rule: AlertRule, message: String)], now: UInt64) -> [AlertNotification] {
        var notifications: [AlertNotification] = []
        for (rule, message) in firing where cooldowns.claim(rule, now: now) {
            let notification = AlertNotification(rule: rule.name, severity: rule.severity, message: message, firedAtUnixNanoseconds: now)
            remember(notification)
            notifications.append(notification)
        }
        return notifications
    }

    /// Keeps a fired alert for the snapshot (the last ``MonitorLimits/recentAlerts``).
    private mutating func remember(_ notification: AlertNotification) {
        fired += 1
        guard recentLimit > 0 else { return }
        if recent.count >= recentLimit { recent.removeFirst(recent.count - recentLimit + 1) }
        recent.append(notification)
    }

    var summary: MonitorSnapshot.Alerts {
        MonitorSnapshot.Alerts(rules: (stateRules + callRules).map(\.name), fired: fired, recent: recent)
    }
}

/// Last-fired times per rule: the cooldowns.
struct AlertCooldowns: Sendable {
    private var lastFired: [String: UInt64] = [:]

    /// Whether `rule` may fire at `now`; if so, records the firing.
    mutating func claim(_ rule: AlertRule, now: UInt64) -> Bool {
        if let last = lastFired[rule.name], now &- last < rule.cooldownNanoseconds, now >= last {
            return false
        }
        lastFired[rule.name] = now
        return true
    }
}
