/// Money: totals as integer nanodollars (no drift over millions of calls), the per-call cost
/// distribution, and the by-hour and by-day series. By-model, by-feature and by-user costs live
/// with the other statistics of those keys (``ModelStats``, ``FeatureStats``, ``UsageStats``).
///
/// A call with an unknown price is counted in ``unknownPriceCalls`` (or ``unpricedCalls``) and
/// never added as 0; a call blocked by a budget was never sent and costs exactly 0.
struct CostLedger: Sendable {
    var totalNanos: Int64 = 0
    var todayNanos: Int64 = 0
    var pricedCalls = 0
    var unknownPriceCalls = 0
    var unpricedCalls = 0
    /// Per-call cost in USD (priced calls).
    var perRequest = QuantileSketch(minIndexableValue: 1e-12)
    /// The last ``MonitorLimits/hourHorizon`` UTC hours.
    var hours: TimeRing
    /// The last ``MonitorLimits/dayHorizon`` UTC days.
    var days: TimeRing

    init(limits: MonitorLimits) {
        hours = TimeRing(horizon: limits.hourHorizon)
        days = TimeRing(horizon: limits.dayHorizon)
    }

    /// Counts one call's price in the totals and the series.
    @inline(__always)
    mutating func record(_ price: CallPrice, failed: Bool, hour: Int64, day: Int64) {
        var nanos: Int64 = 0
        switch price {
        case .priced(let cost):
            nanos = cost
            totalNanos &+= cost
            todayNanos &+= cost
            pricedCalls += 1
            perRequest.add(Nanodollars.usd(cost))
        case .unknown: unknownPriceCalls += 1
        case .unpriced: unpricedCalls += 1
        case .free: break
        }
        let unpriced = price.isUnpriced
        let update = { (tally: inout PeriodTally) in
            tally.calls += 1
            if failed { tally.errors += 1 }
            tally.costNanos &+= nanos
            if unpriced { tally.unpricedCalls += 1 }
        }
        hours.update(hour, update)
        days.update(day, update)
    }

    /// A new UTC day: today's total starts at zero (the day series keeps the old day).
    mutating func rollOver() {
        todayNanos = 0
    }

    /// The snapshot's cost, with the by-key lists the other ledgers keep, as of `hour` and `day`.
    func summary(
        byModel: [MonitorSnapshot.NamedCost], byFeature: [MonitorSnapshot.NamedCost], byUserToday: [MonitorSnapshot.NamedCost], topUsersAllTime: [MonitorSnapshot.TopUserCost],
        hour: Int64, day: Int64
    ) -> MonitorSnapshot.Cost {
        MonitorSnapshot.Cost(
            totalUSD: Nanodollars.usd(totalNanos), todayUSD: Nanodollars.usd(todayNanos),
            pricedCalls: pricedCalls, unknownPriceCalls: unknownPriceCalls, unpricedCalls: unpricedCalls,
            perRequest: perRequest.count > 0 ? MonitorSnapshot.CostDistribution(
                count: perRequest.count, meanUSD: perRequest.mean ?? 0, p50USD: perRequest.quantile(0.5) ?? 0,
                p95USD: perRequest.quantile(0.95) ?? 0, p99USD: perRequest.quantile(0.99) ?? 0, maxUSD: perRequest.max ?? 0) : nil,
            byModel: byModel, byFeature: byFeature, byUserToday: byUserToday, topUsersAllTime: topUsersAllTime,
            byHour: hours.periods(endingAt: hour).map { Self.periodCost(UTCTime.hourString(hour: $0.period), $0.tally) },
            byDay: days.periods(endingAt: day).map { Self.periodCost(UTCTime.dateString(day: $0.period), $0.tally) })
    }

    private static func periodCost(_ start: String, _ tally: PeriodTally) -> MonitorSnapshot.PeriodCost {
        MonitorSnapshot.PeriodCost(start: start, costUSD: Nanodollars.usd(tally.costNanos), calls: tally.calls, errors: tally.errors, unpricedCalls: tally.unpricedCalls)
    }
}
