import Testing
@testable import ClaudeTrace

@Suite("ClaudeMonitor usage and feedback")
struct MonitorUsageTests {
    @Test("users today, calls by user and anonymous calls are counted, and restart at midnight")
    func usersToday() {
        let clock = TestClock(TestClock.midnight + 86_399_000_000_000)
        let monitor = makeMonitor(clock: clock)
        for user in ["a", "b", "b", "c", "c", "c"] { monitor.onEnd(claudeSpan(user: user)) }
        monitor.onEnd(claudeSpan(user: nil))
        var usage = monitor.snapshot().usage
        #expect(usage.uniqueUsersToday == 3 && usage.anonymousCallsToday == 1 && !usage.usersTodayAtCapacity)
        #expect(usage.callsByUserToday.map(\.name) == ["c", "b", "a"])
        #expect(usage.callsByUserToday.map(\.count) == [3, 2, 1])
        clock.advance(seconds: 1)
        monitor.onEnd(claudeSpan(user: "d"))
        usage = monitor.snapshot().usage
        #expect(usage.uniqueUsersToday == 1 && usage.anonymousCallsToday == 0)
        #expect(usage.topUsersByCallsAllTime.map(\.userID) == ["c", "b", "a", "d"] || usage.topUsersByCallsAllTime.first?.userID == "c")
        #expect(usage.topUsersByCallsAllTime.first { $0.userID == "c" }?.calls == 3)
    }

    @Test("top features and calls by UTC hour of day")
    func featuresAndHours() {
        let clock = TestClock(TestClock.midnight + 9 * 3_600_000_000_000)
        let monitor = makeMonitor(clock: clock)
        for _ in 0..<3 { monitor.onEnd(claudeSpan(feature: "search")) }
        clock.advance(seconds: 3_600)
        monitor.onEnd(claudeSpan(feature: "summarize"))
        monitor.onEnd(claudeSpan(feature: nil))
        let usage = monitor.snapshot().usage
        #expect(usage.byFeature.map(\.feature) == ["search", "(none)", "summarize"])
        #expect(usage.callsByHourOfDay[9] == 3 && usage.callsByHourOfDay[10] == 2 && usage.callsByHourOfDay.reduce(0, +) == 5)
    }

    @Test("feedback gives an acceptance rate per feature")
    func acceptanceRate() {
        let monitor = makeMonitor()
        let actions: [FeedbackAction] = [.accept, .accept, .accept, .reject, .edit, .retry]
        for (index, _) in actions.enumerated() {
            monitor.onEnd(claudeSpan(feature: index < 4 ? "reply" : "draft", requestID: "r-\(index)"))
        }
        for (index, action) in actions.enumerated() { #expect(monitor.recordFeedback(requestID: "r-\(index)", action: action)) }
        let usage = monitor.snapshot().usage
        let reply = usage.byFeature.first { $0.feature == "reply" }?.feedback
        let draft = usage.byFeature.first { $0.feature == "draft" }?.feedback
        #expect(reply?.acceptanceRate == 0.75 && reply?.reject == 1)
        #expect(draft?.acceptanceRate == 0 && draft?.edit == 1 && draft?.retry == 1)
        #expect(usage.feedback.total == 6 && usage.feedback.acceptanceRate == 0.5)
    }

    @Test("a feedback span links to the span of the call it is about")
    func feedbackLink() async throws {
        let monitor = makeMonitor()
        let exporter = InMemorySpanExporter()
        let provider = TracerProvider(processors: [SimpleSpanProcessor(exporter: exporter), monitor])
        let tracer = provider.tracer("test")
        let call = tracer.startSpan("chat claude-sonnet-4-6", kind: .client, attributes: [
            "gen_ai.operation.name": "chat", "gen_ai.provider.name": "anthropic",
            "gen_ai.request.model": "claude-sonnet-4-6", "claude.request_id": "req-linked",
            "claude.feature": "reply", "claude.cost.usd": 0.01,
        ])
        call.end()
        let linked = withTracerProvider(provider) {
            monitor.recordFeedback(requestID: "req-linked", action: .accept)
        }
        #expect(linked)
        await provider.forceFlush()
        let feedback = try #require(exporter.exportedSpans.first { $0.name == "claude.feedback" })
        #expect(feedback.links.map(\.context.spanID) == [call.context.spanID])
        #expect(feedback.links.first?.context.traceID == call.context.traceID)
        #expect(feedback.attributes["claude.feedback.action"] == "accept")
        #expect(feedback.attributes["claude.request_id"] == "req-linked")
        #expect(feedback.attributes["claude.feature"] == "reply")
        // The feedback span is not a Claude call: the monitor does not count it.
        #expect(monitor.snapshot().calls.total == 1)
        await provider.shutdown()
    }

    @Test("feedback for a call the monitor does not remember is counted, unlinked, under (unknown)")
    func unmatchedFeedback() {
        let monitor = makeMonitor(limits: MonitorLimits(recentRequests: 2))
        for index in 0..<3 { monitor.onEnd(claudeSpan(feature: "reply", requestID: "r-\(index)")) }
        #expect(!monitor.recordFeedback(requestID: "r-0", action: .reject))  // pushed out by r-2
        #expect(monitor.recordFeedback(requestID: "r-2", action: .accept))
        #expect(!monitor.recordFeedback(requestID: "never-seen", action: .accept))
        let usage = monitor.snapshot().usage
        #expect(usage.feedbackUnmatched == 2)
        #expect(usage.byFeature.first { $0.feature == "(unknown)" }?.feedback.total == 2)
        #expect(usage.byFeature.first { $0.feature == "reply" }?.feedback.accept == 1)
    }

    @Test("the cost of a recent call can be looked up by its request id")
    func costOfRequest() {
        let monitor = makeMonitor()
        monitor.onEnd(claudeSpan(costUSD: 0.042, requestID: "r-cost"))
        monitor.onEnd(claudeSpan(costUSD: nil, priceUnknown: true, requestID: "r-unknown"))
        #expect(monitor.cost(ofRequest: "r-cost") == 0.042)
        #expect(monitor.cost(ofRequest: "r-unknown") == nil)
        #expect(monitor.cost(ofRequest: "r-missing") == nil)
    }

    @Test("users, features and models beyond their bounds share one (other) entry")
    func bounds() {
        let monitor = makeMonitor(limits: MonitorLimits(maxUsersPerDay: 100, topUsersCapacity: 10, maxFeatures: 5, maxModels: 3))
        for index in 0..<1_000 {
            monitor.onEnd(claudeSpan(model: "m-\(index % 7)", user: "u-\(index)", feature: "f-\(index % 9)", costUSD: index == 999 ? 50 : 0.01))
        }
        let snapshot = monitor.snapshot()
        #expect(snapshot.usage.uniqueUsersToday == 100 && snapshot.usage.usersTodayAtCapacity)
        #expect(snapshot.health.callsBeyondUserCapacity == 900)
        #expect(snapshot.cost.byModel.count == 4 && snapshot.cost.byModel.contains { $0.name == "(other)" })
        #expect(snapshot.usage.byFeature.count == 6)
        #expect(snapshot.health.callsBeyondModelCapacity > 0 && snapshot.health.callsBeyondFeatureCapacity > 0)
        #expect(snapshot.cost.totalUSD == 59.99)
        #expect(snapshot.cost.topUsersAllTime.count <= 10)
    }

    @Test("the all-time top users keep the heavy users across days, within the stated error")
    func heavyHitters() {
        let clock = TestClock()
        let monitor = makeMonitor(clock: clock, limits: MonitorLimits(topUsersCapacity: 20))
        for day in 0..<3 {
            clock.set(TestClock.midnight + UInt64(day) * 86_400_000_000_000)
            for index in 0..<500 { monitor.onEnd(claudeSpan(user: "tail-\(day)-\(index)", costUSD: 0.01)) }
            for _ in 0..<50 { monitor.onEnd(claudeSpan(user: "whale", costUSD: 1)) }
        }
        let top = monitor.snapshot().cost.topUsersAllTime
        #expect(top.first?.userID == "whale")
        let whale = top.first!
        #expect(whale.costUSD >= 150 && whale.costUSD - whale.maxOverestimateUSD <= 150)
        #expect(whale.maxOverestimateUSD <= 165.0 / 20)
    }
}
