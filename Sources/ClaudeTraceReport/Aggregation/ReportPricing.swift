/// How a report prices a call whose span carries tokens but no `claude.cost.usd` (a span
/// another SDK wrote). Prices are integer picodollars (10⁻¹² USD): every published per-token
/// price is a whole number of them. The report rounds each call to the nanodollar, as the
/// monitor does, and sums nanodollars.
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
    /// Counted at this many nanodollars.
    case priced(Int64)
    /// Tokens were used but their price is unknown: counts in `unpricedCalls`.
    case unpriced
    /// Nothing was billed: no tokens (the call failed before a response), or a budget
    /// blocked it before it was sent.
    case free

    /// A call blocked by a budget costs nothing; else `claude.cost.usd` when present; else
    /// unpriced when the writer said the price is unknown; else, when the span carries tokens,
    /// the price from `pricing`.
    init(of call: RecordedClaudeCall, pricing: ReportPricing) {
        if call.errorCategory == "budget_exceeded" {
            self = .free
        } else if let recorded = call.recordedCostNanodollars {
            self = .priced(recorded)
        } else if call.priceUnknown {
            self = .unpriced
        } else if call.tokens != nil {
            self = pricing.picodollars(for: call).map { .priced(Nanodollars.from(picodollars: $0)) } ?? .unpriced
        } else {
            self = .free
        }
    }

    var nanodollars: Int64 {
        if case .priced(let amount) = self { return amount }
        return 0
    }
}

/// Dollars as integer nanodollars, rounded as the monitor rounds them.
enum Nanodollars {
    static func from(usd: Double) -> Int64 {
        guard usd.isFinite else { return 0 }
        let scaled = (usd * 1e9).rounded()
        return scaled >= 9.2e18 ? .max : scaled <= -9.2e18 ? .min : Int64(scaled)
    }

    /// Rounded half away from zero.
    static func from(picodollars: Int64) -> Int64 {
        let (quotient, remainder) = picodollars.quotientAndRemainder(dividingBy: 1000)
        if remainder >= 500 { return quotient + 1 }
        if remainder <= -500 { return quotient - 1 }
        return quotient
    }

    static func usd(_ nanodollars: Int64) -> Double { Double(nanodollars) / 1e9 }
}
