import Testing
@testable import ClaudeTrace

/// The one reading of a Claude span that the monitor, `report` and `find` share.
@Suite("Reading a Claude span")
struct ClaudeCallReadingTests {
    static func span(_ attributes: Attributes, status: SpanStatus = .unset) -> SpanData {
        SpanData(
            name: "chat", kind: .client, context: SpanContext(traceID: TraceID(high: 7, low: 7), spanID: SpanID(7)),
            startTimeNanoseconds: TestClock.midnight, endTimeNanoseconds: TestClock.midnight + 1_000_000_000,
            attributes: attributes, status: status)
    }

    static let chat: Attributes = ["gen_ai.provider.name": "anthropic", "gen_ai.request.model": "claude-sonnet-4-6"]

    @Test("the provider is read in any case, the deprecated gen_ai.system too; other providers and operations are not calls")
    func provider() {
        #expect(ClaudeCall(Self.span(["gen_ai.provider.name": "Anthropic"])) != nil)
        #expect(ClaudeCall(Self.span(["gen_ai.system": "ANTHROPIC"])) != nil)
        #expect(ClaudeCall(Self.span(["gen_ai.provider.name": "openai", "gen_ai.system": "anthropic"])) == nil)
        #expect(ClaudeCall(Self.span(["gen_ai.provider.name": "anthropic", "gen_ai.operation.name": "execute_tool"])) == nil)
        #expect(ClaudeCall(Self.span(["gen_ai.request.model": "claude-sonnet-4-6"])) == nil)
    }

    @Test("token counts stored as doubles read as integers; negative counts as zero")
    func doubleCounts() throws {
        var attributes = Self.chat
        attributes["gen_ai.usage.input_tokens"] = .double(1_500)
        attributes["gen_ai.usage.output_tokens"] = .double(20)
        attributes["gen_ai.usage.cache_read.input_tokens"] = .double(500)
        attributes["gen_ai.usage.cache_creation.input_tokens"] = .int(-3)
        attributes["claude.retries"] = .double(2)
        let call = try #require(ClaudeCall(Self.span(attributes)))
        #expect(call.hasTokens && call.totalInputTokens == 1_500 && call.uncachedInputTokens == 1_000)
        #expect(call.outputTokens == 20 && call.cacheReadTokens == 500 && call.cacheCreationTokens == 0)
        #expect(call.retries == 2)
        #expect(try #require(ClaudeCall(Self.span(Self.chat))).hasTokens == false)
    }

    @Test("a failure's category is claude.error.category, else the one error.type names, else unknown")
    func errorCategory() {
        let failed = SpanStatus.error(description: "failed")
        func category(_ extra: Attributes, status: SpanStatus = .unset) -> ClaudeErrorCategory? {
            var attributes = Self.chat
            for (key, value) in extra { attributes[key] = value }
            return ClaudeCall(Self.span(attributes, status: status))?.errorCategory
        }
        #expect(category([:]) == nil)
        #expect(category(["claude.error.category": "overloaded"]) == .overloaded)
        #expect(category(["claude.error.category": "not_a_category"]) == .unknown)
        #expect(category(["error.type": "rate_limit_error"], status: failed) == .rateLimit)
        #expect(category(["error.type": "529"], status: failed) == .overloaded)
        #expect(category(["error.type": "SomeExceptionClass"], status: failed) == .unknown)
        #expect(category([:], status: failed) == .unknown)
        #expect(category(["error.type": "rate_limit_error"]) == nil)  // not failed: the type alone says nothing
    }

    @Test("the cost is the picodollars, else the USD, else unknown when flagged, else the tokens priced; nothing without tokens or when blocked")
    func costRule() throws {
        func price(_ extra: Attributes, tokens: Bool = true, table: Int64? = 42) throws -> CallPrice {
            var attributes = Self.chat
            for (key, value) in extra { attributes[key] = value }
            if tokens { attributes["gen_ai.usage.input_tokens"] = 10 }
            let call = try #require(ClaudeCall(Self.span(attributes)))
            return CallPrice(of: call) { _ in table }
        }
        #expect(try price(["claude.cost.picodollars": .int(123_456_789), "claude.cost.usd": 0.3]) == .priced(123_457))
        #expect(try price(["claude.cost.usd": 0.3]) == .priced(300_000_000))
        #expect(try price(["claude.cost.price_unknown": true]) == .unknown)
        #expect(try price([:]) == .priced(42))
        #expect(try price([:], table: nil) == .unpriced)
        #expect(try price([:], tokens: false) == .free)
        #expect(try price(["claude.error.category": "budget_exceeded", "claude.cost.usd": 0.3]) == .free)
    }

    @Test("the standard table prices a call's tokens by its model, cache reads at the cache rate")
    func standardTable() throws {
        var attributes = Self.chat
        attributes["gen_ai.usage.input_tokens"] = 2_000_000
        attributes["gen_ai.usage.cache_read.input_tokens"] = 1_000_000
        attributes["gen_ai.usage.output_tokens"] = 1_000_000
        let call = try #require(ClaudeCall(Self.span(attributes)))
        // $3 per million uncached input, $0.30 per million cache reads, $15 per million output.
        #expect(ClaudePricing.standard.picodollars(for: call) == 18_300_000_000_000)
        attributes["gen_ai.request.model"] = "claude-unreleased-9"
        #expect(ClaudePricing.standard.picodollars(for: try #require(ClaudeCall(Self.span(attributes)))) == nil)
    }
}
