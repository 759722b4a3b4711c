/// A clock that moves only when told to: tests inject it into the batch processor, the metric
/// reader or an exporter, wait until the code under test sleeps on it, and advance it, instead
/// of sleeping and reading wall time.
///
/// ```swift
/// let clock = ManualClock()
/// let processor = BatchSpanProcessor(exporter: exporter, configuration: .init(scheduleDelay: .seconds(5)), clock: clock)
/// processor.onEnd(span)
/// await clock.waitForSleeper(until: clock.now + .seconds(5))   // the worker waits for the delay
/// clock.advance(by: .seconds(5))
/// let batch = try await exporter.nextBatch()
/// ```
package final class ManualClock: Clock, Sendable {
    package typealias Instant = AnyClock.Instant

    private struct Sleeper: Sendable {
        var id: UInt64
        var deadline: Instant
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct Watcher: Sendable {
        var matches: @Sendable (Instant) -> Bool
        var continuation: CheckedContinuation<Instant, Never>
    }

    private struct State: Sendable {
        var now: Instant
        var nextID: UInt64 = 0
        var sleepers: [Sleeper] = []
        var watchers: [Watcher] = []
    }

    private let state: Locked<State>

    /// A clock that reads `now` until advanced.
    package init(now: Instant = Instant(offset: .zero)) {
        state = Locked(State(now: now))
    }

    package var now: Instant { state.withLock { $0.now } }

    package var minimumResolution: Duration { .zero }

    /// Returns once the clock reaches `deadline` (at once if it has); throws
    /// `CancellationError` if the task is cancelled first.
    package func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                enum Outcome { case elapsed, cancelled, sleeping([Watcher]) }
                // Checked under the lock: a cancellation handler that ran before this point
                // found nothing to resume.
                let outcome: Outcome = state.withLock { state in
                    if Task.isCancelled { return .cancelled }
                    if deadline <= state.now { return .elapsed }
                    state.sleepers.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
                    let (ready, waiting) = state.watchers.split { $0.matches(deadline) }
                    state.watchers = waiting
                    return .sleeping(ready)
                }
                switch outcome {
                case .elapsed: continuation.resume()
                case .cancelled: continuation.resume(throwing: CancellationError())
                case .sleeping(let ready): for watcher in ready { watcher.continuation.resume(returning: deadline) }
                }
            }
        } onCancel: {
            let sleeper: Sleeper? = state.withLock { state in
                guard let index = state.sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                return state.sleepers.remove(at: index)
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves the clock forward by `duration` and wakes every sleeper whose deadline it reaches,
    /// earliest first.
    package func advance(by duration: Duration) {
        let due: [Sleeper] = state.withLock { state in
            state.now = state.now + max(duration, .zero)
            let (due, waiting) = state.sleepers.split { $0.deadline <= state.now }
            state.sleepers = waiting
            return due.sorted { $0.deadline < $1.deadline }
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    /// Moves the clock forward to `instant` (never back) and wakes the sleepers it reaches.
    package func advance(to instant: Instant) {
        advance(by: instant - now)
    }

    /// Returns once a task sleeps on this clock until exactly `deadline` (at once if one does).
    package func waitForSleeper(until deadline: Instant) async {
        _ = await waitForSleeper { $0 == deadline }
    }

    /// Returns the deadline of a task sleeping on this clock until an instant that `matches`,
    /// once there is one.
    @discardableResult
    package func waitForSleeper(where matches: @escaping @Sendable (Instant) -> Bool) async -> Instant {
        await withCheckedContinuation { (continuation: CheckedContinuation<Instant, Never>) in
            let found: Instant? = state.withLock { state in
                if let sleeper = state.sleepers.first(where: { matches($0.deadline) }) { return sleeper.deadline }
                state.watchers.append(Watcher(matches: matches, continuation: continuation))
                return nil
            }
            if let found { continuation.resume(returning: found) }
        }
    }

    /// The deadlines of the tasks sleeping on this clock now, earliest first.
    package var sleeperDeadlines: [Instant] { state.withLock { $0.sleepers.map(\.deadline).sorted() } }
}

private extension Array {
    /// The elements that satisfy `belongs`, and the rest, each in order.
    func split(_ belongs: (Element) -> Bool) -> (matching: [Element], rest: [Element]) {
        var matching: [Element] = [], rest: [Element] = []
        for element in self {
            if belongs(element) { matching.append(element) } else { rest.append(element) }
        }
        return (matching, rest)
    }
}
