extension MonitorState {
    /// Builds the snapshot. Cost: a pass over each bounded table (today's users is the largest,
    /// up to ``MonitorLimits/maxUsersPerDay``) and a quantile walk per sketch; no copy of the
    /// tables.
    mutating func snapshot(now: UInt64, outbox: MonitorOutbox.Statistics) -> MonitorSnapshot {
        advance(to: now)
        let listLimit = limits.snapshotListLimit
        let minute = UTCTime.minute(now)

        var overallDuration = QuantileSketch()
        var overallTTFT = QuantileSketch()
        var modelCosts: [NamedCost] = []
        var modelLatencies: [ModelLatency] = []
        var modelErrors: [ModelErrors] = []
        var modelTokens: [ModelTokens] = []
        var callsBeyondModels = 0
        for entry in models.entries {
            let (name, model) = (entry.name, entry.stats)
            overallDuration.mergeCompatible(model.duration)
            overallTTFT.mergeCompatible(model.timeToFirstToken)
            if name == BoundedTable<ModelStats>.overflowName { callsBeyondModels = model.calls }
            modelCosts.append(NamedCost(name: name, costUSD: Nanodollars.usd(model.costNanos), calls: model.calls, unpricedCalls: model.unpricedCalls))
            modelLatencies.append(ModelLatency(
                model: name, duration: Percentiles(model.duration), timeToFirstToken: Percentiles(model.timeToFirstToken)))
            modelErrors.append(ModelErrors(
                model: name, calls: model.calls, errors: model.errors,
                byCategory: Self.namedCounts(model.errorsByCategory)))
            modelTokens.append(ModelTokens(
                model: name, input: Int(model.uncachedInputTokens), output: Int(model.outputTokens),
                cacheRead: Int(model.cacheReadTokens), cacheCreation: Int(model.cacheCreationTokens)))
        }

        var featureCosts: [NamedCost] = []
        var featureUsage: [FeatureUsage] = []
        var callsBeyondFeatures = 0
        for entry in usage.features.entries {
            let (name, feature) = (entry.name, entry.stats)
            if name == BoundedTable<FeatureStats>.overflowName { callsBeyondFeatures = feature.calls }
            featureCosts.append(NamedCost(name: name, costUSD: Nanodollars.usd(feature.costNanos), calls: feature.calls, unpricedCalls: feature.unpricedCalls))
            featureUsage.append(FeatureUsage(
                feature: name, calls: feature.calls, errors: feature.errors, costUSD: Nanodollars.usd(feature.costNanos), feedback: feature.feedback))
        }

        let perUserLimit = budget.perUserDailyLimitUSD.map(Nanodollars.from(usd:))
        var usersAtLimit = 0
        var callsBeyondUsers = 0
        var topUserCosts = TopN<NamedCost>(limit: listLimit) { ($0.costUSD, $0.name) }
        var topUserCalls = TopN<NamedCount>(limit: listLimit) { (Double($0.count), $0.name) }
        for entry in usage.usersToday.entries {
            let (name, user) = (entry.name, entry.stats)
            if name == BoundedTable<UserDayStats>.overflowName {
                callsBeyondUsers = user.calls
            } else if let perUserLimit, user.costNanos &+ budgetLedger.reserved(forUser: name) >= perUserLimit {
                usersAtLimit += 1
            }
            topUserCosts.offer(NamedCost(name: name, costUSD: Nanodollars.usd(user.costNanos), calls: user.calls, unpricedCalls: user.unpricedCalls))
            topUserCalls.offer(NamedCount(name: name, count: user.calls))
        }

        let recentDurations = recentLatency.sketch(at: minute)
        let perMinute = errors.minutes.periods(endingAt: minute).map {
            MinuteErrors(
                start: UTCTime.minuteString(minute: $0.period), minute: $0.period, calls: $0.tally.calls,
                errors: $0.tally.errors, rate: $0.tally.calls > 0 ? Double($0.tally.errors) / Double($0.tally.calls) : 0)
        }
        let perRequest = cost.perRequest
        let committed = cost.todayNanos &+ budgetLedger.reservedNanos

        return MonitorSnapshot(
            takenAt: UTCTime.timestamp(now), takenAtUnixNanoseconds: now, day: UTCTime.dateString(day: day),
            calls: CallCounts(total: calls, succeeded: calls - failed, failed: failed, streamed: streamed, blockedByBudget: blockedByBudget),
            cost: CostSummary(
                totalUSD: Nanodollars.usd(cost.totalNanos), todayUSD: Nanodollars.usd(cost.todayNanos),
                pricedCalls: cost.pricedCalls, unknownPriceCalls: cost.unknownPriceCalls, unpricedCalls: cost.unpricedCalls,
                perRequest: perRequest.count > 0 ? CostDistribution(
                    count: perRequest.count, meanUSD: perRequest.mean ?? 0, p50USD: perRequest.quantile(0.5) ?? 0,
                    p95USD: perRequest.quantile(0.95) ?? 0, p99USD: perRequest.quantile(0.99) ?? 0, maxUSD: perRequest.max ?? 0) : nil,
                byModel: Self.largestFirst(modelCosts, limit: listLimit) { ($0.costUSD, Double($0.calls), $0.name) },
                byFeature: Self.largestFirst(featureCosts, limit: listLimit) { ($0.costUSD, Double($0.calls), $0.name) },
                byUserToday: topUserCosts.sorted(),
                topUsersAllTime: usage.allTimeTopUsers(limit: listLimit, byCost: true).map {
                    TopUserCost(userID: $0.key, costUSD: Nanodollars.usd($0.weight), maxOverestimateUSD: Nanodollars.usd($0.error))
                },
                byHour: cost.hours.periods(endingAt: minute / 60).map { Self.periodCost(UTCTime.hourString(hour: $0.period), $0.tally) },
                byDay: cost.days.periods(endingAt: day).map { Self.periodCost(UTCTime.dateString(day: $0.period), $0.tally) }),
            budget: BudgetSummary(
                limits: budget, spentTodayUSD: Nanodollars.usd(cost.todayNanos), reservedUSD: Nanodollars.usd(budgetLedger.reservedNanos),
                remainingTodayUSD: budget.dailyLimitUSD.map { Swift.max(0, $0 - Nanodollars.usd(committed)) },
                blockedByDailyLimit: budgetLedger.blockedByDailyLimit, blockedByPerUserLimit: budgetLedger.blockedByPerUserLimit,
                perRequestWarnings: budgetLedger.perRequestWarnings, usersAtLimit: usersAtLimit),
            latency: LatencySummary(
                relativeAccuracy: overallDuration.relativeAccuracy, duration: Percentiles(overallDuration),
                timeToFirstToken: Percentiles(overallTTFT), recent: Percentiles(recentDurations),
                byModel: Self.largestFirst(modelLatencies, limit: listLimit) { (Double($0.duration?.count ?? 0), 0, $0.model) }),
            errors: ErrorSummary(
                total: failed, rate: calls > 0 ? Double(failed) / Double(calls) : 0,
                byCategory: Self.namedCounts(errors.byCategory),
                byModel: Self.largestFirst(modelErrors.filter { $0.errors > 0 }, limit: listLimit) { (Double($0.errors), Double($0.calls), $0.model) },
                perMinute: perMinute,
                retries: RetrySummary(
                    totalRetries: errors.totalRetries, retriedCalls: errors.retriedCalls,
                    meanPerCall: calls > 0 ? Double(errors.totalRetries) / Double(calls) : 0,
                    perCall: errors.retriesPerCall, failedAfterRetries: errors.failedAfterRetries)),
            tokens: TokenSummary(
                input: Int(uncachedInputTokens), output: Int(outputTokens), cacheRead: Int(cacheReadTokens),
                cacheCreation: Int(cacheCreationTokens),
                byModel: Self.largestFirst(modelTokens, limit: listLimit) {
                    (Double($0.input + $0.output + $0.cacheRead + $0.cacheCreation), 0, $0.model)
                }),
            usage: UsageSummary(
                uniqueUsersToday: usage.usersToday.keyCount, usersTodayAtCapacity: usage.usersToday.hasOverflowed,
                anonymousCallsToday: usage.anonymousCallsToday, callsByUserToday: topUserCalls.sorted(),
                topUsersByCallsAllTime: usage.allTimeTopUsers(limit: listLimit, byCost: false).map {
                    TopUserCalls(userID: $0.key, calls: Int($0.weight), maxOverestimate: Int($0.error))
                },
                byFeature: Self.largestFirst(featureUsage, limit: listLimit) { (Double($0.calls), $0.costUSD, $0.feature) },
                callsByHourOfDay: usage.callsByHourOfDay, feedback: usage.feedback, feedbackUnmatched: usage.feedbackUnmatched),
            alerts: AlertSummary(rules: (stateRules + callRules).map(\.name), fired: alertsFired, recent: recentAlerts),
            health: MonitorHealth(
                droppedLogLines: outbox.droppedLogLines, droppedAlerts: outbox.droppedAlerts,
                writtenLogLines: outbox.writtenLogLines, failedLogWrites: outbox.failedWrites,
                callsBeyondUserCapacity: callsBeyondUsers, callsBeyondFeatureCapacity: callsBeyondFeatures,
                callsBeyondModelCapacity: callsBeyondModels, recentRequestsRemembered: recent.count,
                unreservedAdmissions: budgetLedger.unreservedAdmissions))
    }

    private static func periodCost(_ start: String, _ tally: PeriodTally) -> PeriodCost {
        PeriodCost(start: start, costUSD: Nanodollars.usd(tally.costNanos), calls: tally.calls, errors: tally.errors, unpricedCalls: tally.unpricedCalls)
    }

    /// Non-zero category counters, largest first.
    private static func namedCounts(_ counters: [Int]) -> [NamedCount] {
        largestFirst(zip(ClaudeErrorCategory.allCases.map(\.rawValue), counters).filter { $0.1 > 0 }.map { NamedCount(name: $0.0, count: $0.1) }, limit: .max) {
            (Double($0.count), 0, $0.name)
        }
    }

    /// `items` sorted by `key` descending (then by name), cut to `limit`.
    static func largestFirst<T>(_ items: [T], limit: Int, by key: (T) -> (Double, Double, String)) -> [T] {
        let sorted = items.sorted { a, b in
            let (a0, a1, aName) = key(a), (b0, b1, bName) = key(b)
            if a0 != b0 { return a0 > b0 }
            if a1 != b1 { return a1 > b1 }
            return aName < bName
        }
        return Array(sorted.prefix(limit))
    }
}

/// The `limit` largest of a stream, in O(limit) memory (a sorted buffer, so a large table
/// costs one pass and no sort of its own).
struct TopN<T> {
    let limit: Int
    let key: (T) -> (Double, String)
    private var items: [(key: (Double, String), item: T)] = []

    init(limit: Int, key: @escaping (T) -> (Double, String)) {
        self.limit = max(1, limit)
        self.key = key
    }

    private static func isLarger(_ a: (Double, String), _ b: (Double, String)) -> Bool {
        a.0 != b.0 ? a.0 > b.0 : a.1 < b.1
    }

    mutating func offer(_ item: T) {
        let itemKey = key(item)
        if items.count == limit {
            guard let last = items.last, Self.isLarger(itemKey, last.key) else { return }
            items.removeLast()
        }
        let position = items.firstIndex { Self.isLarger(itemKey, $0.key) } ?? items.count
        items.insert((itemKey, item), at: position)
    }

    func sorted() -> [T] { items.map(\.item) }
}
