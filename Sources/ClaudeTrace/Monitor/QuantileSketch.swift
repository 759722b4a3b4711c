#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A mergeable quantile sketch with a guaranteed relative error, in memory that does not grow
/// with the number of values: the DDSketch of Masson, Rim and Lee, "DDSketch: A Fast and
/// Fully-Mergeable Quantile Sketch with Relative-Error Guarantees", VLDB 2019
/// (https://arxiv.org/abs/1908.10693).
///
/// A positive value `x` is counted in bucket `i = ⌈log_γ(x)⌉` with `γ = (1 + α) / (1 − α)`, so
/// the bucket holds the values in `(γ^(i−1), γ^i]`. A quantile is answered with the bucket's
/// representative `2γ^i / (γ + 1)`, which is within a relative error `α` of every value in the
/// bucket: **any quantile comes back within `α` (1% by default) of the exact value at that
/// rank**, whatever the distribution. Answers are also clamped to the exact `min` and `max`.
///
/// Memory: one 8-byte counter per bucket between the lowest and highest bucket in use, at most
/// ``maxBuckets`` (2048 by default: 16 KiB). With `α = 0.01` that span covers a ratio of
/// `γ^2048 ≈ 6·10^17` between the smallest and largest value (a nanosecond to 19 years), so
/// latencies never reach it. Should the values span more, the **lowest** buckets are collapsed
/// into one: only the lowest quantiles lose their guarantee, the upper ones (p50, p95, p99) keep
/// it. Values at or below ``minIndexableValue`` (and negative ones) go to a zero bucket and are
/// answered as 0.
///
/// `add` is a logarithm, an index and an increment: no allocation once the range of values has
/// been seen (the counter array grows only when a value falls outside it).
public struct QuantileSketch: Sendable, Equatable, Codable {
    /// The relative error `α` every quantile keeps.
    public let relativeAccuracy: Double
    /// The most buckets the sketch keeps before it collapses the lowest.
    public let maxBuckets: Int
    /// Values at or below this (and negative values) count in the zero bucket.
    public let minIndexableValue: Double

    /// `γ = (1 + α) / (1 − α)`.
    let gamma: Double
    /// `1 / ln γ`: `log_γ(x) = ln(x) · multiplier`.
    let multiplier: Double
    /// Dense counters: `counts[k]` is bucket `offset + k`.
    private var counts: [Int] = []
    private var offset = 0
    /// The non-empty bucket range (valid when some value is above the zero bucket).
    private var lowestIndex = Int.max
    private var highestIndex = Int.min

    /// Values counted in the zero bucket.
    public private(set) var zeroCount = 0
    /// Values added.
    public private(set) var count = 0
    /// The sum of the values added.
    public private(set) var sum = 0.0
    private var minimum = Double.infinity
    private var maximum = -Double.infinity
    /// Whether the lowest buckets were ever collapsed to stay within ``maxBuckets``.
    public private(set) var hasCollapsed = false

    /// - Parameters:
    ///   - relativeAccuracy: `α`, in (0, 1); 0.01 by default.
    ///   - maxBuckets: the bucket budget, at least 16; 2048 by default.
    ///   - minIndexableValue: the zero bucket's ceiling, positive; 1e-9 by default.
    public init(relativeAccuracy: Double = 0.01, maxBuckets: Int = 2048, minIndexableValue: Double = 1e-9) {
        let accuracy = relativeAccuracy > 0 && relativeAccuracy < 1 ? relativeAccuracy : 0.01
        self.relativeAccuracy = accuracy
        self.maxBuckets = Swift.max(16, maxBuckets)
        self.minIndexableValue = minIndexableValue > 0 ? minIndexableValue : 1e-9
        gamma = (1 + accuracy) / (1 - accuracy)
        multiplier = 1 / log(gamma)
    }

    /// The smallest value added, if any.
    public var min: Double? { count > 0 ? minimum : nil }
    /// The largest value added, if any.
    public var max: Double? { count > 0 ? maximum : nil }
    /// The mean of the values added, if any.
    public var mean: Double? { count > 0 ? sum / Double(count) : nil }
    /// How many buckets the counters span now (memory is this times 8 bytes, plus slack).
    public var bucketCount: Int { lowestIndex <= highestIndex ? highestIndex - lowestIndex + 1 : 0 }

    /// Counts `value`. NaN is ignored.
    @inline(__always)
    public mutating func add(_ value: Double) {
        guard !value.isNaN else { return }
        count &+= 1
        sum += value
        if value < minimum { minimum = value }
        if value > maximum { maximum = value }
        guard value > minIndexableValue else {
            zeroCount &+= 1
            return
        }
        increment(bucket: index(of: value), by: 1)
    }

    /// The value at quantile `q` (0 ≤ q ≤ 1; clamped), within ``relativeAccuracy`` of the exact
    /// value of rank `⌊q · (count − 1)⌋` among the values added; nil when the sketch is empty.
    public func quantile(_ q: Double) -> Double? {
        guard count > 0 else { return nil }
        let rank = Swift.min(Swift.max(q.isNaN ? 0 : q, 0), 1) * Double(count - 1)
        var cumulative = Double(zeroCount)
        if cumulative > rank { return clamp(0) }
        if lowestIndex <= highestIndex {
            for bucket in lowestIndex...highestIndex {
                cumulative += Double(counts[bucket - offset])
                if cumulative > rank { return clamp(value(ofBucket: bucket)) }
            }
        }
        return maximum
    }

    /// Adds every value counted by `other`, which must share this sketch's relative accuracy
    /// and zero-bucket ceiling (buckets are only comparable then).
    public mutating func merge(_ other: QuantileSketch) throws(QuantileSketchError) {
        guard other.relativeAccuracy == relativeAccuracy, other.minIndexableValue == minIndexableValue else {
            throw .incompatible(relativeAccuracy: other.relativeAccuracy, expected: relativeAccuracy)
        }
        mergeCompatible(other)
    }

    /// ``merge(_:)`` for sketches known to share their parameters (the monitor's own).
    mutating func mergeCompatible(_ other: QuantileSketch) {
        guard other.count > 0 else { return }
        count &+= other.count
        sum += other.sum
        zeroCount &+= other.zeroCount
        minimum = Swift.min(minimum, other.minimum)
        maximum = Swift.max(maximum, other.maximum)
        hasCollapsed = hasCollapsed || other.hasCollapsed
        guard other.lowestIndex <= other.highestIndex else { return }
        for bucket in other.lowestIndex...other.highestIndex {
            let amount = other.counts[bucket - other.offset]
            if amount > 0 { increment(bucket: bucket, by: amount) }
        }
    }

    // MARK: Buckets

    @inline(__always)
    func index(of value: Double) -> Int {
        Int((log(value) * multiplier).rounded(.up))
    }

    /// The bucket's representative: `2γ^i / (γ + 1)`, within `α` of both bucket bounds.
    func value(ofBucket bucket: Int) -> Double {
        2 * pow(gamma, Double(bucket)) / (gamma + 1)
    }

    private func clamp(_ value: Double) -> Double {
        Swift.min(Swift.max(value, minimum), maximum)
    }

    @inline(__always)
    private mutating func increment(bucket: Int, by amount: Int) {
        var bucket = bucket
        if bucket < offset || bucket >= offset + counts.count {
            bucket = makeRoom(for: bucket)
        }
        counts[bucket - offset] &+= amount
        if bucket < lowestIndex { lowestIndex = bucket }
        if bucket > highestIndex { highestIndex = bucket }
    }

    /// Grows (or, past ``maxBuckets``, collapses) the counters so `bucket` has a place; returns
    /// the bucket to count in (the collapsed lowest one when `bucket` fell below the kept range).
    /// Runs only when a value falls outside the counters' range, so rarely after warm-up.
    private mutating func makeRoom(for bucket: Int) -> Int {
        guard lowestIndex <= highestIndex else {
            let spare = Swift.min(maxBuckets - 1, 64)
            offset = bucket - spare / 2
            counts = [Int](repeating: 0, count: spare + 1)
            return bucket
        }
        // Already full and collapsed at the bottom: a lower value joins the lowest bucket.
        if bucket < offset, highestIndex - offset + 1 >= maxBuckets {
            hasCollapsed = true
            return offset
        }
        let low = Swift.min(lowestIndex, bucket)
        let high = Swift.max(highestIndex, bucket)
        let width = high - low + 1
        if width <= maxBuckets {
            // Slack in the direction of the miss, so a slowly widening range does not
            // reallocate on every new extreme.
            let spare = Swift.min(maxBuckets - width, Swift.max(32, width / 2))
            relocate(low: bucket < offset ? low - spare : low, high: bucket < offset ? high : high + spare, foldingBelow: low)
            return bucket
        }
        let keptLow = high - maxBuckets + 1
        hasCollapsed = true
        relocate(low: keptLow, high: high, foldingBelow: keptLow)
        return Swift.max(bucket, keptLow)
    }

    /// Moves the counters into a new array spanning `low...high`, adding every bucket below
    /// `foldingBelow` into that one.
    private mutating func relocate(low: Int, high: Int, foldingBelow floor: Int) {
        var newCounts = [Int](repeating: 0, count: high - low + 1)
        for old in lowestIndex...highestIndex {
            let amount = counts[old - offset]
            if amount > 0 { newCounts[Swift.max(old, floor) - low] &+= amount }
        }
        counts = newCounts
        offset = low
        lowestIndex = Swift.max(lowestIndex, floor)
    }

    // MARK: Equatable and Codable (only the non-empty range counts, not the slack)

    /// Whether the two sketches hold the same parameters, counts and buckets.
    public static func == (a: QuantileSketch, b: QuantileSketch) -> Bool {
        a.relativeAccuracy == b.relativeAccuracy && a.maxBuckets == b.maxBuckets
            && a.minIndexableValue == b.minIndexableValue && a.count == b.count && a.zeroCount == b.zeroCount
            && a.sum == b.sum && a.min == b.min && a.max == b.max && a.hasCollapsed == b.hasCollapsed
            && a.usedCounts == b.usedCounts && (a.bucketCount == 0 || a.lowestIndex == b.lowestIndex)
    }

    private var usedCounts: [Int] {
        lowestIndex <= highestIndex ? Array(counts[(lowestIndex - offset)...(highestIndex - offset)]) : []
    }

    private enum CodingKeys: String, CodingKey {
        case relativeAccuracy, maxBuckets, minIndexableValue, count, sum, min, max, zeroCount
        case lowestBucket, counts, hasCollapsed
    }

    /// Encodes the parameters, counts and buckets, so a sketch can be stored and merged later.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(relativeAccuracy, forKey: .relativeAccuracy)
        try container.encode(maxBuckets, forKey: .maxBuckets)
        try container.encode(minIndexableValue, forKey: .minIndexableValue)
        try container.encode(count, forKey: .count)
        try container.encode(sum, forKey: .sum)
        try container.encodeIfPresent(min, forKey: .min)
        try container.encodeIfPresent(max, forKey: .max)
        try container.encode(zeroCount, forKey: .zeroCount)
        try container.encode(bucketCount > 0 ? lowestIndex : 0, forKey: .lowestBucket)
        try container.encode(usedCounts, forKey: .counts)
        try container.encode(hasCollapsed, forKey: .hasCollapsed)
    }

    /// Decodes a sketch that ``encode(to:)`` wrote.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            relativeAccuracy: try container.decode(Double.self, forKey: .relativeAccuracy),
            maxBuckets: try container.decode(Int.self, forKey: .maxBuckets),
            minIndexableValue: try container.decode(Double.self, forKey: .minIndexableValue))
        count = try container.decode(Int.self, forKey: .count)
        sum = try container.decode(Double.self, forKey: .sum)
        minimum = try container.decodeIfPresent(Double.self, forKey: .min) ?? .infinity
        maximum = try container.decodeIfPresent(Double.self, forKey: .max) ?? -.infinity
        zeroCount = try container.decode(Int.self, forKey: .zeroCount)
        hasCollapsed = try container.decode(Bool.self, forKey: .hasCollapsed)
        let stored = try container.decode([Int].self, forKey: .counts)
        guard stored.count <= maxBuckets, stored.allSatisfy({ $0 >= 0 }),
              stored.reduce(0, +) + zeroCount == count
        else {
            throw DecodingError.dataCorruptedError(
                forKey: .counts, in: container, debugDescription: "bucket counts do not add up to count, or exceed maxBuckets")
        }
        if !stored.isEmpty {
            offset = try container.decode(Int.self, forKey: .lowestBucket)
            counts = stored
            lowestIndex = offset
            highestIndex = offset + stored.count - 1
        }
    }
}

/// Why two sketches could not be merged.
public enum QuantileSketchError: Error, Equatable, CustomStringConvertible {
    /// The sketches were built with different relative accuracies (or zero-bucket ceilings), so
    /// their buckets do not line up. Build both with the same parameters.
    case incompatible(relativeAccuracy: Double, expected: Double)

    /// What did not match.
    public var description: String {
        switch self {
        case .incompatible(let accuracy, let expected):
            "cannot merge a sketch of relative accuracy \(accuracy) into one of \(expected): build both with the same relativeAccuracy and minIndexableValue"
        }
    }
}
