// The number formats of every text the SDK prints: the monitor's dashboard and alerts, the
// `report` and `find` output, budget errors. One set, so the same figure reads the same in each.

/// `$0.0123`-style text: at least two decimals, up to six significant ones for small amounts.
package func formatUSD(_ usd: Double) -> String {
    guard usd.isFinite else { return "?" }
    let magnitude = Swift.abs(usd)
    let decimals = magnitude >= 100 ? 2 : magnitude >= 1 ? 4 : 6
    return formatFixed(usd, decimals: decimals, trimTo: 2)
}

/// `value` with `decimals` decimal places, trailing zeros removed down to `trimTo` places.
package func formatFixed(_ value: Double, decimals: Int, trimTo minimumDecimals: Int = 0) -> String {
    guard value.isFinite else { return value.isNaN ? "nan" : value > 0 ? "inf" : "-inf" }
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let scaled = (Swift.abs(value) * scale).rounded()
    guard scaled < 9e18 else { return String(value) }
    let integer = UInt64(scaled)
    let whole = integer / UInt64(scale)
    let sign = value < 0 && scaled > 0 ? "-" : ""
    guard decimals > 0 else { return "\(sign)\(whole)" }
    var fraction = String(integer % UInt64(scale))
    fraction = String(repeating: "0", count: decimals - fraction.count) + fraction
    while fraction.count > minimumDecimals, fraction.last == "0" { fraction.removeLast() }
    return fraction.isEmpty ? "\(sign)\(whole)" : "\(sign)\(whole).\(fraction)"
}

/// `12.5%`: a fraction (0…1) as a percentage with at most one decimal.
package func percent(_ fraction: Double) -> String {
    "\(formatFixed(fraction * 100, decimals: 1))%"
}

/// `1,234,567`
package func grouped(_ value: some BinaryInteger) -> String {
    let digits = String(value.magnitude)
    var result = ""
    for (index, character) in digits.enumerated() {
        if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
        result.append(character)
    }
    return value < 0 ? "-" + result : result
}

/// `950`, `12.3k`, `4.5M`
package func compact(_ value: Int) -> String {
    let magnitude = Double(value)
    if magnitude >= 1_000_000_000 { return "\(formatFixed(magnitude / 1_000_000_000, decimals: 1))G" }
    if magnitude >= 1_000_000 { return "\(formatFixed(magnitude / 1_000_000, decimals: 1))M" }
    if magnitude >= 1_000 { return "\(formatFixed(magnitude / 1_000, decimals: 1))k" }
    return String(value)
}
