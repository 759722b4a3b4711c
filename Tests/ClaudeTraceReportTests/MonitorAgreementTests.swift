import ClaudeTrace
import ClaudeTraceReport
import Foundation
import Testing

/// The live monitor and `claude-trace report` read the same spans: one as `SpanData` through
/// its processor, the other as the OTLP-JSON lines a file exporter wrote. Both must give the
/// same figures for every span, ours and other SDKs'.
@Suite("The monitor and the report agree")
struct MonitorAgreementTests {
    static func call(_ id: UInt64, status: SpanStatus = .unset, _ attributes: Attributes) -> SpanData {
        Fixture.span("chat", trace: 100 + id, id: id, offset: Double(id), duration: 0.5 + Double(id) / 10, kind: .client,
                     status: status, attributes: attributes)
    }

    /// Hand-made spans covering each rule of the one reading: every cost source, unknown and
    /// missing prices, failures with and without our category, budget blocks, retries, streams,
    /// provider case and counts stored as doubles, and spans that are not Claude calls.
    static func handMadeSpans() -> [SpanData] {
        let failed = SpanStatus.error(description: "failed")
        var ours = Fixture.claudeAttributes(
            input: 1_000, output: 200, costUSD: 0.3, user: "u-1", feature: "reply", requestID: "r-1")
        ours["claude.cost.picodollars"] = .int(123_456_789)  // the exact cost wins over the double
        ours["claude.retries"] = 1
        let doubles: Attributes = [
            "gen_ai.provider.name": "Anthropic", "gen_ai.operation.name": "chat",
            "gen_ai.request.model": "claude-haiku-4-5",
            "gen_ai.usage.input_tokens": .double(1_500), "gen_ai.usage.output_tokens": .double(300),
            "gen_ai.usage.cache_read.input_tokens": .double(500), "gen_ai.usage.cache_creation.input_tokens": .double(0),
            "user.id": "u-2", "claude.feature": "draft",
        ]
        var overloaded = Fixture.claudeAttributes(errorCategory: "overloaded", tokens: false)
        overloaded["claude.retries"] = 2
        return [
            call(1, ours),
            call(2, Fixture.claudeAttributes(
                model: "claude-haiku-4-5", input: 400, output: 90, costUSD: 0.00085, user: "u-1", feature: "reply",
                requestID: "r-2", timeToFirstChunk: 0.25)),
            call(3, Fixture.claudeAttributes(input: 1_000, output: 200, cacheRead: 300, cacheCreation: 100, user: "u-2", feature: "draft", requestID: "r-3")),
            call(4, doubles),
            call(5, Fixture.claudeAttributes(model: "claude-mythos-5-2", input: 10, output: 5, priceUnknown: true, feature: "reply")),
            call(6, Fixture.claudeAttributes(model: "claude-unreleased-9", input: 10, output: 5, user: "u-3")),
            call(7, status: failed, overloaded),
            call(8, status: failed, Fixture.claudeAttributes(errorType: "rate_limit_error", tokens: false)),
            call(9, status: failed, Fixture.claudeAttributes(errorType: "529", tokens: false)),
            call(10, status: failed, Fixture.claudeAttributes(user: "u-3", errorCategory: "budget_exceeded", tokens: false)),
            call(11, ["gen_ai.system": "anthropic", "gen_ai.request.model": "claude-haiku-4-5", "claude.cost.usd": 0.5]),
            call(12, Fixture.claudeAttributes(costUSD: 0.01, errorCategory: "not_a_category", tokens: false)),
            call(13, ["gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt", "claude.cost.usd": 5.0]),
            call(14, ["gen_ai.provider.name": "anthropic", "gen_ai.operation.name": "execute_tool", "claude.cost.usd": 5.0]),
            Fixture.span("handle-ticket", trace: 1, id: 15),
        ]
    }

    /// The spans the OpenTelemetry Python SDK wrote (``PythonFixtureTests``), decoded.
    static func pythonSpans() throws -> [SpanData] {
        var spans: [SpanData] = []
        _ = try TraceFileReader.forEachSpan(in: [PythonFixtureTests.tracesPath]) { spans.append($0) }
        return spans
    }

    @Test("on hand-made spans and on other SDKs' spans: calls, tokens, cost, unpriced, errors, retries, streams, feedback, and each model, user and feature")
    func sameFigures() async throws {
        let spans = try Self.handMadeSpans() + Self.pythonSpans()
        let monitor = ClaudeMonitor(MonitorConfiguration(alertLog: .lines { _ in }))
        let exporter = InMemorySpanExporter()
        let provider = TracerProvider(processors: [SimpleSpanProcessor(exporter: exporter), monitor])
        for span in spans { monitor.onEnd(span) }
        // Feedback as users give it: the monitor counts it and ends a `claude.feedback` span.
        withTracerProvider(provider) {
            monitor.recordFeedback(requestID: "r-1", action: .accept)
            monitor.recordFeedback(requestID: "r-2", action: .edit)
            monitor.recordFeedback(requestID: "r-3", action: .reject)
            monitor.recordFeedback(requestID: "never-seen", action: .accept)
        }
        await provider.forceFlush()
        let feedbackSpans = exporter.exportedSpans.filter { $0.name == "claude.feedback" }
        #expect(feedbackSpans.count == 4)

        let file = TemporaryFile()
        file.write(lines: spans.map { Fixture.line([$0]) } + [Fixture.line(feedbackSpans)])
        let report = try ClaudeCallReport.make(from: [file.path])
        let snapshot = monitor.snapshot()
        await provider.shutdown()

        #expect(report.calls == snapshot.calls.total)
        #expect(report.calls > 15)
        #expect(report.streamedCalls == snapshot.calls.streamed && report.streamedCalls > 0)
        #expect(report.blockedByBudget == snapshot.calls.blockedByBudget && report.blockedByBudget == 1)
        #expect(report.tokens.input == Int64(snapshot.tokens.input))
        #expect(report.tokens.output == Int64(snapshot.tokens.output))
        #expect(report.tokens.cacheRead == Int64(snapshot.tokens.cacheRead))
        #expect(report.tokens.cacheCreation == Int64(snapshot.tokens.cacheCreation))

        #expect(report.cost.totalUSD == snapshot.cost.totalUSD)
        #expect(report.unpricedCalls == snapshot.cost.unknownPriceCalls + snapshot.cost.unpricedCalls)
        #expect(report.unknownPriceCalls == snapshot.cost.unknownPriceCalls && report.unknownPriceCalls >= 1)
        #expect(report.unpricedCalls > report.unknownPriceCalls)

        #expect(report.errors == Dictionary(uniqueKeysWithValues: snapshot.errors.byCategory.map { ($0.name, $0.count) }))
        #expect(report.errors["rate_limit"] ?? 0 >= 1 && report.errors["overloaded"] ?? 0 >= 2 && report.errors["unknown"] ?? 0 >= 1)
        #expect(report.retries.total == snapshot.errors.retries.totalRetries && report.retries.total >= 3)
        #expect(report.retries.retriedCalls == snapshot.errors.retries.retriedCalls)
        #expect(report.retries.failedAfterRetries == snapshot.errors.retries.failedAfterRetries)

        let byModel = Dictionary(uniqueKeysWithValues: snapshot.cost.byModel.map { ($0.name, $0) })
        #expect(Set(report.callsByModel.keys) == Set(byModel.keys))
        for (model, calls) in report.callsByModel {
            #expect(calls == byModel[model]?.calls, "\(model)")
            #expect(report.cost.byModel[model] == byModel[model]?.costUSD, "\(model)")
            #expect(report.unpricedCallsByModel[model] ?? 0 == byModel[model]?.unpricedCalls, "\(model)")
        }
        // The monitor also lists `(unknown)`, the feature of feedback on a call it did not know,
        // with no calls and no cost.
        let byFeature = Dictionary(uniqueKeysWithValues: snapshot.cost.byFeature.filter { $0.calls > 0 }.map { ($0.name, $0) })
        #expect(Set(report.cost.byFeature.keys) == Set(byFeature.keys))
        for (feature, cost) in report.cost.byFeature {
            #expect(cost == byFeature[feature]?.costUSD, "\(feature)")
            #expect(report.topFeatures.first { $0.feature == feature }?.calls == byFeature[feature]?.calls, "\(feature)")
        }
        // Anonymous calls count apart in the monitor; the report lists them under (none).
        let byUser = Dictionary(uniqueKeysWithValues: snapshot.cost.byUserToday.map { ($0.name, $0.costUSD) })
        #expect(report.cost.byUser.filter { $0.key != "(none)" } == byUser)

        #expect(report.feedback == snapshot.usage.feedback && report.feedback.total == 4)
        for feature in snapshot.usage.byFeature where feature.feedback.total > 0 {
            #expect(report.topFeatures.first { $0.feature == feature.feature }?.feedback == feature.feedback, "\(feature.feature)")
        }
        for model in snapshot.latency.byModel {
            #expect(report.latency[model.model]?.count == model.duration?.count, "\(model.model)")
        }
    }

    @Test("a model without a price shows its cost as unknown, never as $0")
    func unknownModelCost() throws {
        let file = TemporaryFile()
        file.write(lines: [Fixture.line([
            Self.call(1, Fixture.claudeAttributes(model: "claude-unreleased-9", input: 10, output: 5)),
            Self.call(2, Fixture.claudeAttributes(model: "claude-mythos-5-2", input: 10, output: 5, priceUnknown: true)),
            Self.call(3, Fixture.claudeAttributes(input: 10, output: 5, costUSD: 0.000105)),
        ])])
        let text = try ClaudeCallReport.make(from: [file.path]).dashboard()
        let rows = text.split(separator: "\n").filter { $0.hasPrefix("claude-") }
        #expect(rows.count == 3)
        for row in rows where !row.hasPrefix("claude-sonnet-4-6") {
            #expect(row.contains("unknown") && !row.contains("$0.000000"), "\(row)")
        }
        #expect(text.contains("unpriced calls: 1 unknown price · 1 without a cost"))
    }
}
