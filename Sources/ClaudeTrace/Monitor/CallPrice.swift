/// What one call cost, as far as the monitor can tell.
enum CallPrice: Sendable, Equatable {
    /// `claude.cost.usd` (or the pricing closure's answer), in nanodollars.
    case priced(Int64)
    /// `claude.cost.price_unknown`: the model is not in the price table.
    case unknown
    /// Neither a cost nor the flag, and no pricing closure could price it.
    case unpriced
    /// Blocked by a budget before it was sent: costs nothing.
    case notSent

    var nanos: Int64? { if case .priced(let nanos) = self { nanos } else { nil } }
    var isUnpriced: Bool { self == .unknown || self == .unpriced }
}
