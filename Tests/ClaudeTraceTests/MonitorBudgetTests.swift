import Testing
@testable import ClaudeTrace

@Suite("ClaudeMonitor budgets")
struct MonitorBudgetTests {
    @Test("the daily limit blocks exactly when today's spend reaches it")
    func dailyLimitBlocksWhenReached() throws {
        let monitor = makeMonitor(budget: BudgetConfiguration(dailyLimitUSD: 1))
        for _ in 0..<3 { monitor.onEnd(claudeSpan(costUSD: 0.25)) }
        #expect(monitor.checkBudget(userID: "u-1").isAllowed)  // $0.75 spent
        monitor.onEnd(claudeSpan(costUSD: 0.249_999_999))
        #expect(monitor.checkBudget(userID: "u-1").isAllowed)  // one nanodollar below
        monitor.onEnd(claudeSpan(costUSD: 0.000_000_001))
        guard case .block(let error) = monitor.checkBudget(userID: "u-1") else {
            Issue.record("a call at the limit was admitted")
            return
        }
        #expect(error.limit == .daily && error.limitUSD == 1 && error.spentUSD == 1)
        #expect(error.message.hasPrefix("daily limit reached: spent $1.00 of $1.00 on "))
        #expect(error.description == "budget exceeded: " + error.message)
        #expect(throws: BudgetExceededError.self) { try monitor.enforceBudget(userID: "u-2") }
        #expect(monitor.snapshot().budget.blockedByDailyLimit == 2)
        #expect(monitor.snapshot().budget.remainingTodayUSD == 0)
    }

    @Test("the per-user limit blocks that user only")
    func perUserLimit() {
        let monitor = makeMonitor(budget: BudgetConfiguration(perUserDailyLimitUSD: 0.5))
        monitor.onEnd(claudeSpan(user: "heavy", costUSD: 0.5))
        monitor.onEnd(claudeSpan(user: "light", costUSD: 0.1))
        guard case .block(let error) = monitor.checkBudget(userID: "heavy") else {
            Issue.record("the heavy user was admitted")
            return
        }
        #expect(error.limit == .perUserDaily(userID: "heavy"))
        #expect(monitor.checkBudget(userID: "light").isAllowed)
        #expect(monitor.checkBudget(userID: "new").isAllowed)
        #expect(monitor.checkBudget(userID: nil).isAllowed)
        let budget = monitor.snapshot().budget
        #expect(budget.blockedByPerUserLimit == 1 && budget.usersAtLimit == 1)
    }

    @Test("budgets roll over at UTC midnight")
    func rollOver() {
        let clock = TestClock(TestClock.midnight + 86_399_000_000_000)  // 23:59:59
        let monitor = makeMonitor(clock: clock, budget: BudgetConfiguration(dailyLimitUSD: 1, perUserDailyLimitUSD: 1))
        monitor.onEnd(claudeSpan(user: "u-1", costUSD: 1))
        #expect(!monitor.checkBudget(userID: "u-1").isAllowed)
        clock.advance(seconds: 0.999)
        #expect(!monitor.checkBudget(userID: "u-1").isAllowed)
        clock.advance(seconds: 0.001)  // 00:00:00.000 the next day
        #expect(monitor.checkBudget(userID: "u-1").isAllowed)
        let budget = monitor.snapshot().budget
        #expect(budget.spentTodayUSD == 0 && budget.blockedByDailyLimit == 0)
    }

    @Test("concurrent callers racing for the last dollar overspend by at most the calls in flight")
    func concurrentOverspendIsBounded() async {
        let monitor = makeMonitor(budget: BudgetConfiguration(dailyLimitUSD: 10))
        monitor.onEnd(claudeSpan(costUSD: 9.5))
        let callers = 50
        let admitted = Locked(0)
        // Every caller asks before any call ends: the worst case, all of them in flight.
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<callers {
                group.addTask {
                    if monitor.checkBudget(userID: "u-\(index)").isAllowed { admitted.withLock { $0 += 1 } }
                }
            }
        }
        let inFlight = admitted.withLock { $0 }
        #expect(inFlight == callers)
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<inFlight {
                group.addTask { monitor.onEnd(claudeSpan(user: "u-\(index)", costUSD: 1)) }
            }
        }
        let spent = monitor.snapshot().cost.todayUSD
        #expect(spent == 9.5 + Double(inFlight))
        // The documented bound: overspend ≤ the sum of the costs of the calls in flight.
        #expect(spent - 10 <= Double(inFlight) * 1)
        #expect(!monitor.checkBudget(userID: "late").isAllowed)
    }

    @Test("with reserved estimates, concurrent callers never pass the limit")
    func reservationsPreventOverspend() async {
        let monitor = makeMonitor(budget: BudgetConfiguration(dailyLimitUSD: 10))
        monitor.onEnd(claudeSpan(costUSD: 7.5))
        let admitted = Locked<[String]>([])
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<50 {
                group.addTask {
                    let requestID = "race-\(index)"
                    if monitor.checkBudget(userID: "u", requestID: requestID, estimatedCostUSD: 1).isAllowed {
                        admitted.withLock { $0.append(requestID) }
                    }
                }
            }
        }
        let winners = admitted.withLock { $0 }
        #expect(winners.count == 2)  // $7.50 + 2 × $1 reserved = $9.50; a third would pass $10
        #expect(monitor.snapshot().budget.reservedUSD == 2)
        for requestID in winners { monitor.onEnd(claudeSpan(user: "u", costUSD: 0.8, requestID: requestID)) }
        let budget = monitor.snapshot().budget
        #expect(budget.reservedUSD == 0)  // released as the calls ended
        #expect(budget.spentTodayUSD == 9.1 && budget.spentTodayUSD <= 10)
    }

    @Test("the client seam blocks with the limit's name and warns above the per-request threshold")
    func clientSeam() {
        let monitor = makeMonitor(budget: BudgetConfiguration(dailyLimitUSD: 1, perRequestWarningUSD: 0.05))
        let info = ClaudeCallInfo(
            model: "claude-sonnet-4-6", attribution: ClaudeAttribution(userID: "u-1", feature: "chat"),
            requestID: "r-1", maxTokens: 100, isStreaming: false)
        #expect(monitor.admit(info) == .allow)
        #expect(monitor.warning(for: info, cost: ClaudeCost(picodollars: 60_000_000_000)) != nil)
        #expect(monitor.warning(for: info, cost: ClaudeCost(picodollars: 50_000_000_000)) == nil)
        monitor.onEnd(claudeSpan(costUSD: 1))
        guard case .block(let limit, let message) = monitor.admit(info) else {
            Issue.record("the call over budget was admitted")
            return
        }
        #expect(limit == "daily" && message.hasPrefix("daily limit reached"))
    }

    @Test("calls above the per-request warning threshold are counted")
    func perRequestWarnings() {
        let monitor = makeMonitor(budget: BudgetConfiguration(perRequestWarningUSD: 0.1))
        monitor.onEnd(claudeSpan(costUSD: 0.1))
        monitor.onEnd(claudeSpan(costUSD: 0.11))
        monitor.onEnd(claudeSpan(costUSD: 2))
        #expect(monitor.snapshot().budget.perRequestWarnings == 2)
        #expect(monitor.exceedsPerRequestWarning(costUSD: 0.2))
    }

    @Test("a blocked call's span is counted as a budget_exceeded failure")
    func blockedSpanCounted() {
        let monitor = makeMonitor()
        monitor.onEnd(claudeSpan(costUSD: nil, errorCategory: "budget_exceeded", statusCode: nil))
        let snapshot = monitor.snapshot()
        #expect(snapshot.errors.byCategory == [MonitorSnapshot.NamedCount(name: "budget_exceeded", count: 1)])
        #expect(snapshot.calls.blockedByBudget == 1)
    }
}
