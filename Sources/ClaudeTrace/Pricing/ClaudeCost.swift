/// An amount of money in integer picodollars (10⁻¹² USD).
///
/// Prices are stored as micro-dollars per million tokens, which is the same number as
/// picodollars per token, so `tokens × price` is exact in integers: sums over millions of calls
/// never drift. One value holds up to about 9.2 million dollars; sums beyond that saturate
/// rather than trap.
public struct ClaudeCost: Sendable, Hashable, Comparable, AdditiveArithmetic, CustomStringConvertible {
    /// The amount in picodollars (10⁻¹² USD).
    public var picodollars: Int64

    /// An amount in picodollars.
    public init(picodollars: Int64) { self.picodollars = picodollars }

    /// An amount in micro-dollars.
    public init(microdollars: Int64) { self.picodollars = microdollars.multipliedReportingOverflow(by: 1_000_000).partialValue }

    /// Nothing.
    public static let zero = ClaudeCost(picodollars: 0)

    /// US dollars, as a double (for display and span attributes; sum ``picodollars`` instead).
    public var usd: Double { Double(picodollars) / 1e12 }

    /// Micro-dollars, rounded half away from zero.
    public var microdollars: Int64 {
        let (quotient, remainder) = picodollars.quotientAndRemainder(dividingBy: 1_000_000)
        if remainder >= 500_000 { return quotient + 1 }
        if remainder <= -500_000 { return quotient - 1 }
        return quotient
    }

    /// The sum; saturates at the largest or smallest amount instead of trapping.
    public static func + (a: ClaudeCost, b: ClaudeCost) -> ClaudeCost {
        let (sum, overflow) = a.picodollars.addingReportingOverflow(b.picodollars)
        guard overflow else { return ClaudeCost(picodollars: sum) }
        return ClaudeCost(picodollars: b.picodollars > 0 ? .max : .min)
    }

    /// The difference; saturates at the largest or smallest amount instead of trapping.
    public static func - (a: ClaudeCost, b: ClaudeCost) -> ClaudeCost {
        let (difference, overflow) = a.picodollars.subtractingReportingOverflow(b.picodollars)
        guard overflow else { return ClaudeCost(picodollars: difference) }
        return ClaudeCost(picodollars: b.picodollars < 0 ? .max : .min)
    }

    /// Whether `a` is less money than `b`.
    public static func < (a: ClaudeCost, b: ClaudeCost) -> Bool { a.picodollars < b.picodollars }

    /// `$0.00123450`: dollars with eight decimals (a hundredth of a micro-dollar).
    public var description: String {
        let negative = picodollars < 0
        let magnitude = picodollars.magnitude
        let dollars = magnitude / 1_000_000_000_000
        let fraction = (magnitude % 1_000_000_000_000) / 10_000
        let digits = String(fraction)
        return "\(negative ? "-" : "")$\(dollars).\(String(repeating: "0", count: 8 - digits.count))\(digits)"
    }
}
