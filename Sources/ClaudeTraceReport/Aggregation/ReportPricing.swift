import ClaudeTrace

/// How a report prices a call whose span carries tokens but no cost (a span another SDK
/// wrote, or one made by hand). Prices are integer picodollars (10⁻¹² USD): every published
/// per-token price is a whole number of them. The report rounds each call to the nanodollar, as
/// the monitor does, and sums nanodollars.
///
/// ``standard`` uses the SDK's pricing table (`ClaudePricing.standard`), as the monitor does by
/// default; build your own for prices the table lacks:
/// ```swift
/// let pricing = ReportPricing { model, tokens in
///     guard model == "my-fine-tune" else { return nil }
///     return tokens.input * 3_000_000 + tokens.output * 15_000_000   // $3 / $15 per million
/// }
/// ```
public struct ReportPricing: Sendable {
    private let price: @Sendable (ClaudeCall) -> Int64?

    /// A pricing from a function of the model (the response's, else the request's) and the
    /// call's tokens; it returns picodollars, or nil when the price is unknown.
    public init(picodollars price: @escaping @Sendable (_ model: String, _ tokens: ClaudeTokenCounts) -> Int64?) {
        self.price = { call in call.model.flatMap { price($0, ClaudeTokenCounts(call)) } }
    }

    /// Prices from `table`, e.g. the standard table extended with your own rows:
    /// `anthropic.service_tier` and the call's date are honoured.
    public init(table: ClaudePricing) {
        self.price = { table.picodollars(for: $0) }
    }

    /// The SDK's pricing table, `ClaudePricing.standard`: the same prices the client records in
    /// `claude.cost.usd` (dated ids, tiers and dated rows included).
    public static let standard = ReportPricing(table: .standard)

    /// Knows no price: every call without a recorded cost is unpriced.
    public static let unknown = ReportPricing { _, _ in nil }

    /// What `call` cost, by the rule the monitor applies (``CallPrice``).
    func price(of call: ClaudeCall) -> CallPrice {
        CallPrice(of: call) { price($0).map(Nanodollars.from(picodollars:)) }
    }
}
