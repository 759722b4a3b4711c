/// Dollars as integer nanodollars (10⁻⁹ USD), so sums over millions of calls never drift. The
/// monitor and the report count money in it, rounded the same way, so their totals agree.
package enum Nanodollars {
    @inline(__always)
    package static func from(usd: Double) -> Int64 {
        guard usd.isFinite else { return 0 }
        let scaled = (usd * 1e9).rounded()
        return scaled >= 9.2e18 ? .max : scaled <= -9.2e18 ? .min : Int64(scaled)
    }

    /// Picodollars (the client's exact `claude.cost.picodollars`) rounded to nanodollars.
    @inline(__always)
    package static func from(picodollars: Int64) -> Int64 {
        let (quotient, remainder) = picodollars.quotientAndRemainder(dividingBy: 1000)
        return remainder >= 500 ? quotient + 1 : remainder <= -500 ? quotient - 1 : quotient
    }

    @inline(__always)
    package static func usd(_ nanos: Int64) -> Double { Double(nanos) / 1e9 }
}
