import ClaudeTrace
import ClaudeTraceReport
import Foundation
import Testing

@Suite("Aggregating Claude calls")
struct ClaudeCallAggregatorTests {
    static func report(_ spans: [SpanData], pricing: ReportPricing = .standard, timeRange: ReportTimeRange = ReportTimeRange()) -> ClaudeCallReport {
        var aggregator = ClaudeCallAggregator(pricing: pricing, timeRange: timeRange)
        for span in spans { aggregator.add(span) }
        return aggregator.report()
    }

    static func call(id: UInt64, offset: Double = 0, duration: Double = 1, status: SpanStatus = .unset, _ attributes: Attributes) -> SpanData {
        Fixture.span("chat", id: id, offset: offset, duration: duration, kind: .client, status: status, attributes: attributes)
    }

    @Test("counts chat spans whose provider is anthropic, by the current or the older attribute")
    func whatCountsAsACall() {
        let report = Self.report([
            Self.call(id: 1, Fixture.claudeAttributes(costUSD: 0.01)),
            Self.call(id: 2, Fixture.claudeAttributes(costUSD: 0.01, legacySystem: true)),
            Self.call(id: 3, ["gen_ai.provider.name": "openai", "claude.cost.usd": 5.0]),
            Self.call(id: 4, ["gen_ai.provider.name": "anthropic", "gen_ai.operation.name": "execute_tool", "claude.cost.usd": 5.0]),
            Self.call(id: 5, ["gen_ai.system": "Anthropic", "gen_ai.request.model": "claude-sonnet-4-6"]),
            Fixture.span("handle-ticket", id: 6),
        ])
        #expect(report.calls == 3)
        #expect(report.cost.totalNanodollars == 20_000_000)
    }

    @Test("sums recorded costs exactly, in nanodollars")
    func exactSums() {
        let spans = (0..<1000).map { Self.call(id: UInt64($0 + 1), Fixture.claudeAttributes(costUSD: $0 % 2 == 0 ? 0.1 : 0.2)) }
        let report = Self.report(spans)
        #expect(report.cost.totalNanodollars == 150_000_000_000)
        #expect(report.cost.totalUSD == 150)
    }

    @Test("prices another SDK's span from its tokens, counting cached tokens at their cache rates")
    func pricesForeignSpans() {
        // gen_ai.usage.input_tokens = 1500 includes 200 cache reads and 300 cache writes, so
        // 1000 are uncached: 1000 × $3 + 300 × $3.75 + 200 × $0.30 + 50 × $15 per million.
        let attributes = Fixture.claudeAttributes(
            model: "claude-sonnet-4-6", input: 1000, output: 50, cacheRead: 200, cacheCreation: 300)
        let report = Self.report([Self.call(id: 1, attributes)])
        #expect(report.cost.totalNanodollars == 4_935_000)
        #expect(report.unpricedCalls == 0)
        #expect(report.tokens == ClaudeTokenCounts(input: 1000, output: 50, cacheRead: 200, cacheCreation: 300))
    }

    @Test("prices by the response's dated model id through the standard table")
    func datedModelIDs() {
        let attributes = Fixture.claudeAttributes(model: "claude-haiku-4-5", responseModel: "claude-haiku-4-5-20251001", input: 1_000_000, output: 1_000_000)
        let report = Self.report([Self.call(id: 1, attributes)])
        #expect(report.cost.byModel == ["claude-haiku-4-5-20251001": 6])
    }

    @Test("takes the pricing as a parameter")
    func customPricing() {
        let pricing = ReportPricing { model, tokens in
            model == "house-model" ? tokens.output * 1_000_000 : nil
        }
        let report = Self.report([
            Self.call(id: 1, Fixture.claudeAttributes(model: "house-model", input: 10, output: 7)),
            Self.call(id: 2, Fixture.claudeAttributes(model: "claude-sonnet-4-6", input: 10, output: 7)),
        ], pricing: pricing)
        #expect(report.cost.totalNanodollars == 7_000)
        #expect(report.unpricedCalls == 1)
    }

    @Test("counts calls with an unknown price as unpriced, never as free; blocked or token-less calls cost nothing")
    func unpricedCalls() {
        let report = Self.report([
            Self.call(id: 1, Fixture.claudeAttributes(model: "claude-mythos-5-2", input: 10, output: 5, priceUnknown: true)),
            Self.call(id: 2, Fixture.claudeAttributes(model: "claude-unreleased-9", input: 10, output: 5)),
            Self.call(id: 3, status: .error(description: "refused"), Fixture.claudeAttributes(errorCategory: "connection", tokens: false)),
            Self.call(id: 4, Fixture.claudeAttributes(model: "claude-sonnet-4-6", input: 10, output: 5, costUSD: 0.000105)),
            Self.call(id: 5, status: .error(description: "budget"), Fixture.claudeAttributes(model: "claude-sonnet-4-6", input: 10, output: 5, errorCategory: "budget_exceeded")),
        ])
        #expect(report.calls == 5)
        #expect(report.unpricedCalls == 2)
        #expect(report.cost.totalNanodollars == 105_000)
        #expect(report.cost.byModel["claude-unreleased-9"] == 0)
    }

    @Test("breaks cost down by model, user, feature and UTC day of the start")
    func breakdowns() {
        let beforeMidnight = 12 * 3600 - 1.0, afterMidnight = 12 * 3600 + 1.0
        let report = Self.report([
            Self.call(id: 1, offset: 0, Fixture.claudeAttributes(model: "claude-sonnet-4-6", responseModel: "claude-sonnet-4-6", costUSD: 1, user: "u-1", feature: "summary")),
            Self.call(id: 2, offset: beforeMidnight, duration: 5, Fixture.claudeAttributes(model: "claude-opus-4-8", costUSD: 2, user: "u-2", feature: "summary")),
            Self.call(id: 3, offset: afterMidnight, Fixture.claudeAttributes(model: "claude-opus-4-8", costUSD: 4, user: "u-1")),
        ])
        #expect(report.cost.byModel == ["claude-sonnet-4-6": 1, "claude-opus-4-8": 6])
        #expect(report.cost.byUser == ["u-1": 5, "u-2": 2])
        #expect(report.cost.byFeature == ["summary": 3, "(none)": 4])
        #expect(report.cost.byDay == ["2026-11-10": 3, "2026-11-11": 4])
        #expect(report.topFeatures.map(\.feature) == ["(none)", "summary"])
        #expect(report.topFeatures.last?.calls == 2)
        #expect(report.callsByModel == ["claude-sonnet-4-6": 1, "claude-opus-4-8": 2])
    }

    @Test("groups errors by category, mapping other SDKs' error types")
    func errors() {
        let failed = SpanStatus.error(description: "failed")
        let report = Self.report([
            Self.call(id: 1, status: failed, Fixture.claudeAttributes(errorCategory: "rate_limit", tokens: false)),
            Self.call(id: 2, status: failed, Fixture.claudeAttributes(errorCategory: "rate_limit", tokens: false)),
            Self.call(id: 3, status: failed, Fixture.claudeAttributes(errorType: "overloaded_error", tokens: false)),
            Self.call(id: 4, status: failed, Fixture.claudeAttributes(tokens: false)),
            Self.call(id: 5, status: failed, Fixture.claudeAttributes(errorType: "SomeExceptionClass", tokens: false)),
            Self.call(id: 6, Fixture.claudeAttributes(costUSD: 0.01)),
            Self.call(id: 7, Fixture.claudeAttributes(errorCategory: "not_a_category", tokens: false)),
        ])
        #expect(report.errors == ["rate_limit": 2, "overloaded": 1, "unknown": 3])
        #expect(report.errorCount == 6)
    }

    @Test("gives latency and time-to-first-chunk percentiles by model over successful calls, within 1%")
    func percentiles() throws {
        var spans = (1...1000).map { index in
            Self.call(id: UInt64(index), duration: Double(index) / 100,
                      Fixture.claudeAttributes(costUSD: 0, timeToFirstChunk: Double(index) / 1000))
        }
        spans.append(Self.call(id: 5000, duration: 999, status: .error(description: "timeout"), Fixture.claudeAttributes(errorCategory: "timeout")))
        let report = Self.report(spans)
        let latency = try #require(report.latency["claude-sonnet-4-6"])
        let ttft = try #require(report.timeToFirstChunk["claude-sonnet-4-6"])
        #expect(latency.count == 1000)
        #expect(ttft.count == 1000)
        // Exact values at rank ⌊q·(n−1)⌋: 5.00, 9.50, 9.90 s; TTFT a tenth of them.
        for (measured, exact) in [(latency.p50, 5.0), (latency.p95, 9.5), (latency.p99, 9.9), (ttft.p50, 0.5), (ttft.p95, 0.95), (ttft.p99, 0.99)] {
            #expect(abs(measured - exact) / exact <= 0.01, "\(measured) vs \(exact)")
        }
    }

    @Test("counts only calls that started in the time range: since inclusive, until exclusive")
    func timeRange() throws {
        let spans = [0.0, 3600, 7200].enumerated().map { index, offset in
            Self.call(id: UInt64(index + 1), offset: offset, Fixture.claudeAttributes(costUSD: 1))
        }
        let range = try ReportTimeRange(since: "2026-11-10T13:00:00Z", until: "2026-11-10T14:00:00Z")
        let report = Self.report(spans, timeRange: range)
        #expect(report.calls == 1)
        #expect(report.timeRange.since == "2026-11-10T13:00:00.000Z")
        #expect(report.timeRange.firstCall == "2026-11-10T13:00:00.000Z")
        #expect(Self.report(spans, timeRange: try ReportTimeRange(since: "1794315600", until: nil)).calls == 2)
    }

    @Test("merging two aggregators gives the report of all their spans")
    func merging() {
        let spans = (1...20).map { Self.call(id: UInt64($0), duration: Double($0), Fixture.claudeAttributes(costUSD: 0.5, user: "u-\($0 % 3)")) }
        var first = ClaudeCallAggregator(), second = ClaudeCallAggregator()
        for span in spans.prefix(7) { first.add(span) }
        for span in spans.dropFirst(7) { second.add(span) }
        first.merge(second)
        #expect(first.report() == Self.report(spans))
    }
}
