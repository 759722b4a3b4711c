import Foundation

/// Prices for each kind of token, in micro-dollars per million tokens (the same number as
/// picodollars per token): `3_000_000` is $3 per million tokens.
public struct ClaudeTokenRates: Sendable, Hashable {
    /// Uncached input tokens.
    public var input: Int64
    /// Prompt tokens written to the cache with the 5-minute TTL.
    public var cacheWrite5m: Int64
    /// Prompt tokens written to the cache with the 1-hour TTL.
    public var cacheWrite1h: Int64
    /// Prompt tokens read from the cache.
    public var cacheRead: Int64
    /// Output tokens, thinking included.
    public var output: Int64

    /// Rates in micro-dollars per million tokens.
    public init(microdollarsPerMillion input: Int64, cacheWrite5m: Int64, cacheWrite1h: Int64, cacheRead: Int64, output: Int64) {
        self.input = input
        self.cacheWrite5m = cacheWrite5m
        self.cacheWrite1h = cacheWrite1h
        self.cacheRead = cacheRead
        self.output = output
    }

    /// Rates in US dollars per million tokens, as price pages print them:
    /// `ClaudeTokenRates(input: 3, cacheWrite5m: 3.75, cacheWrite1h: 6, cacheRead: 0.30, output: 15)`.
    /// Each is rounded to a micro-dollar per million tokens, which every published price is.
    public init(input: Double, cacheWrite5m: Double, cacheWrite1h: Double, cacheRead: Double, output: Double) {
        func micro(_ usd: Double) -> Int64 { Int64((usd * 1_000_000).rounded()) }
        self.init(
            microdollarsPerMillion: micro(input), cacheWrite5m: micro(cacheWrite5m), cacheWrite1h: micro(cacheWrite1h),
            cacheRead: micro(cacheRead), output: micro(output))
    }

    /// Input and output rates with the cache rates Anthropic derives from the input rate:
    /// 5-minute writes 1.25×, 1-hour writes 2×, reads 0.1×.
    public static func derivingCacheRates(input: Double, output: Double) -> ClaudeTokenRates {
        let base = Int64((input * 1_000_000).rounded())
        return ClaudeTokenRates(
            microdollarsPerMillion: base, cacheWrite5m: base * 5 / 4, cacheWrite1h: base * 2, cacheRead: base / 10,
            output: Int64((output * 1_000_000).rounded()))
    }
}

/// A long-context tier: when the prompt (input + cache writes + cache reads) exceeds
/// `thresholdTokens`, every token of the request is billed at `rates`.
public struct ClaudeLongContextTier: Sendable, Hashable {
    /// The prompt size above which the tier applies, in tokens.
    public var thresholdTokens: Int
    /// The rates of every token of a request above the threshold.
    public var rates: ClaudeTokenRates

    /// A tier that bills a prompt over `thresholdTokens` at `rates`.
    public init(thresholdTokens: Int, rates: ClaudeTokenRates) {
        self.thresholdTokens = thresholdTokens
        self.rates = rates
    }
}

/// One row of the pricing table: the prices of a group of model ids from a date on.
public struct ClaudeModelPrice: Sendable, Hashable {
    /// The aliases and dated ids this row prices, matched exactly (see ``ClaudePricing``).
    public var modelIDs: [String]
    /// The standard rates.
    public var rates: ClaudeTokenRates
    /// The long-context tier, for models that have one.
    public var longContext: ClaudeLongContextTier?
    /// Fast mode (`usage.speed == "fast"`) prices; nil means a fast call's price is unknown.
    public var fastRates: ClaudeTokenRates?
    /// Whether `inference_geo: us` costs 1.1× (models from Opus 4.6 and Sonnet 4.6 on).
    public var usInferenceSurcharge: Bool
    /// The first moment the row applies; nil for "always". A call is priced by the row in force
    /// when it started.
    public var effectiveFrom: Date?

    /// A row; by default it has no long-context tier, no fast mode, no US surcharge and applies always.
    public init(
        modelIDs: [String], rates: ClaudeTokenRates, longContext: ClaudeLongContextTier? = nil,
        fastRates: ClaudeTokenRates? = nil, usInferenceSurcharge: Bool = false, effectiveFrom: Date? = nil
    ) {
        self.modelIDs = modelIDs
        self.rates = rates
        self.longContext = longContext
        self.fastRates = fastRates
        self.usInferenceSurcharge = usInferenceSurcharge
        self.effectiveFrom = effectiveFrom
    }

    /// The cost of `usage` at this row's prices, with every modifier applied; nil when the
    /// call used fast mode and the row has no fast prices.
    ///
    /// ```
    /// cost = uncached input × in + 5m writes × w5m + 1h writes × w1h + reads × read + output × out
    /// ```
    /// Writes without a TTL breakdown count as 5-minute writes. Then: the long-context tier
    /// when the prompt exceeds its threshold (fast mode has one price over the whole window);
    /// `service_tier == "batch"` halves the total (the batch discount stacks with the cache
    /// multipliers); `inference_geo == "us"` multiplies by 1.1 where the row says so.
    public func cost(of usage: ClaudeUsage) -> ClaudeCost? {
        var applied = rates
        if usage.speed == "fast" {
            guard let fastRates else { return nil }
            applied = fastRates
        } else if let longContext, usage.promptTokens > longContext.thresholdTokens {
            applied = longContext.rates
        }
        let writes5m: Int
        let writes1h: Int
        if usage.cacheCreation5mInputTokens != nil || usage.cacheCreation1hInputTokens != nil {
            writes5m = usage.cacheCreation5mInputTokens ?? 0
            writes1h = usage.cacheCreation1hInputTokens ?? 0
        } else {
            writes5m = usage.cacheCreationInputTokens
            writes1h = 0
        }
        var total = Int64(usage.inputTokens) * applied.input
        total += Int64(writes5m) * applied.cacheWrite5m
        total += Int64(writes1h) * applied.cacheWrite1h
        total += Int64(usage.cacheReadInputTokens) * applied.cacheRead
        total += Int64(usage.outputTokens) * applied.output
        if usage.serviceTier == "batch" { total = (total + 1) / 2 }
        if usInferenceSurcharge, usage.inferenceGeo == "us" { total = (total * 11 + 5) / 10 }
        return ClaudeCost(picodollars: total)
    }
}
