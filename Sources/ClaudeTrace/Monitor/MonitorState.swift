/// All the monitor's mutable state, updated under one lock: the ledgers, each with its own
/// state and its own `record`, and the current UTC day and minute they are recorded in. This
/// type only keeps the time and hands each call to every ledger. Each ledger is bounded (see
/// ``MonitorLimits``), so the whole is bounded whatever the traffic.
struct MonitorState: Sendable {
    let limits: MonitorLimits

    /// The current UTC day and its bounds in nanoseconds: roll-over is a comparison, not a
    /// division, on the hot path.
    private(set) var day: Int64 = .min
    private var dayStart: UInt64 = 0
    private var dayEnd: UInt64 = 0
    /// The current UTC minute, cached the same way.
    private var minute: Int64 = .min
    private var minuteStart: UInt64 = .max
    private var minuteEnd: UInt64 = 0

    var totals = CallTotals()
    var cost: CostLedger
    var budget: BudgetLedger
    var errors: ErrorStats
    var models: ModelLedger
    var recentLatency: RecentLatency
    var usage: UsageStats
    var recent: RecentRequests
    var alerts: AlertLedger

    init(configuration: MonitorConfiguration) {
        let limits = configuration.limits
        self.limits = limits
        cost = CostLedger(limits: limits)
        budget = BudgetLedger(configuration: configuration.budget, maxReservations: limits.maxReservations)
        errors = ErrorStats(minuteHorizon: limits.minuteHorizon)
        models = ModelLedger(limits: limits)
        recentLatency = RecentLatency(windowMinutes: limits.latencyWindowMinutes)
        usage = UsageStats(limits: limits)
        recent = RecentRequests(capacity: limits.recentRequests)
        alerts = AlertLedger(configuration: configuration)
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
            budget.rollOver()
            usage.rollOver()
        }
        day = newDay
        dayStart = UInt64(newDay) &* UTCTime.nanosecondsPerDay
        dayEnd = dayStart &+ UTCTime.nanosecondsPerDay
    }

    /// Counts one ended Claude call in every ledger. The hot path: no allocation once the keys
    /// are known.
    mutating func record(_ call: ClaudeCall, price: CallPrice, context: SpanContext, now: UInt64) -> AlertLedger.Outcome {
        advance(to: now)
        let minute = minute(of: now)
        let hour = minute / 60
        totals.record(call)
        cost.record(price, failed: call.isError, hour: hour, day: day)
        errors.record(call, minute: minute)
        models.record(call, price: price)
        recentLatency.record(call, minute: minute)
        let featureSlot = usage.record(call, price: price, hour: hour)
        recent.record(call, context: context, featureSlot: featureSlot, price: price)
        budget.record(call, price: price)
        return alerts.record(call, price: price, now: now)
    }

    /// Whether a call may be sent now, by today's spend (UTC) against the budget's limits.
    mutating func checkBudget(userID: String?, requestID: String?, estimateNanos: Int64, now: UInt64) -> BudgetCheck {
        advance(to: now)
        let userSpend = budget.configuration.perUserDailyLimitUSD == nil ? 0 : userID.map(usage.costToday(ofUser:)) ?? 0
        return budget.check(
            userID: userID, requestID: requestID, estimateNanos: estimateNanos, spentToday: cost.todayNanos,
            spentTodayByUser: userSpend, day: UTCTime.dateString(day: day))
    }
}
