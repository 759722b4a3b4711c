import Foundation

/// The pricing table: which model costs what, from when.
///
/// ``standard`` holds Anthropic's published prices (checked on ``checkedOn``); change them at
/// run time without a release:
/// ```swift
/// var pricing = ClaudePricing.standard
/// pricing.setPrice(ClaudeModelPrice(
///     modelIDs: ["claude-mythos-5-2"],
///     rates: ClaudeTokenRates(input: 10, cacheWrite5m: 12.5, cacheWrite1h: 20, cacheRead: 0.25, output: 50)))
/// let claude = ClaudeClient(apiKey: key, pricing: pricing)
/// ```
///
/// A model id matches a row when it equals one of the row's ids, or when it does once a
/// trailing `-YYYYMMDD` is removed (`claude-sonnet-4-6-20260217` → `claude-sonnet-4-6`). There
/// is no prefix matching: a row for `claude-opus-4` never prices `claude-opus-4-5`. No match
/// means the price is unknown, never zero.
public struct ClaudePricing: Sendable, Hashable {
    /// When the built-in prices were last checked against the published ones.
    public static let checkedOn = "2026-11"

    /// Every row, in the order added (later rows win ties).
    public private(set) var prices: [ClaudeModelPrice]
    private var index: [String: [Int]]

    /// A table of `prices`; for the same model and effective date, a later row wins.
    public init(prices: [ClaudeModelPrice]) {
        self.prices = prices
        self.index = [:]
        rebuildIndex()
    }

    /// Replaces everything known about the ids in `price.modelIDs` (dated rows included) with
    /// `price`; ids not in the table are added.
    public mutating func setPrice(_ price: ClaudeModelPrice) {
        let replaced = Set(price.modelIDs)
        prices = prices.compactMap { row in
            var row = row
            row.modelIDs.removeAll { replaced.contains($0) }
            return row.modelIDs.isEmpty ? nil : row
        }
        prices.append(price)
        rebuildIndex()
    }

    /// Adds a row without removing any, e.g. a price change from a date on.
    public mutating func addPrice(_ price: ClaudeModelPrice) {
        prices.append(price)
        rebuildIndex()
    }

    /// The row that prices `model` for a call that started at `date`; nil when unknown.
    public func price(for model: String, at date: Date = Date()) -> ClaudeModelPrice? {
        guard let rows = index[model] ?? Self.undated(model).flatMap({ index[$0] }) else { return nil }
        var best: ClaudeModelPrice?
        for position in rows {
            let row = prices[position]
            if let start = row.effectiveFrom, start > date { continue }
            if let current = best, (current.effectiveFrom ?? .distantPast) > (row.effectiveFrom ?? .distantPast) { continue }
            best = row
        }
        return best
    }

    /// The cost of a call to `model` that used `usage` and started at `date`; nil when the
    /// price is unknown (the model is not in the table, or it ran in fast mode and the table has
    /// no fast prices for it).
    public func cost(model: String, usage: ClaudeUsage, at date: Date = Date()) -> ClaudeCost? {
        price(for: model, at: date)?.cost(of: usage)
    }

    /// `model` without a trailing `-YYYYMMDD`, or nil when it has none.
    static func undated(_ model: String) -> String? {
        let utf8 = model.utf8
        guard utf8.count > 9 else { return nil }
        let suffix = utf8.suffix(9)
        guard suffix.first == UInt8(ascii: "-"),
              suffix.dropFirst().allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else { return nil }
        return String(model.dropLast(9))
    }

    private mutating func rebuildIndex() {
        var index: [String: [Int]] = [:]
        for (position, row) in prices.enumerated() {
            for id in row.modelIDs { index[id, default: []].append(position) }
        }
        self.index = index
    }

    /// Whether the two tables have the same rows in the same order.
    public static func == (a: ClaudePricing, b: ClaudePricing) -> Bool { a.prices == b.prices }
    /// Hashes the rows.
    public func hash(into hasher: inout Hasher) { hasher.combine(prices) }
}
