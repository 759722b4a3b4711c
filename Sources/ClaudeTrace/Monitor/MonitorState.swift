/// All the monitor's mutable state, updated under one lock. Each part is bounded (see
/// ``MonitorLimits``), so the whole is bounded whatever the traffic.
struct MonitorState: Sendable {
    let limits: MonitorLimits
    var budget: BudgetConfiguration {
        didSet { budgetWarningNanos = budget.perRequestWarningUSD.map(Nanodollars.from(usd:)) }
    }
    private(set) var budgetWarningNanos: Int64?

    /// The current UTC day and its bounds in nanoseconds: roll-over is a comparison, not a
    /// division, on the hot path.
    private(set) var day: Int64 = .min
    private var dayStart: UInt64 = 0
    private var dayEnd: UInt64 = 0
    /// The current UTC minute, cached the same way.
    private var minute: Int64 = .min
    private var minuteStart: UInt64 = .max
    private var minuteEnd: UInt64 = 0

    var calls = 0
    var failed = 0
    var streamed = 0
    var blockedByBudget = 0
    var uncachedInputTokens: Int64 = 0
    var outputTokens: Int64 = 0
    var cacheReadTokens: Int64 = 0
    var cacheCreationTokens: Int64 = 0

    var cost: CostLedger
    var budgetLedger: BudgetLedger
    var errors: ErrorStats
    var models: BoundedTable<ModelStats>
    var recentLatency: RecentLatency
    var usage: UsageStats
    var recent: RecentRequests

    var stateRules: [AlertRule] = []
    var callRules: [AlertRule] = []
    var cooldowns = AlertCooldowns()
    var alertsFired = 0
    var recentAlerts: [AlertNotification] = []
    var nextAlertEvaluation: UInt64 = 0
    let alertEvaluationInterval: UInt64

    init(configuration: MonitorConfiguration) {
        let limits = configuration.limits
        self.limits = limits
        budget = configuration.budget
        budgetWarningNanos = configuration.budget.perRequestWarningUSD.map(Nanodollars.from(usd:))
        cost = CostLedger(limits: limits)
        budgetLedger = BudgetLedger(maxReservations: limits.maxReservations)
        errors = ErrorStats(minuteHorizon: limits.minuteHorizon)
        models = BoundedTable(capacity: limits.maxModels, reserve: min(limits.maxModels, 16)) { ModelStats() }
        recentLatency = RecentLatency(windowMinutes: limits.latencyWindowMinutes)
        usage = UsageStats(limits: limits)
        recent = RecentRequests(capacity: limits.recentRequests)
        alertEvaluationInterval = configuration.alertEvaluationInterval.wholeNanoseconds
        for rule in configuration.alertRules { add(rule) }
    }

    mutating func add(_ rule: AlertRule) {
        switch rule.condition {
        case .state: stateRules.append(rule)
        case .callCost: callRules.append(rule)
        }
    }

    /// Rolls the per-day state over when `now` is in a later UTC day. A clock that steps back
    /// keeps the current day (nothing is wiped by a skew).
    @inline(__always)
    mutating func advance(to now: UInt64) {
        guard now >= dayEnd else { return }
        rollOver(to: now)
    }

    /// The UTC minute of `now`, without a division while it stays in the same minute.
    @inline(__always)
    mutating func minute(of now: UInt64) -> Int64 {
        if now >= minuteStart && now < minuteEnd { return minute }
        minute = UTCTime.minute(now)
        minuteStart = UInt64(minute) &* UTCTime.nanosecondsPerMinute
        minuteEnd = minuteStart &+ UTCTime.nanosecondsPerMinute
        return minute
    }

    private mutating func rollOver(to now: UInt64) {
        let newDay = UTCTime.day(now)
        if day != .min {
            cost.rollOver()
            budgetLedger.rollOver()
            usage.rollOver()
        }
        day = newDay
        dayStart = UInt64(newDay) &* UTCTime.nanosecondsPerDay
        dayEnd = dayStart &+ UTCTime.nanosecondsPerDay
    }

    /// What the caller must do off the lock after a call was recorded.
    struct Outcome {
        var alerts: [AlertNotification] = []
        var evaluateAlerts = false
    }

    /// Counts one ended Claude call. The hot path: no allocation once the keys are known.
    mutating func record(_ call: ClaudeCall, price: CallPrice, context: SpanContext, now: UInt64) -> Outcome {
        advance(to: now)
        let minute = minute(of: now)
        let hour = minute / 60
        let failedCall = call.isError
        calls += 1
        if failedCall { failed += 1 }
        if call.wasBlockedByBudget { blockedByBudget += 1 }
        let uncached = call.uncachedInputTokens
        uncachedInputTokens &+= uncached
        outputTokens &+= call.outputTokens
        cacheReadTokens &+= call.cacheReadTokens
        cacheCreationTokens &+= call.cacheCreationTokens

        cost.record(price, failed: failedCall, hour: hour, day: day)
        let nanos = price.nanos ?? 0
        let unpriced = price.isUnpriced
        errors.record(call, minute: minute)

        models.update(HashedKey(call.model ?? "(unknown)")) { model in
            model.calls += 1
            model.costNanos &+= nanos
            if unpriced { model.unpricedCalls += 1 }
            model.uncachedInputTokens &+= uncached
            model.outputTokens &+= call.outputTokens
            model.cacheReadTokens &+= call.cacheReadTokens
            model.cacheCreationTokens &+= call.cacheCreationTokens
            if failedCall {
                model.errors += 1
                model.errorsByCategory[(call.errorCategory ?? .unknown).index] += 1
            } else {
                model.duration.add(call.durationSeconds)
                if let ttft = call.timeToFirstToken { model.timeToFirstToken.add(ttft) }
            }
        }
        if !failedCall { recentLatency.add(call.durationSeconds, minute: minute) }
        if call.timeToFirstToken != nil { streamed += 1 }

        let featureSlot = usage.features.slot(for: HashedKey(call.feature ?? UsageStats.noFeature))
        usage.features[featureSlot].record(failed: failedCall, nanos: nanos, unpriced: unpriced)
        usage.callsByHourOfDay[Int(hour % 24)] += 1
        if let userID = call.userID.map(HashedKey.init) {
            usage.usersToday.update(userID) { user in
                user.calls += 1
                user.costNanos &+= nanos
                if unpriced { user.unpricedCalls += 1 }
            }
        } else {
            usage.anonymousCallsToday += 1
        }

        if let requestID = call.requestID {
            if budgetLedger.hasReservations { budgetLedger.release(requestID: requestID) }
            recent.remember(
                .init(
                    traceID: context.traceID, spanID: context.spanID, traceFlags: context.traceFlags,
                    featureSlot: Int32(truncatingIfNeeded: featureSlot), costNanos: price.nanos),
                hash: KeyHasher.hash(requestID))
        }
        if let warning = budgetWarningNanos, let cost = price.nanos, cost > warning {
            budgetLedger.perRequestWarnings += 1
        }

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
        if !stateRules.isEmpty, now >= nextAlertEvaluation {
            nextAlertEvaluation = now &+ alertEvaluationInterval
            outcome.evaluateAlerts = true
        }
        return outcome
    }

    /// Keeps a fired alert for the snapshot (the last ``MonitorLimits/recentAlerts``).
    mutating func remember(_ notification: AlertNotification) {
        alertsFired += 1
        guard limits.recentAlerts > 0 else { return }
        if recentAlerts.count >= limits.recentAlerts { recentAlerts.removeFirst(recentAlerts.count - limits.recentAlerts + 1) }
        recentAlerts.append(notification)
    }

    // MARK: Budgets

    /// Today's spend under each limit against the limit: blocks once spent plus reserved
    /// reaches a limit, or would pass it with `estimateNanos`; otherwise admits and reserves the
    /// estimate.
    mutating func checkBudget(userID: String?, requestID: String?, estimateNanos: Int64, now: UInt64) -> BudgetCheck {
        advance(to: now)
        let date = UTCTime.dateString(day: day)
        if let limitUSD = budget.dailyLimitUSD {
            let limit = Nanodollars.from(usd: limitUSD)
            let committed = cost.todayNanos &+ budgetLedger.reservedNanos
            if committed >= limit || (estimateNanos > 0 && committed &+ estimateNanos > limit) {
                budgetLedger.blockedByDailyLimit += 1
                return .block(BudgetExceededError(limit: .daily, limitUSD: limitUSD, spentUSD: Nanodollars.usd(committed), day: date))
            }
        }
        if let limitUSD = budget.perUserDailyLimitUSD, let userID {
            let limit = Nanodollars.from(usd: limitUSD)
            let spent = usage.usersToday.existingSlot(for: HashedKey(userID)).map { usage.usersToday[$0].costNanos } ?? 0
            let committed = spent &+ budgetLedger.reserved(forUser: userID)
            if committed >= limit || (estimateNanos > 0 && committed &+ estimateNanos > limit) {
                budgetLedger.blockedByPerUserLimit += 1
                return .block(BudgetExceededError(
                    limit: .perUserDaily(userID: userID), limitUSD: limitUSD, spentUSD: Nanodollars.usd(committed), day: date))
            }
        }
        if estimateNanos > 0, let requestID {
            budgetLedger.reserve(requestID: requestID, userID: userID, nanos: estimateNanos)
        }
        return .allow
    }
}
