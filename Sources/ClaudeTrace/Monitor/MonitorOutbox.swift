/// The bounded queue between the caller's path and the monitor's background task: request log
/// lines, alert notifications and alert evaluations wait here. `enqueue` takes a short lock and
/// never blocks; when the queue is full the newest item is dropped and counted. Flush markers
/// are never dropped (a flush must return).
final class MonitorOutbox: Sendable {
    enum Item: Sendable {
        case call(RequestLogRecord)
        case alert(AlertNotification)
        case evaluateAlerts
        case flush(CheckedContinuation<Void, Never>)
    }

    struct Statistics: Sendable, Equatable {
        var droppedLogLines = 0
        var droppedAlerts = 0
        var writtenLogLines = 0
        var failedWrites = 0
    }

    private struct State {
        var items: [Item] = []
        /// The array the worker hands back, so the queue reuses its storage.
        var spare: [Item] = []
        var waiter: CheckedContinuation<Void, Never>?
        var evaluationPending = false
        var closed = false
        var statistics = Statistics()
    }

    let capacity: Int
    private let state: Locked<State>

    init(capacity: Int) {
        self.capacity = max(1, capacity)
        var initial = State()
        initial.items.reserveCapacity(min(self.capacity, 1024))
        state = Locked(initial)
    }

    var statistics: Statistics { state.withLock { $0.statistics } }

    /// Queues `item` unless the queue is full or closed; returns whether it was queued.
    @discardableResult
    func enqueue(_ item: Item) -> Bool {
        let (queued, waiter): (Bool, CheckedContinuation<Void, Never>?) = state.withLock { state in
            guard !state.closed, state.items.count < capacity else {
                switch item {
                case .call: state.statistics.droppedLogLines += 1
                case .alert: state.statistics.droppedAlerts += 1
                case .evaluateAlerts, .flush: break
                }
                return (false, nil)
            }
            state.items.append(item)
            defer { state.waiter = nil }
            return (true, state.waiter)
        }
        waiter?.resume()
        return queued
    }

    /// Asks the worker for one alert evaluation; a request already waiting covers this one.
    func requestEvaluation() {
        let waiter: CheckedContinuation<Void, Never>? = state.withLock { state in
            guard !state.closed, !state.evaluationPending else { return nil }
            state.evaluationPending = true
            state.items.append(.evaluateAlerts)
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Returns once everything queued before the call has been handled (at once when closed).
    func flush() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let (accepted, waiter): (Bool, CheckedContinuation<Void, Never>?) = state.withLock { state in
                guard !state.closed else { return (false, nil) }
                state.items.append(.flush(continuation))
                defer { state.waiter = nil }
                return (true, state.waiter)
            }
            waiter?.resume()
            if !accepted { continuation.resume() }
        }
    }

    /// Refuses new items; the worker handles what is queued, then ``next()`` returns nil.
    func close() {
        let waiter: CheckedContinuation<Void, Never>? = state.withLock { state in
            state.closed = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Hands back the storage of a processed batch.
    func recycle(_ batch: inout [Item], written: Int, failed: Int) {
        batch.removeAll(keepingCapacity: true)
        let storage = batch
        state.withLock { state in
            state.statistics.writtenLogLines += written
            state.statistics.failedWrites += failed
            if state.spare.capacity < storage.capacity { state.spare = storage }
        }
    }

    /// The next batch of items, waiting for one; nil once closed and drained.
    func next() async -> [Item]? {
        while true {
            enum Step { case batch([Item]), finished, wait }
            let step: Step = state.withLock { state in
                if !state.items.isEmpty {
                    var batch = state.spare
                    state.spare = []
                    swap(&batch, &state.items)
                    state.evaluationPending = false
                    return .batch(batch)
                }
                return state.closed ? .finished : .wait
            }
            switch step {
            case .batch(let batch): return batch
            case .finished: return nil
            case .wait:
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let resumeNow = state.withLock { state in
                        guard state.items.isEmpty, !state.closed else { return true }
                        state.waiter = continuation
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            }
        }
    }
}
