/// Any clock that measures in `Duration`, behind one concrete type, so that the SDK's
/// timer-driven parts (the batch processor, the metric reader, the exporters' retry waits) take
/// an injected clock without becoming generic. Tests inject a ``ManualClock``.
///
/// Its instants count from the moment the clock was wrapped. Reading it costs a closure call:
/// only the background side (a worker deciding when to export, an exporter between attempts)
/// reads it, never a span's start or end.
package struct AnyClock: Clock {
    /// A point in time, as the time passed since the clock's origin.
    package struct Instant: InstantProtocol, CustomStringConvertible {
        /// The time since the clock's origin.
        package var offset: Duration

        package init(offset: Duration) { self.offset = offset }

        package func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        package func duration(to other: Instant) -> Duration { other.offset - offset }
        package static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
        package static func + (lhs: Instant, rhs: Duration) -> Instant { lhs.advanced(by: rhs) }
        package static func - (lhs: Instant, rhs: Duration) -> Instant { lhs.advanced(by: .zero - rhs) }
        package static func - (lhs: Instant, rhs: Instant) -> Duration { rhs.duration(to: lhs) }
        package var description: String { "\(offset)" }
    }

    private let read: @Sendable () -> Duration
    private let sleeper: @Sendable (Instant, Duration?) async throws -> Void
    package let minimumResolution: Duration
    /// Whether this is the system's `ContinuousClock`, which the batch processor's worker
    /// thread times with a timer of its own instead of a sleeping task.
    package let isContinuous: Bool

    /// Wraps `clock`; the instant it reads now becomes this clock's origin.
    package init<Wrapped: Clock>(_ clock: Wrapped) where Wrapped.Duration == Duration {
        if let clock = clock as? AnyClock {
            self = clock
            return
        }
        let origin = clock.now
        read = { origin.duration(to: clock.now) }
        sleeper = { deadline, tolerance in
            try await clock.sleep(until: origin.advanced(by: deadline.offset), tolerance: tolerance)
        }
        minimumResolution = clock.minimumResolution
        isContinuous = Wrapped.self == ContinuousClock.self
    }

    package var now: Instant { Instant(offset: read()) }

    package func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        try await sleeper(deadline, tolerance)
    }
}
