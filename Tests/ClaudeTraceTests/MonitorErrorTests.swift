import Foundation
import Testing
@testable import ClaudeTrace

@Suite("ClaudeMonitor errors and latency")
struct MonitorErrorTests {
    static let minute: UInt64 = 60_000_000_000

    @Test("failures are counted by category and by model")
    func byCategoryAndModel() {
        let monitor = makeMonitor()
        monitor.onEnd(claudeSpan(model: "a", errorCategory: "rate_limit", statusCode: 429))
        monitor.onEnd(claudeSpan(model: "a", errorCategory: "rate_limit", statusCode: 429))
        monitor.onEnd(claudeSpan(model: "b", errorCategory: "overloaded", statusCode: 529))
        monitor.onEnd(claudeSpan(model: "b", errorCategory: "made_up", statusCode: 500))
        monitor.onEnd(claudeSpan(model: "b"))
        let errors = monitor.snapshot().errors
        #expect(errors.total == 4 && errors.rate == 0.8)
        #expect(errors.byCategory == [
            MonitorSnapshot.NamedCount(name: "rate_limit", count: 2), MonitorSnapshot.NamedCount(name: "overloaded", count: 1),
            MonitorSnapshot.NamedCount(name: "unknown", count: 1),
        ])
        #expect(errors.byModel.map(\.model) == ["a", "b"] || errors.byModel.map(\.model) == ["b", "a"])
        #expect(errors.byModel.first { $0.model == "b" }?.errors == 2)
        #expect(errors.byModel.first { $0.model == "b" }?.calls == 3)
    }

    @Test("calls fall in the UTC minute of the monitor's clock, window boundaries exactly")
    func minuteWindows() {
        let start = TestClock.midnight + 12 * 60 * Self.minute
        let clock = TestClock(start + Self.minute - 1)  // 12:00:59.999999999
        let monitor = makeMonitor(clock: clock)
        monitor.onEnd(claudeSpan(errorCategory: "timeout"))
        clock.advance(seconds: 1e-9)  // 12:01:00.000
        monitor.onEnd(claudeSpan())
        monitor.onEnd(claudeSpan())
        let snapshot = monitor.snapshot()
        let minutes = snapshot.errors.perMinute
        #expect(minutes.map(\.start) == ["2026-11-10T12:00:00Z", "2026-11-10T12:01:00Z"])
        #expect(minutes.map(\.errors) == [1, 0] && minutes.map(\.calls) == [1, 2])
        #expect(snapshot.errors.window(lastMinutes: 1, endingAt: clock.now) == (calls: 2, errors: 0))
        #expect(snapshot.errors.window(lastMinutes: 2, endingAt: clock.now) == (calls: 3, errors: 1))
    }

    @Test("the per-minute series keeps a fixed horizon of 60 minutes")
    func minuteHorizon() {
        let clock = TestClock(TestClock.midnight)
        let monitor = makeMonitor(clock: clock)
        for minute in 0..<90 {
            clock.set(TestClock.midnight + UInt64(minute) * Self.minute)
            monitor.onEnd(claudeSpan(errorCategory: minute.isMultiple(of: 2) ? "timeout" : nil))
        }
        let minutes = monitor.snapshot().errors.perMinute
        #expect(minutes.count == 60)
        #expect(minutes.first?.start == "2026-11-10T00:30:00Z")
    }

    @Test("retries per call and calls that failed after their retries are counted")
    func retries() {
        let monitor = makeMonitor()
        monitor.onEnd(claudeSpan(retries: 0))
        monitor.onEnd(claudeSpan(retries: 2))
        monitor.onEnd(claudeSpan(errorCategory: "overloaded", statusCode: 529, retries: 3))
        monitor.onEnd(claudeSpan(errorCategory: "rate_limit", statusCode: 429, retries: 0))
        monitor.onEnd(claudeSpan(errorCategory: "invalid_request", statusCode: 400, retries: 0))
        monitor.onEnd(claudeSpan(retries: 9))
        let retries = monitor.snapshot().errors.retries
        #expect(retries.totalRetries == 14 && retries.retriedCalls == 3)
        #expect(retries.perCall == [3, 0, 1, 1, 0, 1])
        #expect(retries.failedAfterRetries == 2)
    }

    @Test("latency and time to first token percentiles cover successful calls, overall and by model")
    func latencyPercentiles() throws {
        let monitor = makeMonitor()
        for index in 1...1_000 {
            monitor.onEnd(claudeSpan(model: index % 2 == 0 ? "even" : "odd", duration: Double(index) / 100, ttft: index % 4 == 0 ? 0.5 : nil))
        }
        monitor.onEnd(claudeSpan(model: "odd", duration: 500, errorCategory: "timeout", statusCode: nil))
        let latency = monitor.snapshot().latency
        let duration = try #require(latency.duration)
        #expect(duration.count == 1_000 && duration.max == 10)
        #expect(abs(duration.p50 - 5.0) / 5.0 <= 0.01)  // exact: the 500th of 0.01…10.00 is 5.00
        #expect(abs(duration.p99 - 9.9) / 9.9 <= 0.01)
        #expect(latency.timeToFirstToken?.count == 250)
        #expect(abs((latency.timeToFirstToken?.p95 ?? 0) - 0.5) / 0.5 <= 0.01)
        let odd = try #require(latency.byModel.first { $0.model == "odd" }?.duration)
        #expect(odd.count == 500 && odd.max == 9.99)
        #expect(latency.relativeAccuracy == 0.01)
    }

    @Test("any quantile can be asked for, within 1% of the exact value")
    func anyQuantile() {
        let monitor = makeMonitor()
        var generator = SeededRandom(seed: 11)
        var durations: [Double] = []
        for _ in 0..<5_000 {
            let duration = (exp(generator.normal() * 0.8) * 1_000_000).rounded() / 1_000_000 + 0.001
            durations.append(duration)
            monitor.onEnd(claudeSpan(duration: duration))
        }
        // The span stores nanoseconds; compare with what the monitor saw.
        let seen = durations.map { Double(UInt64($0 * 1e9)) / 1e9 }.sorted()
        for q in [0.1, 0.42, 0.9, 0.999] {
            let exact = seen[Int((q * Double(seen.count - 1)).rounded(.down))]
            let estimate = monitor.latencyQuantile(q) ?? 0
            #expect(abs(estimate - exact) / exact <= 0.01 + 1e-9, "q=\(q)")
        }
        #expect(monitor.latencyQuantile(0.5, model: "nobody") == nil)
    }

    @Test("the recent-latency window follows the clock")
    func recentWindow() {
        let clock = TestClock(TestClock.midnight)
        let monitor = makeMonitor(clock: clock)
        monitor.onEnd(claudeSpan(duration: 9))
        #expect(monitor.snapshot().latency.recent?.count == 1)
        clock.advance(seconds: 5 * 60)  // the next 5-minute window: the previous still counts
        monitor.onEnd(claudeSpan(duration: 1))
        #expect(monitor.snapshot().latency.recent?.count == 2)
        clock.advance(seconds: 10 * 60)
        #expect(monitor.snapshot().latency.recent == nil)
        #expect(monitor.snapshot().latency.duration?.count == 2)
    }
}
