import Testing
@testable import ClaudeTrace

@Suite("ClaudeMonitor cost")
struct MonitorCostTests {
    static let hour: UInt64 = 3_600_000_000_000
    static let day: UInt64 = 24 * hour

    @Test("costs add up per model, feature and user, as integers that never drift")
    func totals() {
        let monitor = makeMonitor()
        // 0.1 summed 100,000 times as a Double is 10000.000000018848; as nanodollars it is exact.
        for index in 0..<100_000 {
            monitor.onEnd(claudeSpan(
                model: index % 2 == 0 ? "claude-sonnet-4-6" : "claude-haiku-4-5", user: "u-\(index % 4)",
                feature: index % 10 == 0 ? "search" : "summarize", costUSD: 0.1))
        }
        let cost = monitor.snapshot().cost
        #expect(cost.totalUSD == 10_000)
        #expect(cost.todayUSD == 10_000)
        #expect(cost.pricedCalls == 100_000)
        #expect(cost.byModel.map(\.costUSD) == [5_000, 5_000])
        #expect(cost.byFeature.map(\.name) == ["summarize", "search"])
        #expect(cost.byFeature.map(\.costUSD) == [9_000, 1_000])
        #expect(cost.byUserToday.count == 4 && cost.byUserToday.allSatisfy { $0.costUSD == 2_500 })
        #expect(cost.perRequest?.p50USD ?? 0 > 0.099 && cost.perRequest?.maxUSD == 0.1)
    }

    @Test("a span with an unknown price is counted apart and never as a zero cost")
    func unknownPrice() {
        let monitor = makeMonitor()
        monitor.onEnd(claudeSpan(model: "claude-known", costUSD: 0.5))
        monitor.onEnd(claudeSpan(model: "claude-mythos-5-2", costUSD: nil, priceUnknown: true))
        let cost = monitor.snapshot().cost
        #expect(cost.totalUSD == 0.5)
        #expect(cost.pricedCalls == 1 && cost.unknownPriceCalls == 1 && cost.unpricedCalls == 0)
        #expect(cost.perRequest?.count == 1 && cost.perRequest?.p50USD ?? 0 > 0.49)
        let unknown = cost.byModel.first { $0.name == "claude-mythos-5-2" }
        #expect(unknown?.costUSD == 0 && unknown?.unpricedCalls == 1 && unknown?.calls == 1)
        #expect(cost.byDay.first?.unpricedCalls == 1)
    }

    @Test("a hand-made span without a cost is priced by the pricing closure, else by the standard table, or counted as unpriced")
    func pricingClosure() {
        let priced = makeMonitor(pricing: { span in
            span.attributes["gen_ai.request.model"]?.stringValue == "claude-haiku-4-5" ? 0.002 : nil
        })
        priced.onEnd(claudeSpan(model: "claude-haiku-4-5", costUSD: nil))
        priced.onEnd(claudeSpan(model: "my-model", costUSD: nil))
        let cost = priced.snapshot().cost
        #expect(cost.totalUSD == 0.002 && cost.pricedCalls == 1 && cost.unpricedCalls == 1)

        // Without a closure the standard table prices the tokens: 1,000 in at $3 and 200 out at
        // $15 per million; a model the table lacks stays unpriced, never $0.
        let standard = makeMonitor()
        standard.onEnd(claudeSpan(model: "claude-sonnet-4-6", costUSD: nil))
        standard.onEnd(claudeSpan(model: "my-model", costUSD: nil))
        #expect(standard.snapshot().cost.unpricedCalls == 1)
        #expect(standard.snapshot().cost.totalUSD == 0.006)
    }

    @Test("the exact picodollar cost is preferred over the double")
    func picodollars() {
        let monitor = makeMonitor()
        monitor.onEnd(claudeSpan(costUSD: 0.3, extra: ["claude.cost.picodollars": .int(123_456_789)]))
        #expect(monitor.snapshot().cost.totalUSD == 0.000123457)
    }

    @Test("a call blocked by a budget costs nothing and is not counted as unpriced")
    func blockedCallCostsNothing() {
        let monitor = makeMonitor()
        monitor.onEnd(claudeSpan(costUSD: nil, errorCategory: "budget_exceeded", statusCode: nil))
        let snapshot = monitor.snapshot()
        #expect(snapshot.cost.unpricedCalls == 0 && snapshot.cost.unknownPriceCalls == 0 && snapshot.cost.pricedCalls == 0)
        #expect(snapshot.calls.blockedByBudget == 1 && snapshot.calls.failed == 1)
    }

    @Test("today's total restarts at UTC midnight while the by-day series keeps yesterday")
    func dayRollOver() {
        let clock = TestClock(TestClock.midnight + Self.day - 1_000_000_000)  // 2026-11-10T23:59:59Z
        let monitor = makeMonitor(clock: clock)
        monitor.onEnd(claudeSpan(user: "night-owl", costUSD: 1))
        #expect(monitor.snapshot().day == "2026-11-10")
        clock.advance(seconds: 1)  // 2026-11-11T00:00:00Z
        monitor.onEnd(claudeSpan(user: "early-bird", costUSD: 2))
        let snapshot = monitor.snapshot()
        #expect(snapshot.day == "2026-11-11")
        #expect(snapshot.cost.todayUSD == 2 && snapshot.cost.totalUSD == 3)
        #expect(snapshot.cost.byDay.map(\.start) == ["2026-11-10", "2026-11-11"])
        #expect(snapshot.cost.byDay.map(\.costUSD) == [1, 2])
        #expect(snapshot.cost.byUserToday.map(\.name) == ["early-bird"])
        #expect(snapshot.usage.uniqueUsersToday == 1)
        #expect(snapshot.cost.topUsersAllTime.map(\.userID) == ["early-bird", "night-owl"])
    }

    @Test("the by-hour series rolls at each UTC hour and keeps the last 48 hours")
    func hourSeries() {
        let clock = TestClock(TestClock.midnight)
        let monitor = makeMonitor(clock: clock)
        for hour in 0..<50 {
            clock.set(TestClock.midnight + UInt64(hour) * Self.hour + 59 * 60_000_000_000)
            monitor.onEnd(claudeSpan(costUSD: Double(hour)))
        }
        let byHour = monitor.snapshot().cost.byHour
        #expect(byHour.count == 48)
        #expect(byHour.first?.start == "2026-11-10T02:00:00Z" && byHour.first?.costUSD == 2)
        #expect(byHour.last?.start == "2026-11-12T01:00:00Z" && byHour.last?.costUSD == 49)
    }

    @Test("the by-day series keeps the last 90 days")
    func dayHorizon() {
        let clock = TestClock(TestClock.midnight)
        let monitor = makeMonitor(clock: clock)
        for day in 0..<100 {
            clock.set(TestClock.midnight + UInt64(day) * Self.day)
            monitor.onEnd(claudeSpan(costUSD: 1))
        }
        let snapshot = monitor.snapshot()
        #expect(snapshot.cost.byDay.count == 90)
        #expect(snapshot.cost.byDay.first?.start == "2026-11-20")
        #expect(snapshot.cost.totalUSD == 100)
    }
}
