import Synchronization

/// Makes trace and span ids. Replaceable, as the spec requires; the default is
/// ``RandomIDGenerator``.
public protocol IDGenerator: Sendable {
    /// A new trace id for a root span; never all-zero (an all-zero id is invalid).
    func makeTraceID() -> TraceID
    /// A new span id; never all-zero.
    func makeSpanID() -> SpanID
}

/// Fast, lock-free random ids.
///
/// `SystemRandomNumberGenerator` costs about 1 µs per 64 bits on Linux (one `getrandom`
/// syscall), more than a whole span should. So the system's secure source seeds a SplitMix64
/// sequence once, and each id is one relaxed atomic add plus a mixing function: no lock, no
/// syscall, safe from any thread. SplitMix64's output passes BigCrush and is a bijection of its
/// counter, so ids do not repeat within 2⁶⁴ draws. They are unpredictable to anyone who has not
/// seen earlier ids; ids are identifiers, not secrets.
public final class RandomIDGenerator: IDGenerator {
    private let counter: Atomic<UInt64>

    /// A generator seeded from the system's secure random source.
    public init() {
        var system = SystemRandomNumberGenerator()
        counter = Atomic(system.next())
    }

    /// A reproducible sequence, for tests only.
    public init(seed: UInt64) {
        counter = Atomic(seed)
    }

    @inline(__always)
    private func next() -> UInt64 {
        Self.mix(counter.wrappingAdd(0x9E37_79B9_7F4A_7C15, ordering: .relaxed).newValue)
    }

    /// SplitMix64's output function.
    @inline(__always)
    static func mix(_ state: UInt64) -> UInt64 {
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A root span's trace id and span id from one atomic step instead of three: the same
    /// three SplitMix64 outputs, one `wrappingAdd` of 3γ. (The three adds were contended
    /// cache-line traffic between producers, and 10% of an unsampled span.)
    @inline(__always)
    func makeTraceAndSpanID() -> (TraceID, SpanID) {
        let gamma: UInt64 = 0x9E37_79B9_7F4A_7C15
        let last = counter.wrappingAdd(3 &* gamma, ordering: .relaxed).newValue
        let traceID = TraceID(high: Self.mix(last &- 2 &* gamma), low: Self.mix(last &- gamma))
        let spanID = SpanID(Self.mix(last))
        guard traceID.isValid, spanID.isValid else { return (makeTraceID(), makeSpanID()) }
        return (traceID, spanID)
    }

    /// A random trace id, never all-zero.
    public func makeTraceID() -> TraceID {
        while true {
            let id = TraceID(high: next(), low: next())
            if id.isValid { return id }
        }
    }

    /// A random span id, never all-zero.
    public func makeSpanID() -> SpanID {
        while true {
            let id = SpanID(next())
            if id.isValid { return id }
        }
    }
}

/// A small deterministic generator (SplitMix64, the sequence `RandomIDGenerator` draws ids
/// from): the same seed gives the same numbers. For the simulated Claude, the demo's `--seed`,
/// and tests, never for ids.
package struct SeededRandom: RandomNumberGenerator, Sendable {
    package var state: UInt64

    package init(seed: UInt64) { state = seed }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return RandomIDGenerator.mix(state)
    }
}
