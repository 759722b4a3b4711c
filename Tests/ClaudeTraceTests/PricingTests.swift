import Foundation
import Testing
@testable import ClaudeTrace

/// Picodollars for `tokens` at `usdPerMillion` (exact for the table's prices).
private func pico(_ tokens: Int, _ usdPerMillion: Double) -> Int64 {
    Int64(tokens) * Int64((usdPerMillion * 1_000_000).rounded())
}

private func date(_ text: String) -> Date {
    let parts = text.split(separator: "-").compactMap { Int($0) }
    var components = DateComponents(year: parts[0], month: parts[1], day: parts[2], hour: 12)
    components.timeZone = TimeZone(identifier: "UTC")
    return Calendar(identifier: .gregorian).date(from: components)!
}

@Suite("Pricing")
struct PricingTests {
    let pricing = ClaudePricing.standard

    @Test("uncached input, 5-minute and 1-hour cache writes, cache reads and output each use their price")
    func formula() {
        let usage = ClaudeUsage(
            inputTokens: 1200, outputTokens: 350, cacheCreationInputTokens: 3000, cacheReadInputTokens: 50_000,
            cacheCreation5mInputTokens: 1000, cacheCreation1hInputTokens: 2000)
        let expected = pico(1200, 3) + pico(1000, 3.75) + pico(2000, 6) + pico(50_000, 0.30) + pico(350, 15)
        #expect(pricing.cost(model: "claude-sonnet-4-6", usage: usage)?.picodollars == expected)
        #expect(pricing.cost(model: "claude-sonnet-4-6", usage: usage)?.usd == Double(expected) / 1e12)
    }

    @Test("cache writes without a TTL breakdown count as 5-minute writes")
    func writesWithoutBreakdown() {
        let usage = ClaudeUsage(inputTokens: 10, outputTokens: 10, cacheCreationInputTokens: 4000)
        #expect(pricing.cost(model: "claude-opus-4-6", usage: usage)?.picodollars == pico(10, 5) + pico(4000, 6.25) + pico(10, 25))
    }

    @Test("the prompt total is never priced at the input rate: cached tokens are not counted twice")
    func noDoubleCounting() {
        let usage = ClaudeUsage(inputTokens: 100, outputTokens: 0, cacheReadInputTokens: 100_000)
        let cost = pricing.cost(model: "claude-sonnet-4-6", usage: usage)!
        #expect(cost.picodollars == pico(100, 3) + pico(100_000, 0.30))
        #expect(cost.picodollars < pico(usage.promptTokens, 3))
    }

    @Test("rows of the table price their models", arguments: [
        ("claude-fable-5-1", 10.0, 0.25, 50.0), ("claude-mythos-5-1", 10, 0.25, 50), ("claude-fable-5", 10, 1.00, 50),
        ("claude-opus-5-5", 4, 0.20, 20), ("claude-opus-5", 5, 0.50, 25), ("claude-opus-4-8", 5, 0.50, 25),
        ("claude-opus-4-1", 15, 1.50, 75), ("claude-opus-4-20250514", 15, 1.50, 75), ("claude-sonnet-5", 2, 0.20, 10),
        ("claude-sonnet-4-5-20250929", 3, 0.30, 15), ("claude-3-7-sonnet-20250219", 3, 0.30, 15), ("claude-haiku-4-5", 1, 0.10, 5),
        ("claude-haiku-4-5-20251001", 1, 0.10, 5), ("claude-3-5-haiku-20241022", 0.80, 0.08, 4), ("claude-3-opus-20240229", 15, 1.50, 75),
        ("claude-3-haiku-20240307", 0.25, 0.03, 1.25),
    ])
    func rows(model: String, input: Double, read: Double, output: Double) {
        let usage = ClaudeUsage(inputTokens: 1000, outputTokens: 100, cacheReadInputTokens: 10_000)
        #expect(pricing.cost(model: model, usage: usage)?.picodollars == pico(1000, input) + pico(10_000, read) + pico(100, output))
    }

    @Test("dated ids match their alias's row; there is no prefix matching")
    func matching() {
        let usage = ClaudeUsage(inputTokens: 1_000_000, outputTokens: 0)
        #expect(pricing.cost(model: "claude-sonnet-4-6-20260217", usage: usage) == ClaudeCost(microdollars: 3_000_000))
        #expect(pricing.cost(model: "claude-opus-4-5-20251101", usage: usage) == ClaudeCost(microdollars: 5_000_000))
        #expect(pricing.price(for: "claude-opus-4") == nil)
        #expect(pricing.price(for: "claude-sonnet-4-6-latest") == nil)
        #expect(pricing.price(for: "claude-sonnet-4-6-2026021") == nil)
        #expect(pricing.price(for: "claude-fable-5-2") == nil)
        #expect(pricing.price(for: "claude-mythos-preview") == nil)
        #expect(pricing.cost(model: "gpt-5", usage: usage) == nil)
        // A row for claude-opus-4 must not price claude-opus-4-5, dated or not.
        let narrow = ClaudePricing(prices: [ClaudeModelPrice(
            modelIDs: ["claude-opus-4"], rates: ClaudeTokenRates(input: 15, cacheWrite5m: 18.75, cacheWrite1h: 30, cacheRead: 1.5, output: 75))])
        #expect(narrow.price(for: "claude-opus-4") != nil)
        #expect(narrow.price(for: "claude-opus-4-20250514") != nil)
        #expect(narrow.price(for: "claude-opus-4-5") == nil)
        #expect(narrow.price(for: "claude-opus-4-5-20251101") == nil)
    }

    @Test("Haiku 5.5 bills every token at the second tier once the prompt passes 100,000 tokens")
    func haikuTier() {
        let atLimit = ClaudeUsage(inputTokens: 90_000, outputTokens: 1000, cacheCreationInputTokens: 5000, cacheReadInputTokens: 5000)
        #expect(pricing.cost(model: "claude-haiku-5-5", usage: atLimit)?.picodollars
                == pico(90_000, 0.10) + pico(5000, 0.125) + pico(5000, 0.01) + pico(1000, 0.50))
        var over = atLimit
        over.inputTokens += 1
        #expect(pricing.cost(model: "claude-haiku-5-5", usage: over)?.picodollars
                == pico(90_001, 0.50) + pico(5000, 0.625) + pico(5000, 0.05) + pico(1000, 2.50))
    }

    @Test("Sonnet 4.0's long-context rate applies above 200,000 prompt tokens")
    func sonnetLongContext() {
        let usage = ClaudeUsage(inputTokens: 150_000, outputTokens: 1000, cacheReadInputTokens: 60_000)
        #expect(pricing.cost(model: "claude-sonnet-4-20250514", usage: usage)?.picodollars
                == pico(150_000, 6) + pico(60_000, 0.60) + pico(1000, 22.50))
        #expect(pricing.cost(model: "claude-sonnet-4-5", usage: usage)?.picodollars
                == pico(150_000, 3) + pico(60_000, 0.30) + pico(1000, 15))
    }

    @Test("the batch tier halves the cost, cache prices included")
    func batch() {
        let usage = ClaudeUsage(inputTokens: 1000, outputTokens: 100, cacheCreationInputTokens: 200, cacheReadInputTokens: 300, serviceTier: "batch")
        let full = pico(1000, 3) + pico(200, 3.75) + pico(300, 0.30) + pico(100, 15)
        #expect(pricing.cost(model: "claude-sonnet-4-6", usage: usage)?.picodollars == full / 2)
    }

    @Test("US-only inference costs 1.1× on 4.6-and-later models only")
    func inferenceGeo() {
        let usage = ClaudeUsage(inputTokens: 1000, outputTokens: 100, inferenceGeo: "us")
        let base = pico(1000, 3) + pico(100, 15)
        #expect(pricing.cost(model: "claude-sonnet-4-6", usage: usage)?.picodollars == base * 11 / 10)
        #expect(pricing.cost(model: "claude-sonnet-4-5", usage: usage)?.picodollars == base)
        #expect(pricing.cost(model: "claude-haiku-4-5", usage: usage)?.picodollars == pico(1000, 1) + pico(100, 5))
        var global = usage
        global.inferenceGeo = "global"
        #expect(pricing.cost(model: "claude-sonnet-4-6", usage: global)?.picodollars == base)
        var both = usage
        both.serviceTier = "batch"
        #expect(pricing.cost(model: "claude-opus-4-6", usage: both)?.picodollars == (pico(1000, 5) + pico(100, 25)) / 2 * 11 / 10)
    }

    @Test("fast mode uses the model's fast prices, and is unknown for a model without them")
    func fastMode() {
        let usage = ClaudeUsage(inputTokens: 1000, outputTokens: 100, cacheReadInputTokens: 1000, speed: "fast")
        #expect(pricing.cost(model: "claude-opus-5-5", usage: usage)?.picodollars == pico(1000, 8) + pico(1000, 0.80) + pico(100, 40))
        #expect(pricing.cost(model: "claude-opus-5", usage: usage)?.picodollars == pico(1000, 10) + pico(1000, 1.00) + pico(100, 50))
        #expect(pricing.cost(model: "claude-opus-4-8", usage: usage)?.picodollars == pico(1000, 10) + pico(1000, 1.00) + pico(100, 50))
        #expect(pricing.cost(model: "claude-opus-4-6", usage: usage)?.picodollars == pico(1000, 30) + pico(1000, 3.00) + pico(100, 150))
        #expect(pricing.cost(model: "claude-sonnet-4-6", usage: usage) == nil)
        #expect(pricing.cost(model: "claude-haiku-4-5", usage: usage) == nil)
    }

    @Test("a call is priced by the row in force when it started (Sonnet 5.5's cache read cut on 2026-10-07)")
    func effectiveDates() {
        let usage = ClaudeUsage(inputTokens: 0, outputTokens: 0, cacheReadInputTokens: 1_000_000)
        #expect(pricing.cost(model: "claude-sonnet-5-5", usage: usage, at: date("2026-10-06")) == ClaudeCost(microdollars: 200_000))
        #expect(pricing.cost(model: "claude-sonnet-5-5", usage: usage, at: date("2026-10-07")) == ClaudeCost(microdollars: 100_000))
        #expect(pricing.cost(model: "claude-sonnet-5-5", usage: usage) == ClaudeCost(microdollars: 100_000))
    }

    @Test("users override a price, add a dated change and extend the table at run time")
    func overrides() {
        var table = ClaudePricing.standard
        let usage = ClaudeUsage(inputTokens: 1_000_000, outputTokens: 0)
        table.setPrice(ClaudeModelPrice(
            modelIDs: ["claude-sonnet-4-6"], rates: ClaudeTokenRates(input: 2.5, cacheWrite5m: 3, cacheWrite1h: 5, cacheRead: 0.25, output: 12)))
        #expect(table.cost(model: "claude-sonnet-4-6", usage: usage) == ClaudeCost(microdollars: 2_500_000))
        #expect(table.cost(model: "claude-sonnet-4-6-20260217", usage: usage) == ClaudeCost(microdollars: 2_500_000))
        // The other ids of the replaced row keep their price.
        #expect(table.cost(model: "claude-sonnet-4-5", usage: usage) == ClaudeCost(microdollars: 3_000_000))
        table.setPrice(ClaudeModelPrice(modelIDs: ["claude-mythos-5-2"], rates: .derivingCacheRates(input: 12, output: 60)))
        #expect(table.cost(model: "claude-mythos-5-2", usage: usage) == ClaudeCost(microdollars: 12_000_000))
        table.addPrice(ClaudeModelPrice(
            modelIDs: ["claude-mythos-5-2"], rates: .derivingCacheRates(input: 9, output: 45), effectiveFrom: date("2027-01-01")))
        #expect(table.cost(model: "claude-mythos-5-2", usage: usage, at: date("2026-12-31")) == ClaudeCost(microdollars: 12_000_000))
        #expect(table.cost(model: "claude-mythos-5-2", usage: usage, at: date("2027-01-02")) == ClaudeCost(microdollars: 9_000_000))
        // setPrice replaces dated rows too.
        table.setPrice(ClaudeModelPrice(modelIDs: ["claude-sonnet-5-5"], rates: .derivingCacheRates(input: 1, output: 5)))
        #expect(table.prices.filter { $0.modelIDs.contains("claude-sonnet-5-5") }.count == 1)
        #expect(ClaudePricing.standard.cost(model: "claude-sonnet-4-6", usage: usage) == ClaudeCost(microdollars: 3_000_000))
    }

    @Test("the client prices with the table it was given")
    func clientUsesItsTable() async throws {
        var table = ClaudePricing.standard
        table.setPrice(ClaudeModelPrice(modelIDs: ["claude-sonnet-4-6"], rates: .derivingCacheRates(input: 1, output: 1)))
        let client = makeClient(ScriptedTransport([.message(usage: ["input_tokens": 1_000_000, "output_tokens": 1_000_000])]), pricing: table)
        let response = try await client.createMessage(simpleRequest())
        #expect(response.cost == ClaudeCost(microdollars: 2_000_000))
        #expect(client.cost(model: "claude-sonnet-4-6", usage: ClaudeUsage(inputTokens: 1_000_000)) == ClaudeCost(microdollars: 1_000_000))
    }

    @Test("costs add in integers: a million tiny calls sum exactly")
    func sumsDoNotDrift() {
        let tiny = pricing.cost(model: "claude-haiku-5-5", usage: ClaudeUsage(inputTokens: 0, outputTokens: 0, cacheReadInputTokens: 1))!
        #expect(tiny.picodollars == 10_000)
        var total = ClaudeCost.zero
        var double = 0.0
        for _ in 0..<1_000_000 {
            total = total + tiny
            double += tiny.usd
        }
        #expect(total.picodollars == 10_000_000_000)
        #expect(total.usd == 0.01)
        #expect(total.microdollars == 10_000)
        #expect(double != 0.01)
    }

    @Test("a cost prints in dollars, rounds to micro-dollars, and saturates instead of overflowing")
    func costValue() {
        #expect(ClaudeCost(picodollars: 1_087_500_000).description == "$0.00108750")
        #expect(ClaudeCost(picodollars: 12_345_678_900_000_000).description == "$12345.67890000")
        #expect(ClaudeCost(picodollars: -1_500_000).description == "-$0.00000150")
        #expect(ClaudeCost(picodollars: 1_499_999).microdollars == 1 && ClaudeCost(picodollars: 1_500_000).microdollars == 2)
        #expect(ClaudeCost(picodollars: -1_500_000).microdollars == -2)
        #expect((ClaudeCost(picodollars: .max) + ClaudeCost(picodollars: 1)).picodollars == .max)
        #expect((ClaudeCost(picodollars: .min) - ClaudeCost(picodollars: 1)).picodollars == .min)
        #expect(ClaudeCost(microdollars: 3) < ClaudeCost(microdollars: 4))
    }

    @Test("the table says when it was checked and every price is a whole micro-dollar per million tokens")
    func tableData() {
        #expect(ClaudePricing.checkedOn == "2026-11")
        let rates = ClaudeTokenRates(input: 0.125, cacheWrite5m: 0.01, cacheWrite1h: 22.5, cacheRead: 0.08, output: 1.25)
        #expect([rates.input, rates.cacheWrite5m, rates.cacheWrite1h, rates.cacheRead, rates.output] == [125_000, 10_000, 22_500_000, 80_000, 1_250_000])
        let ids = pricing.prices.flatMap(\.modelIDs)
        #expect(Set(ids).count == ids.count - 1)  // claude-sonnet-5-5 has two dated rows
    }
}
