/// How a report prices a call whose span carries tokens but no `claude.cost.usd` (a span
/// another SDK wrote). Amounts are integer picodollars (10⁻¹² USD): every published per-token
/// price is a whole number of them, so sums are exact.
///
/// ``standard`` uses the SDK's pricing table (`ClaudePricing.standard`); build your own for
/// prices the table lacks:
/// ```swift
/// let pricing = ReportPricing { model, call in
///     guard model == "my-fine-tune", let tokens = call.tokens else { return nil }
///     return tokens.input * 3_000_000 + tokens.output * 15_000_000   // $3 / $15 per million
/// }
/// ```
public struct ReportPricing: Sendable {
    private let price: @Sendable (_ model: String, _ call: RecordedClaudeCall) -> Int64?

    /// A pricing from a function of the model (the response's, else the request's) and the
    /// call; it returns picodollars, or nil when the price is unknown.
    public init(picodollars price: @escaping @Sendable (_ model: String, _ call: RecordedClaudeCall) -> Int64?) {
        self.price = price
    }

    /// Knows no price: every call without a recorded cost is unpriced.
    public static let unknown = ReportPricing { _, _ in nil }

    /// The cost of `call` in picodollars, or nil when it has no model or no price.
    public func picodollars(for call: RecordedClaudeCall) -> Int64? {
        guard let model = call.model else { return nil }
        return price(model, call)
    }
}

/// Where a call's cost comes from, by the rules the monitor uses.
enum CallCost: Equatable {
    /// Counted at this many picodollars.
    case priced(Int64)
    /// Tokens were used but their price is unknown: counts in `unpricedCalls`.
    case unpriced
    /// Nothing was billed (no tokens, e.g. a call that failed before a response).
    case free

    /// `claude.cost.usd` when present; else unpriced when the writer said the price is
    /// unknown; else, when the span carries tokens, the price from `pricing`.
    init(of call: RecordedClaudeCall, pricing: ReportPricing) {
        if let recorded = call.recordedCostPicodollars {
            self = .priced(recorded)
        } else if call.priceUnknown {
            self = .unpriced
        } else if call.tokens != nil {
            self = pricing.picodollars(for: call).map(CallCost.priced) ?? .unpriced
        } else {
            self = .free
        }
    }

    var picodollars: Int64 {
        if case .priced(let amount) = self { return amount }
        return 0
    }
}
