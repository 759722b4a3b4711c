/// What the monitor counts per minute, hour and day.
struct PeriodTally: Sendable, Equatable {
    var calls = 0
    var errors = 0
    var costNanos: Int64 = 0
    /// Calls whose price is unknown or missing (never added to the cost as 0).
    var unpricedCalls = 0
}

/// Tallies for the last `horizon` periods (minutes, hours or days), in a fixed ring: period `p`
/// lives in slot `p % horizon`, which is reset when a newer period claims it. Memory is
/// `horizon` tallies whatever the traffic; periods older than the horizon are forgotten.
struct TimeRing: Sendable {
    let horizon: Int
    private var periods: [Int64]
    private var tallies: [PeriodTally]
    /// The last period updated and its slot: most updates hit the current period, and this
    /// spares them the division.
    private var lastPeriod: Int64 = .min
    private var lastSlot = 0

    init(horizon: Int) {
        self.horizon = max(1, horizon)
        periods = [Int64](repeating: .min, count: self.horizon)
        tallies = [PeriodTally](repeating: PeriodTally(), count: self.horizon)
    }

    /// Updates the tally of `period`. A period already pushed out of the ring by a newer one
    /// is ignored.
    @inline(__always)
    mutating func update(_ period: Int64, _ body: (inout PeriodTally) -> Void) {
        if period == lastPeriod {
            body(&tallies[lastSlot])
            return
        }
        let slot = Int(period.magnitude % UInt64(horizon))
        if periods[slot] != period {
            guard periods[slot] < period else { return }
            periods[slot] = period
            tallies[slot] = PeriodTally()
        }
        lastPeriod = period
        lastSlot = slot
        body(&tallies[slot])
    }

    /// The tally of `period`, empty when it is outside the ring.
    func tally(_ period: Int64) -> PeriodTally {
        let slot = Int(period.magnitude % UInt64(horizon))
        return periods[slot] == period ? tallies[slot] : PeriodTally()
    }

    /// The non-empty periods among the `horizon` ending at `current`, oldest first.
    func periods(endingAt current: Int64) -> [(period: Int64, tally: PeriodTally)] {
        var result: [(period: Int64, tally: PeriodTally)] = []
        for period in (current - Int64(horizon) + 1)...current {
            let tally = tally(period)
            if tally.calls > 0 || tally.costNanos != 0 { result.append((period, tally)) }
        }
        return result
    }
}
