import Foundation
import Testing
@testable import ClaudeTrace

/// Normal samples from the seeded generator, so every run checks the same samples.
extension SeededRandom {
    mutating func normal() -> Double {
        let u1 = Double.random(in: Double.ulpOfOne..<1, using: &self)
        let u2 = Double.random(in: 0..<1, using: &self)
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }
}

@Suite("QuantileSketch")
struct MonitorQuantileSketchTests {
    static let quantiles = [0.0, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1.0]

    /// Checks every quantile of `values` against the exact value at rank ⌊q·(n−1)⌋.
    func checkAccuracy(_ values: [Double], accuracy: Double = 0.01) {
        var sketch = QuantileSketch(relativeAccuracy: accuracy)
        for value in values { sketch.add(value) }
        let sorted = values.sorted()
        #expect(sketch.count == values.count)
        for q in Self.quantiles {
            let exact = sorted[Int((q * Double(sorted.count - 1)).rounded(.down))]
            let estimate = sketch.quantile(q)!
            let error = abs(estimate - exact) / exact
            // The bound itself, plus a hair for the floating-point log at bucket edges.
            #expect(error <= accuracy * (1 + 1e-9), "q=\(q): exact \(exact), sketch \(estimate), error \(error)")
        }
        #expect(sketch.min == sorted.first && sketch.max == sorted.last)
        #expect(abs(sketch.sum - values.reduce(0, +)) <= 1e-9 * abs(values.reduce(0, +)))
    }

    @Test("quantiles of 100,000 uniform samples are within 1% of the exact values")
    func uniform() {
        var generator = SeededRandom(seed: 1)
        checkAccuracy((0..<100_000).map { _ in Double.random(in: 0.05..<30, using: &generator) })
    }

    @Test("quantiles of 100,000 log-normal samples are within 1% of the exact values")
    func logNormal() {
        var generator = SeededRandom(seed: 2)
        checkAccuracy((0..<100_000).map { _ in exp(0.2 + 1.1 * generator.normal()) })
    }

    @Test("quantiles of 100,000 bimodal samples are within 1% of the exact values")
    func bimodal() {
        var generator = SeededRandom(seed: 3)
        checkAccuracy((0..<100_000).map { _ in
            Bool.random(using: &generator)
                ? abs(0.3 + 0.05 * generator.normal()) + 0.001
                : abs(8 + 1.5 * generator.normal()) + 0.001
        })
    }

    @Test("quantiles of heavy-tailed Pareto samples spanning six decades stay within 1%")
    func pareto() {
        var generator = SeededRandom(seed: 4)
        checkAccuracy((0..<100_000).map { _ in 0.01 / pow(Double.random(in: 1e-6..<1, using: &generator), 1.2) })
    }

    @Test("two merged sketches answer like one sketch fed both halves")
    func merge() throws {
        var generator = SeededRandom(seed: 5)
        let values = (0..<20_000).map { _ in exp(generator.normal()) }
        var whole = QuantileSketch(), left = QuantileSketch(), right = QuantileSketch()
        for (index, value) in values.enumerated() {
            whole.add(value)
            if index.isMultiple(of: 2) { left.add(value) } else { right.add(value) }
        }
        try left.merge(right)
        #expect(left.count == whole.count)
        for q in Self.quantiles { #expect(left.quantile(q) == whole.quantile(q)) }
    }

    @Test("merging sketches of different accuracies is refused")
    func mergeRefusesIncompatible() {
        var a = QuantileSketch(relativeAccuracy: 0.01)
        a.add(1)
        #expect(throws: QuantileSketchError.self) { try a.merge(QuantileSketch(relativeAccuracy: 0.02)) }
    }

    @Test("memory does not grow with the number of values")
    func boundedMemory() {
        var sketch = QuantileSketch()
        var generator = SeededRandom(seed: 6)
        for _ in 0..<200_000 { sketch.add(Double.random(in: 0.1..<60, using: &generator)) }
        let buckets = sketch.bucketCount
        for _ in 0..<200_000 { sketch.add(Double.random(in: 0.1..<60, using: &generator)) }
        #expect(sketch.bucketCount == buckets)
        #expect(buckets < 400)  // ln(600) / ln(1.0202) ≈ 321
    }

    @Test("values spanning more than the bucket budget collapse only the lowest quantiles")
    func collapsesLowestBuckets() {
        var sketch = QuantileSketch(relativeAccuracy: 0.01, maxBuckets: 100)
        var values: [Double] = []
        for exponent in stride(from: -6.0, through: 6.0, by: 0.001) { values.append(pow(10, exponent)) }
        for value in values { sketch.add(value) }
        #expect(sketch.hasCollapsed)
        #expect(sketch.bucketCount <= 100)
        let sorted = values.sorted()
        for q in [0.99, 0.999, 1.0] {
            let exact = sorted[Int((q * Double(sorted.count - 1)).rounded(.down))]
            #expect(abs(sketch.quantile(q)! - exact) / exact <= 0.01 + 1e-9)
        }
        // The lowest quantile lost its guarantee but stays within [min, max].
        #expect(sketch.quantile(0.01)! >= sketch.min!)
    }

    @Test("values at or below the minimum go to the zero bucket and answer 0")
    func zeroBucket() {
        var sketch = QuantileSketch()
        for _ in 0..<10 { sketch.add(0) }
        for _ in 0..<10 { sketch.add(5) }
        #expect(sketch.zeroCount == 10)
        #expect(sketch.quantile(0.25) == 0)
        #expect(abs(sketch.quantile(0.9)! - 5) / 5 <= 0.01)
        #expect(QuantileSketch().quantile(0.5) == nil)
    }

    @Test("a sketch survives a JSON round trip unchanged")
    func codable() throws {
        var sketch = QuantileSketch()
        var generator = SeededRandom(seed: 7)
        for _ in 0..<5_000 { sketch.add(exp(generator.normal())) }
        let data = try JSONEncoder().encode(sketch)
        let decoded = try JSONDecoder().decode(QuantileSketch.self, from: data)
        #expect(decoded == sketch)
        #expect(decoded.quantile(0.95) == sketch.quantile(0.95))
        var added = decoded
        added.add(3)
        #expect(added.count == sketch.count + 1)
    }
}
