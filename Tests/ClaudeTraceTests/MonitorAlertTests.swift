import Foundation
import Testing
@testable import ClaudeTrace

/// Collects delivered alert notifications.
final class AlertInbox: Sendable {
    private let alerts = Locked<[AlertNotification]>([])
    var all: [AlertNotification] { alerts.withLock { $0 } }
    var handler: @Sendable (AlertNotification) -> Void { { alert in self.alerts.withLock { $0.append(alert) } } }
}

@Suite("ClaudeMonitor alerts")
struct MonitorAlertTests {
    @Test("an error-rate rule fires once, stays quiet through its cooldown, then fires again")
    func cooldown() async {
        let clock = TestClock()
        let inbox = AlertInbox()
        let monitor = makeMonitor(
            clock: clock,
            alertRules: [.errorRate(above: 0.5, overLastMinutes: 5, minimumCalls: 4, cooldown: .seconds(600))],
            alertHandler: inbox.handler)
        for _ in 0..<4 { monitor.onEnd(claudeSpan(errorCategory: "overloaded", statusCode: 529)) }
        let first = monitor.evaluateAlerts()
        #expect(first.map(\.rule) == ["error-rate"])
        #expect(first.first?.severity == .critical)
        #expect(first.first?.message.contains("100%") == true)
        clock.advance(seconds: 599)
        for _ in 0..<4 { monitor.onEnd(claudeSpan(errorCategory: "overloaded", statusCode: 529)) }
        #expect(monitor.evaluateAlerts().isEmpty)
        clock.advance(seconds: 1)
        #expect(monitor.evaluateAlerts().map(\.rule) == ["error-rate"])
        await monitor.forceFlush()
        #expect(inbox.all.map(\.rule) == ["error-rate", "error-rate"])
        #expect(monitor.snapshot().alerts.fired == 2)
    }

    @Test("the error-rate window ends with the current minute and ignores older failures")
    func errorRateWindow() {
        let clock = TestClock()
        let monitor = makeMonitor(clock: clock, alertRules: [.errorRate(above: 0.2, overLastMinutes: 2, minimumCalls: 1)])
        monitor.onEnd(claudeSpan(errorCategory: "timeout"))
        clock.advance(seconds: 120)  // two minutes later: the failure is out of the 2-minute window
        monitor.onEnd(claudeSpan())
        #expect(monitor.evaluateAlerts().isEmpty)
    }

    @Test("the p95-latency, daily-spend and custom rules fire on the state they read")
    func builtInRules() {
        let monitor = makeMonitor(alertRules: [
            .p95Latency(above: 2, minimumCalls: 10),
            .dailySpend(aboveUSD: 5),
            AlertRule(name: "no-cache", severity: .warning) { snapshot in
                snapshot.tokens.cacheRead == 0 && snapshot.calls.total >= 10 ? "no cache reads in \(snapshot.calls.total) calls" : nil
            },
        ])
        for _ in 0..<9 { monitor.onEnd(claudeSpan(costUSD: 0.5, duration: 3)) }
        #expect(monitor.evaluateAlerts().isEmpty)
        monitor.onEnd(claudeSpan(costUSD: 0.6, duration: 3))
        let fired = monitor.evaluateAlerts()
        #expect(Set(fired.map(\.rule)) == ["p95-latency", "daily-spend", "no-cache"])
        #expect(fired.first { $0.rule == "daily-spend" }?.message.contains("$5.1") == true)
    }

    @Test("a single expensive call fires the high-cost rule as its span ends, with its request id")
    func highCostRequest() async {
        let clock = TestClock()
        let inbox = AlertInbox()
        let monitor = makeMonitor(
            clock: clock, alertRules: [.highCostRequest(aboveUSD: 1, cooldown: .seconds(60))], alertHandler: inbox.handler)
        monitor.onEnd(claudeSpan(costUSD: 0.9))
        monitor.onEnd(claudeSpan(costUSD: 3, requestID: "pricey"))
        monitor.onEnd(claudeSpan(costUSD: 4, requestID: "within-cooldown"))
        clock.advance(seconds: 60)
        monitor.onEnd(claudeSpan(costUSD: 5, requestID: "after-cooldown"))
        await monitor.forceFlush()
        #expect(inbox.all.map(\.requestID) == ["pricey", "after-cooldown"])
        #expect(inbox.all.first?.message.contains("$3.") == true)
    }

    @Test("rules are evaluated after spans without being asked, at most once per interval")
    func automaticEvaluation() async {
        let clock = TestClock()
        let inbox = AlertInbox()
        let monitor = makeMonitor(
            clock: clock, alertRules: [.errorRate(above: 0.1, minimumCalls: 1, cooldown: .zero)], alertHandler: inbox.handler)
        monitor.onEnd(claudeSpan(errorCategory: "timeout"))
        monitor.onEnd(claudeSpan(errorCategory: "timeout"))
        await monitor.forceFlush()
        #expect(inbox.all.count == 1)  // the second span came within the evaluation interval
        clock.advance(seconds: 1)
        monitor.onEnd(claudeSpan(errorCategory: "timeout"))
        await monitor.forceFlush()
        #expect(inbox.all.count == 2)
    }

    @Test("a slow alert handler does not slow the caller: notifications are delivered off its path")
    func offThePath() async {
        let monitor = makeMonitor(
            alertRules: [.highCostRequest(aboveUSD: 0, cooldown: .zero)],
            alertHandler: { _ in usleep(50_000) })
        let start = MonotonicClock.nanoseconds()
        for _ in 0..<20 { monitor.onEnd(claudeSpan(costUSD: 1)) }
        let elapsed = MonotonicClock.nanoseconds() - start
        #expect(elapsed < 500_000_000)  // 20 handlers take at least 1 s; the caller did not wait for them
        await monitor.forceFlush()
        #expect(monitor.snapshot().alerts.fired == 20)
    }

    @Test("each notification is also written as one line of valid JSON")
    func jsonLine() async throws {
        let lines = LineCollector()
        let monitor = ClaudeMonitor(MonitorConfiguration(
            alertRules: [.highCostRequest(aboveUSD: 1)], alertLog: lines.destination, clock: TestClock().function))
        monitor.onEnd(claudeSpan(feature: "quote \"this\"", costUSD: 2, requestID: "r-9"))
        await monitor.forceFlush()
        let line = try #require(lines.all.first)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["type"] as? String == "alert")
        #expect(object["rule"] as? String == "high-cost-request")
        #expect(object["severity"] as? String == "warning")
        #expect(object["requestId"] as? String == "r-9")
        #expect(object["firedAt"] as? String == "2026-11-10T12:00:00.000Z")
        #expect((object["message"] as? String)?.contains("quote \"this\"") == true)
    }
}
