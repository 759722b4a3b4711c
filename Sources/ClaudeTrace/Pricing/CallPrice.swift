import Foundation

/// What one call cost: the one cost rule, which the monitor and the report both apply.
package enum CallPrice: Sendable, Equatable {
    /// In nanodollars: the span's cost, or its tokens priced.
    case priced(Int64)
    /// `claude.cost.price_unknown`: the writer did not know the model's price.
    case unknown
    /// The span carries tokens but no cost, and the pricing knows no price for them.
    case unpriced
    /// Nothing was billed: a budget blocked the call before it was sent, or the call has no
    /// tokens (it failed before a response).
    case free

    /// The cost of `call`: nothing for a call a budget blocked; else `claude.cost.picodollars`
    /// (exact); else `claude.cost.usd`; else unknown when the writer said so; else, when the
    /// span carries tokens, what `priceTokens` says in nanodollars (unpriced when it says nil);
    /// else nothing.
    @inline(__always)
    package init(of call: ClaudeCall, priceTokens: (ClaudeCall) -> Int64?) {
        if call.wasBlockedByBudget {
            self = .free
        } else if let picodollars = call.costPicodollars {
            self = .priced(Nanodollars.from(picodollars: picodollars))
        } else if let usd = call.costUSD, usd.isFinite {
            self = .priced(Nanodollars.from(usd: usd))
        } else if call.priceUnknown {
            self = .unknown
        } else if call.hasTokens {
            self = priceTokens(call).map(CallPrice.priced) ?? .unpriced
        } else {
            self = .free
        }
    }

    package var nanos: Int64? { if case .priced(let nanos) = self { nanos } else { nil } }
    /// Whether the call's cost is missing from the totals (``unknown`` or ``unpriced``).
    package var isUnpriced: Bool { self == .unknown || self == .unpriced }
}

extension ClaudePricing {
    /// The price of `call`'s tokens by this table, in picodollars: its model (the response's,
    /// else the request's), service tier and start date; nil when the table has no price.
    /// Cache writes count at the 5-minute rate, since spans carry no 5m/1h split.
    package func picodollars(for call: ClaudeCall) -> Int64? {
        guard let model = call.model else { return nil }
        let usage = ClaudeUsage(
            inputTokens: Int(clamping: call.uncachedInputTokens), outputTokens: Int(clamping: call.outputTokens),
            cacheCreationInputTokens: Int(clamping: call.cacheCreationTokens),
            cacheReadInputTokens: Int(clamping: call.cacheReadTokens), serviceTier: call.serviceTier)
        let start = Date(timeIntervalSince1970: Double(call.startTimeNanoseconds) / 1e9)
        return cost(model: model, usage: usage, at: start)?.picodollars
    }
}
