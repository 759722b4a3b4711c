import Foundation
import Testing
@testable import ClaudeTrace

@Suite("ClaudeMonitor snapshot and dashboard")
struct MonitorSnapshotTests {
    func busyMonitor() -> ClaudeMonitor {
        let monitor = makeMonitor(
            budget: BudgetConfiguration(dailyLimitUSD: 100, perUserDailyLimitUSD: 5, perRequestWarningUSD: 0.5),
            alertRules: [.highCostRequest(aboveUSD: 0.9)])
        for index in 0..<200 {
            monitor.onEnd(claudeSpan(
                model: index % 3 == 0 ? "claude-haiku-4-5" : "claude-sonnet-4-6", user: "u-\(index % 7)",
                feature: ["search", "reply", "draft"][index % 3], costUSD: index == 50 ? 1.5 : 0.01 * Double(index % 5 + 1),
                cacheReadTokens: 100, duration: 0.2 + Double(index % 10) / 10, ttft: index % 2 == 0 ? 0.15 : nil,
                errorCategory: index % 25 == 0 ? "overloaded" : nil, retries: index % 25 == 0 ? 2 : 0,
                requestID: "r-\(index)"))
        }
        monitor.recordFeedback(requestID: "r-1", action: .accept)
        return monitor
    }

    @Test("a snapshot survives a JSON round trip with stable keys")
    func codable() throws {
        let snapshot = busyMonitor().snapshot()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(snapshot)
        let decoded = try JSONDecoder().decode(MonitorSnapshot.self, from: data)
        #expect(decoded == snapshot)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(object.keys) == [
            "takenAt", "takenAtUnixNanoseconds", "day", "calls", "cost", "budget", "latency", "errors", "tokens",
            "usage", "alerts", "health",
        ])
        let usage = try #require(object["usage"] as? [String: Any])
        let feature = try #require((usage["byFeature"] as? [[String: Any]])?.first { $0["feature"] as? String == "reply" })
        #expect((feature["feedback"] as? [String: Any])?["acceptanceRate"] as? Double == 1)
    }

    @Test("the dashboard renders every section in readable text")
    func dashboard() {
        let text = busyMonitor().dashboard()
        for expected in [
            "Claude monitor", "calls", "200 total", "errors", "overloaded 8", "retries", "latency", "claude-sonnet-4-6",
            "claude-haiku-4-5", "cost", "by model", "by feature", "by user (today)", "by day  2026-11-10", "budget",
            "usage", "top features", "tokens", "alerts",
        ] {
            #expect(text.contains(expected), "missing \(expected)")
        }
        #expect(!text.split(separator: "\n").contains { $0.hasSuffix(" ") })
        #expect(MonitorSnapshot.emptyDashboardWorks)
    }

    @Test("the monitor stays exact when spans end on many tasks at once")
    func concurrentSpans() async {
        let monitor = makeMonitor()
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for index in 0..<2_000 {
                        monitor.onEnd(claudeSpan(user: "u-\(task)", feature: "f-\(index % 3)", costUSD: 0.001))
                    }
                }
            }
        }
        let snapshot = monitor.snapshot()
        #expect(snapshot.calls.total == 16_000)
        #expect(snapshot.cost.totalUSD == 16)
        #expect(snapshot.usage.uniqueUsersToday == 8)
        #expect(snapshot.latency.duration?.count == 16_000)
    }

    @Test("memory stays bounded: tables, series and sketches do not grow past their limits")
    func boundedMemory() {
        let clock = TestClock(TestClock.midnight)
        let limits = MonitorLimits(maxUsersPerDay: 500, topUsersCapacity: 50, maxFeatures: 20, maxModels: 4, recentRequests: 100)
        let monitor = makeMonitor(clock: clock, limits: limits)
        for index in 0..<20_000 {
            if index.isMultiple(of: 1_000) { clock.advance(seconds: 3_600 * 7) }
            monitor.onEnd(claudeSpan(
                model: "m-\(index % 9)", user: "user-\(index)", feature: "f-\(index % 77)", duration: Double(index % 1_000) / 100 + 0.01,
                requestID: "r-\(index)"))
        }
        let snapshot = monitor.snapshot()
        #expect(snapshot.usage.uniqueUsersToday <= 500)
        #expect(snapshot.cost.topUsersAllTime.count <= 50)
        #expect(snapshot.usage.byFeature.count <= 21 && snapshot.cost.byModel.count <= 5)
        #expect(snapshot.cost.byHour.count <= 48 && snapshot.cost.byDay.count <= 90)
        #expect(snapshot.errors.perMinute.count <= 60)
        #expect(snapshot.health.recentRequestsRemembered == 100)
        #expect(monitor.latencySketch().bucketCount <= 2_048)
        let state = monitor.core.state.withLock { ($0.usage.usersToday.keyCount, $0.usage.features.keyCount, $0.models.table.keyCount) }
        #expect(state.0 <= 500 && state.1 <= 20 && state.2 <= 4)
    }
}

extension MonitorSnapshot {
    /// A monitor that saw nothing still renders.
    static var emptyDashboardWorks: Bool {
        ClaudeMonitor(MonitorConfiguration(clock: { TestClock.midnight })).dashboard().contains("0 total")
    }
}
