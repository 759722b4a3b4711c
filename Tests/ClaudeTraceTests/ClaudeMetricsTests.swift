import Foundation
import Testing
@testable import ClaudeTrace

@Suite("Claude call metrics")
struct ClaudeMetricsTests {
    typealias Key = ClaudeAttributeKey

    private func points(_ batch: MetricBatch, _ name: String) -> [HistogramPoint] {
        guard case .histogram(let points)? = batch.metrics.first(where: { $0.name == name })?.points else { return [] }
        return points
    }

    private func sums(_ batch: MetricBatch, _ name: String) -> [SumPoint] {
        guard case .sum(let points)? = batch.metrics.first(where: { $0.name == name })?.points else { return [] }
        return points
    }

    @Test("a call records its tokens, duration and cost, equal to its span's attributes")
    func plainCall() async throws {
        let (provider, exporter) = makeProvider()
        let meters = MeterProvider()
        let simulator = instantSimulator()
        try await withTracerProvider(provider) {
            try await withMeterProvider(meters) {
                let client = makeClient(simulator)
                _ = try await client.createMessage(simpleRequest(model: "claude-sonnet-4-6"), attribution: .init(userID: "u-1", feature: "summary"))
                _ = try await client.createMessage(simpleRequest(model: "claude-sonnet-4-6"), attribution: .init(userID: "u-2", feature: "summary"))
            }
        }
        let spans = await finishedSpans(provider, exporter)
        let batch = meters.collect()
        let tokens = points(batch, ClaudeMetrics.Name.tokenUsage)
        let input = tokens.first { $0.attributes[ClaudeMetrics.tokenTypeKey] == "input" }
        let output = tokens.first { $0.attributes[ClaudeMetrics.tokenTypeKey] == "output" }
        func total(_ key: String) -> Int64 { spans.reduce(0) { if case .int(let v)? = $1.attributes[key] { $0 + v } else { $0 } } }
        #expect(input?.count == 2 && input?.sum == Double(total(Key.inputTokens)))
        #expect(output?.sum == Double(total(Key.outputTokens)))
        #expect(input?.bucketCounts.reduce(0, +) == input?.count)
        #expect(input?.explicitBounds == ClaudeMetrics.tokenBoundaries)
        let cost = sums(batch, ClaudeMetrics.Name.cost).first
        #expect(cost?.value == .double(Double(total(Key.costPicodollars)) * 1e-12))
        let duration = points(batch, ClaudeMetrics.Name.operationDuration).first
        #expect(duration?.count == 2)
        #expect(duration?.explicitBounds.first == 0.01 && duration?.explicitBounds.last == 81.92)
        let attributes = try #require(input?.attributes)
        #expect(attributes[Key.operationName] == "chat" && attributes[Key.providerName] == "anthropic")
        #expect(attributes[Key.requestModel] == "claude-sonnet-4-6" && attributes[Key.responseModel] == "claude-sonnet-4-6")
        #expect(attributes[Key.serverAddress] != nil && attributes[Key.serverPort] != nil)
        #expect(attributes[Key.feature] == "summary")
        #expect(attributes[Key.userID] == nil, "user ids stay off metrics unless the client opts in")
        #expect(points(batch, ClaudeMetrics.Name.timeToFirstChunk).isEmpty, "plain calls have no time to first chunk")
    }

    @Test("a streamed call records its time to first chunk")
    func streamedCall() async throws {
        let meters = MeterProvider()
        try await withMeterProvider(meters) {
            _ = try await makeClient(instantSimulator()).streamMessage(simpleRequest()).finalMessage()
        }
        let batch = meters.collect()
        #expect(points(batch, ClaudeMetrics.Name.timeToFirstChunk).first?.count == 1)
        #expect(points(batch, ClaudeMetrics.Name.tokenUsage).count == 2)
    }

    @Test("a failed call counts an error by error.type and records its duration with error.type")
    func failedCall() async throws {
        let meters = MeterProvider()
        let simulator = instantSimulator()
        simulator.script(.overloaded)
        await withMeterProvider(meters) {
            _ = try? await makeClient(simulator, retryPolicy: .none).createMessage(simpleRequest())
        }
        let batch = meters.collect()
        let errors = sums(batch, ClaudeMetrics.Name.errors)
        #expect(errors.count == 1 && errors.first?.value == .int(1))
        #expect(errors.first?.attributes[Key.errorType] == "overloaded_error")
        #expect(points(batch, ClaudeMetrics.Name.operationDuration).first?.attributes[Key.errorType] == "overloaded_error")
    }

    @Test("with the opt-in, user ids become a metric attribute, bounded by the cardinality limit")
    func userIDOptIn() async throws {
        let meters = MeterProvider(cardinalityLimit: 3)
        var configuration = makeClient(instantSimulator()).configuration
        configuration.recordsUserIDInMetrics = true
        let client = ClaudeClient(configuration: configuration, transport: makeClient(instantSimulator()).transport)
        try await withMeterProvider(meters) {
            for user in 0..<5 { _ = try await client.createMessage(simpleRequest(), attribution: .init(userID: "u\(user)")) }
        }
        let duration = points(meters.collect(), ClaudeMetrics.Name.operationDuration)
        #expect(duration.count == 3)
        #expect(duration.filter { $0.attributes[Key.userID] != nil }.count == 2)
        #expect(duration.first { $0.attributes["otel.metric.overflow"] == .bool(true) }?.count == 3)
    }

    @Test("recordCall records a call made outside the client, as the client records its own")
    func recordCall() {
        let meters = MeterProvider()
        let metrics = ClaudeMetrics(provider: meters)
        metrics.recordCall(
            requestModel: "claude-haiku-4-5", usage: ClaudeUsage(inputTokens: 10, outputTokens: 5, cacheReadInputTokens: 90),
            cost: ClaudeCost(picodollars: 1_000_000), durationSeconds: 0.3)
        metrics.recordCall(requestModel: "claude-haiku-4-5", errorType: "timeout", durationSeconds: 2)
        let batch = meters.collect()
        let input = points(batch, ClaudeMetrics.Name.tokenUsage).first { $0.attributes[ClaudeMetrics.tokenTypeKey] == "input" }
        #expect(input?.sum == 100, "input counts the cached tokens too")
        #expect(sums(batch, ClaudeMetrics.Name.cacheTokenUsage).first?.value == .int(90))
        #expect(sums(batch, ClaudeMetrics.Name.errors).first?.attributes[Key.errorType] == "timeout")
        #expect(points(batch, ClaudeMetrics.Name.operationDuration).map(\.count).reduce(0, +) == 2)
        #expect(sums(batch, ClaudeMetrics.Name.cost).first?.value == .double(1e-6))
    }

    @Test("the monitor counts the alerts it fires and the feedback it is given, by rule and by action")
    func monitorCounters() async throws {
        let meters = MeterProvider()
        let monitor = ClaudeMonitor(MonitorConfiguration(
            alertRules: [.highCostRequest(aboveUSD: 0.1, cooldown: .zero)], metrics: ClaudeMetrics(provider: meters)))
        monitor.onEnd(claudeSpan(feature: "reply", costUSD: 0.5, requestID: "r-1"))
        monitor.onEnd(claudeSpan(feature: "reply", costUSD: 0.5, requestID: "r-2"))
        monitor.onEnd(claudeSpan(feature: "reply", costUSD: 0.01, requestID: "r-3"))
        #expect(monitor.recordFeedback(requestID: "r-1", action: .accept))
        #expect(monitor.recordFeedback(requestID: "r-2", action: .accept))
        #expect(monitor.recordFeedback(requestID: "r-3", action: .reject))
        #expect(!monitor.recordFeedback(requestID: "never-seen", action: .reject))
        await monitor.forceFlush()
        let batch = meters.collect()
        let alerts = sums(batch, ClaudeMetrics.Name.alerts)
        #expect(alerts.count == 1 && alerts.first?.value == .int(2))
        #expect(alerts.first?.attributes["claude.alert.rule"] == "high-cost-request")
        #expect(alerts.first?.attributes["claude.alert.severity"] == "warning")
        let feedback = sums(batch, ClaudeMetrics.Name.feedback)
        func count(_ action: String, feature: String?) -> MetricNumber? {
            feedback.first { $0.attributes["claude.feedback.action"] == .string(action) && $0.attributes[Key.feature] == feature.map { .string($0) } }?.value
        }
        #expect(count("accept", feature: "reply") == .int(2))
        #expect(count("reject", feature: "reply") == .int(1))
        #expect(count("reject", feature: nil) == .int(1), "feedback for an unknown call has no feature")
        await monitor.shutdown()
    }
}
