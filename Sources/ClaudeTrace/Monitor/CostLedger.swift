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
}
