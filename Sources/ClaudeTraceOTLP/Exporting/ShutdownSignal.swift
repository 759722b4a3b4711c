import ClaudeTraceCore

/// Fires once, at shutdown, and wakes everything waiting on it: an exporter's back-off sleeps
/// and in-flight requests end as soon as shutdown begins instead of running to their deadline.
final class ShutdownSignal: Sendable {
    private struct State {
        var fired = false
        var nextWaiter: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
    }

    private let state = Locked(State())

    var hasFired: Bool { state.withLock { $0.fired } }

    /// Fires the signal; returns false if it had already fired.
    @discardableResult
    func fire() -> Bool {
        let waiters: [CheckedContinuation<Void, Never>]? = state.withLock { state in
            guard !state.fired else { return nil }
            state.fired = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        guard let waiters else { return false }
        for waiter in waiters { waiter.resume() }
        return true
    }

    /// Returns once the signal fires or the task is cancelled.
    func wait() async {
        let id = state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                // Checked under the lock: a cancellation handler that ran before this point
                // found nothing to resume, so the continuation must be resumed here.
                let resumeNow = state.withLock { state in
                    if state.fired || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume()
        }
    }

    /// Sleeps for `duration` on `clock`; returns false (early) when the signal fires or the
    /// task is cancelled first.
    func sleep(for duration: Duration, on clock: AnyClock) async -> Bool {
        guard duration > .zero else { return !hasFired && !Task.isCancelled }
        let deadline = clock.now + duration
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                (try? await clock.sleep(until: deadline)) != nil
            }
            group.addTask {
                await self.wait()
                return false
            }
            let slept = await group.next() ?? false
            group.cancelAll()
            return slept && !hasFired
        }
    }
}
