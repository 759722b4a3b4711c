import Synchronization

/// Makes trace and span ids. Replaceable, as the spec requires; the default is
/// ``RandomIDGenerator``.
public protocol IDGenerator: Sendable {
    func makeTraceID() -> TraceID
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
        let state = counter.wrappingAdd(0x9E37_79B9_7F4A_7C15, ordering: .relaxed).newValue
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public func makeTraceID() -> TraceID {
        while true {
            let id = TraceID(high: next(), low: next())
            if id.isValid { return id }
        }
    }

    public func makeSpanID() -> SpanID {
        while true {
            let id = SpanID(next())
            if id.isValid { return id }
        }
    }
}
