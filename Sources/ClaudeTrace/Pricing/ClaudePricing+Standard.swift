import Foundation

extension ClaudePricing {
    /// Anthropic's published prices, checked on ``checkedOn`` (see `reference/pricing.md`).
    ///
    /// Sources and choices worth knowing:
    /// - Claude Opus 5.5: input and output from the official model page, cache rates from a
    ///   third-party price file.
    /// - Claude Sonnet 5.5: cache reads fell from $0.20 to $0.10 on 2026-10-07 (third-party
    ///   release notes), so it has two dated rows.
    /// - Claude Haiku 5.5: prompts over 100,000 tokens bill every token at the second tier;
    ///   Claude Sonnet 4.0: the 1M-context tier above 200,000 tokens (6 / 22.50, cache rates
    ///   by the usual multipliers).
    /// - Fast mode: Opus 5.5 8/40, Opus 5 and 4.8 10/50, Opus 4.7 and 4.6 30/150 (the official
    ///   fast-mode page); cache rates by the usual multipliers, since fast prices stack with
    ///   them. Other models' fast price is unknown.
    /// - `inference_geo: us` costs 1.1× on Opus 4.6, Sonnet 4.6 and every later model.
    /// - Ids the API knows but whose prices were not published when checked (e.g.
    ///   `claude-fable-5-2`, `claude-mythos-5-2`, `claude-mythos-preview`) stay unknown.
    public static let standard = ClaudePricing(prices: standardPrices)

    private static func rates(_ input: Double, _ write5m: Double, _ write1h: Double, _ read: Double, _ output: Double) -> ClaudeTokenRates {
        ClaudeTokenRates(input: input, cacheWrite5m: write5m, cacheWrite1h: write1h, cacheRead: read, output: output)
    }

    private static var standardPrices: [ClaudeModelPrice] {
        let sonnet5p5CacheCut = Date(timeIntervalSince1970: 1_791_331_200)  // 2026-10-07T00:00:00Z
        return [
            ClaudeModelPrice(
                modelIDs: ["claude-fable-5-1", "claude-mythos-5-1"], rates: rates(10, 12.50, 20, 0.25, 50),
                usInferenceSurcharge: true),
            ClaudeModelPrice(
                modelIDs: ["claude-fable-5", "claude-mythos-5"], rates: rates(10, 12.50, 20, 1.00, 50),
                usInferenceSurcharge: true),
            ClaudeModelPrice(
                modelIDs: ["claude-opus-5-5"], rates: rates(4, 5, 8, 0.20, 20),
                fastRates: .derivingCacheRates(input: 8, output: 40), usInferenceSurcharge: true),
            ClaudeModelPrice(
                modelIDs: ["claude-opus-5", "claude-opus-4-8"], rates: rates(5, 6.25, 10, 0.50, 25),
                fastRates: .derivingCacheRates(input: 10, output: 50), usInferenceSurcharge: true),
            ClaudeModelPrice(
                modelIDs: ["claude-opus-4-7", "claude-opus-4-6"], rates: rates(5, 6.25, 10, 0.50, 25),
                fastRates: .derivingCacheRates(input: 30, output: 150), usInferenceSurcharge: true),
            ClaudeModelPrice(modelIDs: ["claude-opus-4-5", "claude-opus-4-5-20251101"], rates: rates(5, 6.25, 10, 0.50, 25)),
            ClaudeModelPrice(
                modelIDs: ["claude-opus-4-1", "claude-opus-4-1-20250805", "claude-opus-4-0", "claude-opus-4-20250514"],
                rates: rates(15, 18.75, 30, 1.50, 75)),
            ClaudeModelPrice(modelIDs: ["claude-sonnet-5-5"], rates: rates(2, 2.50, 4, 0.20, 10), usInferenceSurcharge: true),
            ClaudeModelPrice(
                modelIDs: ["claude-sonnet-5-5"], rates: rates(2, 2.50, 4, 0.10, 10), usInferenceSurcharge: true,
                effectiveFrom: sonnet5p5CacheCut),
            ClaudeModelPrice(modelIDs: ["claude-sonnet-5"], rates: rates(2, 2.50, 4, 0.20, 10), usInferenceSurcharge: true),
            ClaudeModelPrice(modelIDs: ["claude-sonnet-4-6"], rates: rates(3, 3.75, 6, 0.30, 15), usInferenceSurcharge: true),
            ClaudeModelPrice(
                modelIDs: ["claude-sonnet-4-5", "claude-sonnet-4-5-20250929", "claude-3-7-sonnet-20250219",
                           "claude-3-5-sonnet-20241022", "claude-3-5-sonnet-20240620"],
                rates: rates(3, 3.75, 6, 0.30, 15)),
            ClaudeModelPrice(
                modelIDs: ["claude-sonnet-4-0", "claude-sonnet-4-20250514"], rates: rates(3, 3.75, 6, 0.30, 15),
                longContext: ClaudeLongContextTier(thresholdTokens: 200_000, rates: rates(6, 7.50, 12, 0.60, 22.50))),
            ClaudeModelPrice(
                modelIDs: ["claude-haiku-5-5"], rates: rates(0.10, 0.125, 0.20, 0.01, 0.50),
                longContext: ClaudeLongContextTier(thresholdTokens: 100_000, rates: rates(0.50, 0.625, 1.00, 0.05, 2.50)),
                usInferenceSurcharge: true),
            ClaudeModelPrice(modelIDs: ["claude-haiku-4-5", "claude-haiku-4-5-20251001"], rates: rates(1, 1.25, 2, 0.10, 5)),
            ClaudeModelPrice(modelIDs: ["claude-3-5-haiku-20241022"], rates: rates(0.80, 1.00, 1.60, 0.08, 4)),
            ClaudeModelPrice(modelIDs: ["claude-3-opus-20240229"], rates: rates(15, 18.75, 30, 1.50, 75)),
            ClaudeModelPrice(modelIDs: ["claude-3-haiku-20240307"], rates: rates(0.25, 0.30, 0.50, 0.03, 1.25)),
        ]
    }
}
