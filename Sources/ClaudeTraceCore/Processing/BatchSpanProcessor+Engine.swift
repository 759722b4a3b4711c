extension BatchSpanProcessor {
    /// The queue and the background loop. Separate from the processor so the worker task does
    /// not keep the processor itself alive.
    ///
    /// Built so the worker keeps up with a producer in a tight loop (millions of spans a second
    /// on one core): spans are appended to the batch being filled, and a full batch moves to the
    /// worker as it is, never copied or split; emptied batch arrays come back for reuse; an
    /// export costs one task (two to a staged exporter: the send, and the export in it that the
    /// watchdog may cancel), and one watchdog task per processor enforces the export timeout
    /// instead of a timer per export. (Before: a task group and a 30 s sleep per export, and
    /// every span copied once more when the worker split what it took into batches.)
    final class Engine: Sendable {
        let exporter: any SpanExporter
        /// The exporter, when it prepares a batch apart from sending it: each batch is then
        /// prepared while the one before it is sent (see `export(_:sends:)`).
        let staged: (any StagedSpanExporter)?
        let configuration: Configuration
        let component: String
        /// Where the worker, its exports and the watchdog run.
        let thread: WorkerThread
        /// Where a staged exporter's sends run, so that the worker prepares the next batch
        /// while one is sent. (On the worker's thread, a send started only once the worker
        /// suspended, after preparing the next batch: W2b-large encoded and sent one after the
        /// other.)
        let sendThread: WorkerThread?
        /// What the schedule delay, the naps and the export timeout are measured on. Only the
        /// worker and the watchdog read it, never `enqueue`.
        let clock: AnyClock
        private let state: Locked<State>

        struct State: Sendable {
            /// The batch being filled. It never holds more than `maxExportBatchSize` spans.
            var filling: [SpanData] = []
            /// Full batches waiting for the worker, oldest first.
            var full: [[SpanData]] = []
            /// Spans in `filling` and `full`: what counts against `maxQueueSize`.
            var queued = 0
            /// Emptied batch arrays, kept so that filling a batch allocates nothing.
            var spares: [[SpanData]] = []
            /// Exported batches whose spans the producers free, one span per `enqueue` (two
            /// while a second batch waits): memory goes back to the allocator on the thread that
            /// took it (see `export(_:)`), at the pace it is taken, so it is mostly reused from
            /// the thread's own cache.
            var reclaim: [SpanData] = []
            var reclaimNext: [SpanData] = []
            /// The batches being exported, in order: the one being sent and, to a staged
            /// exporter, the one prepared behind it. `finish` takes the first back when its export
            /// is over.
            var exporting: [[SpanData]] = []
            /// The worker, while it waits. Whoever takes it out under the lock resumes it, so it
            /// is resumed exactly once. Not a `CheckedContinuation`: that type's layout is hidden
            /// (resilient), so touching the optional on every `enqueue` went through the
            /// runtime's value witnesses and metadata lookups (perf on W1: about 45 ns a span).
            var waiter: UnsafeContinuation<Void, Never>?
            /// The worker wants waking once the queue holds this many spans.
            var wakeThreshold = 1
            var flushWaiters: [CheckedContinuation<Void, Never>] = []
            var shuttingDown = false
            var finished = false
            var exported = 0, dropped = 0, refused = 0, failed = 0
            /// Spans taken into the queue so far: how fast they come (see `Pace`).
            var accepted = 0
            /// The export in flight, which the watchdog cancels at its deadline.
            var inFlight: InFlight?
            var exportsStarted = 0
            /// The watchdog, parked while no export is in flight.
            var watchdogWaiter: CheckedContinuation<Void, Never>?
            /// The task that ends the worker's wait on a clock other than `ContinuousClock`
            /// (see `waitForSignal`).
            var clockTimer: Task<Void, Never>?
            /// Whether the worker has freed `reclaim` and waits for spans; for tests, with
            /// `idleWaiters` (see `waitUntilIdle()`).
            var isIdle = false
            var idleWaiters: [CheckedContinuation<Void, Never>] = []
        }

        struct InFlight: Sendable {
            let number: Int
            let deadline: AnyClock.Instant
            let task: Task<ExportResult, Never>
            var timedOut = false
        }

        /// Emptied batch arrays kept for reuse: enough for the worker to hand one back while the
        /// producers fill the next, without holding a burst's worth of memory afterwards.
        static let maxSpares = 4

        init(exporter: any SpanExporter, configuration: Configuration, component: String, thread: WorkerThread, clock: AnyClock) {
            self.exporter = exporter
            staged = exporter as? any StagedSpanExporter
            sendThread = staged == nil ? nil : WorkerThread(name: "ct-span-send", mayBlock: true)
            self.clock = clock
            self.configuration = configuration
            self.component = component
            self.thread = thread
            var initial = State()
            initial.filling.reserveCapacity(configuration.maxExportBatchSize)
            state = Locked(initial, spinsBeforeSleeping: true)
        }

        var statistics: Statistics {
            state.withLock {
                Statistics(exported: $0.exported, dropped: $0.dropped, refusedAfterShutdown: $0.refused, failed: $0.failed, queued: $0.queued)
            }
        }

        func enqueue(_ span: consuming SpanData) {
            let batchSize = configuration.maxExportBatchSize
            // Moved into the queue, not copied: a copy is a retain of every reference the span
            // holds, and a release of each when the caller's copy goes away.
            var pending: SpanData? = consume span
            // Returns the waiter to wake, and spans of an exported batch (see `reclaim`), which
            // are freed as soon as the lock is released.
            let (waiter, _) = state.withLock { state -> (UnsafeContinuation<Void, Never>?, (SpanData?, SpanData?)) in
                let reclaimed = state.reclaim.isEmpty ? (nil, nil) : Self.takeReclaimed(&state)
                if state.shuttingDown {
                    state.refused += 1
                    return (nil, reclaimed)
                }
                guard state.queued < configuration.maxQueueSize else {
                    state.dropped += 1
                    return (nil, reclaimed)
                }
                state.filling.append(pending.take()!)
                state.queued += 1
                state.accepted &+= 1
                if state.filling.count >= batchSize {
                    var next = state.spares.popLast() ?? []
                    if next.capacity < batchSize { next.reserveCapacity(batchSize) }
                    swap(&next, &state.filling)
                    state.full.append(next)
                }
                guard state.queued >= state.wakeThreshold, let waiter = state.waiter else { return (nil, reclaimed) }
                state.waiter = nil
                return (waiter, reclaimed)
            }
            waiter?.resume()
        }

        /// Moves one span out of `reclaim` (two while `reclaimNext` waits), and its array to the
        /// spares once empty.
        private static func takeReclaimed(_ state: inout State) -> (SpanData?, SpanData?) {
            let taken = (state.reclaim.popLast(), state.reclaimNext.isEmpty ? nil : state.reclaim.popLast())
            if state.reclaim.isEmpty {
                var emptied: [SpanData] = []
                swap(&emptied, &state.reclaim)
                swap(&state.reclaim, &state.reclaimNext)
                if state.spares.count < maxSpares { state.spares.append(emptied) }
            }
            return taken
        }

        func forceFlush() async {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let (flushNow, waiter) = state.withLock { state -> (Bool, UnsafeContinuation<Void, Never>?) in
                    guard !state.finished else { return (true, nil) }
                    state.flushWaiters.append(continuation)
                    defer { state.waiter = nil }
                    return (false, state.waiter)
                }
                waiter?.resume()
                if flushNow { continuation.resume() }
            }
        }

        func beginShutdown() {
            let waiter: UnsafeContinuation<Void, Never>? = state.withLock { state in
                state.shuttingDown = true
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }

        private enum Step {
            /// Export `batches` (see `run()`), then resume `flushes`, then shut down if asked.
            case export(flushes: [CheckedContinuation<Void, Never>], shutdown: Bool)
            case waitForSpans
            /// Spans wait, fewer than a batch: `accepted` so far, `queued` now.
            case wait(until: AnyClock.Instant, accepted: Int, queued: Int)
        }

        /// How fast spans come since the last export. While spans wait, the worker naps on its
        /// own timer instead of having the producer that fills a batch wake it: waking a
        /// sleeping thread costs the producer a futex call and, on a VM, an interrupt to an idle
        /// core (perf on W1: about 15 µs a wake, 30 ns a span). The first nap lasts half the
        /// time the batch being filled should take at that pace, since a timer on a VM fires up
        /// to 100 µs late (W1 fills a batch in about 200 µs); if the batch is not full then, a
        /// second nap lasts until it should be; after that the producers wake the worker when
        /// the batch is full. The producers also wake it if the queue holds one and a half
        /// batches before a nap ends; a nap cut short so means the pace cannot be trusted, and
        /// the next batch is waited for without a nap. (With one nap until the batch should be
        /// full, the producers still woke the worker for 1,500–1,700 of W1's 2,150 batches;
        /// with a first nap of half that, for 240–500.)
        struct Pace {
            var since: AnyClock.Instant
            var accepted: Int

            /// When `missing` more spans will have come at the pace measured so far; nil when
            /// none came.
            func due(now: AnyClock.Instant, accepted: Int, missing: Int) -> AnyClock.Instant? {
                let count = accepted &- self.accepted
                guard count > 0 else { return nil }
                return now + (now - since) / count * missing
            }
        }

        func run() async {
            let watchdog = configuration.exportTimeout > .zero ? Task(executorPreference: thread) { await self.watch() } : nil
            var deadline = clock.now + configuration.scheduleDelay
            var reportedDrops = 0
            var pace = Pace(since: clock.now, accepted: 0)
            /// Naps since the last export, and whether the last one was cut short by the producers.
            var naps = 0, napCutShort = false
            /// The batches to export, in order, each at most `maxExportBatchSize` spans and never
            /// empty. Kept between exports, as is the queue's list of full batches: their buffers
            /// are allocated once, each on its own thread. (Swapping the list out instead left the
            /// producer to allocate a new one for every batch and the worker to free it, into the
            /// producer's arena, under its lock.)
            var batches: [[SpanData]] = []
            /// A staged exporter's sends, left in flight while the worker waits for the next batch.
            var sends = Sends()
            while true {
                let now = clock.now
                let step: Step = state.withLock { state in
                    state.isIdle = false
                    let flushing = state.shuttingDown || !state.flushWaiters.isEmpty
                    let due = state.queued > 0 && now >= deadline
                    guard flushing || due || !state.full.isEmpty else {
                        return state.queued == 0 ? .waitForSpans : .wait(until: deadline, accepted: state.accepted, queued: state.queued)
                    }
                    batches.append(contentsOf: state.full)
                    state.full.removeAll(keepingCapacity: true)
                    if (flushing || due) && !state.filling.isEmpty {
                        var next = state.spares.popLast() ?? []
                        if next.capacity < configuration.maxExportBatchSize { next.reserveCapacity(configuration.maxExportBatchSize) }
                        swap(&next, &state.filling)
                        batches.append(next)
                    }
                    state.queued = state.filling.count
                    pace = Pace(since: now, accepted: state.accepted)
                    if naps == 0 { napCutShort = false }
                    naps = 0
                    var flushes: [CheckedContinuation<Void, Never>] = []
                    if flushing { swap(&flushes, &state.flushWaiters) }
                    return .export(flushes: flushes, shutdown: state.shuttingDown)
                }
                switch step {
                case .waitForSpans:
                    freeReclaim(goingIdle: true)
                    await waitForSignal(threshold: 1)
                case .wait(let until, let accepted, let queued):
                    let batch = configuration.maxExportBatchSize
                    if naps < 2, !napCutShort, let due = pace.due(now: now, accepted: accepted, missing: batch - queued), due < until {
                        naps += 1
                        let wake = naps == 1 ? now + (due - now) / 2 : due
                        await waitForSignal(threshold: min(batch + batch / 2, configuration.maxQueueSize), orUntil: wake)
                        napCutShort = clock.now < wake
                    } else {
                        await waitForSignal(threshold: batch, orUntil: until)
                    }
                case .export(let flushes, let shutdown):
                    await export(&batches, sends: &sends)
                    if !flushes.isEmpty || shutdown { await sends.finish() }
                    let drops = state.withLock { $0.dropped }
                    if drops > reportedDrops {
                        Diagnostics.report(.warning, component: component, "dropped \(drops - reportedDrops) spans: the queue was full (maxQueueSize \(configuration.maxQueueSize)); \(drops) in all")
                        reportedDrops = drops
                    }
                    if !flushes.isEmpty || shutdown { _ = await exporter.forceFlush() }
                    if shutdown {
                        await exporter.shutdown()
                        freeReclaim()
                        let (late, watchdogWaiter, clockTimer) = state.withLock { state in
                            state.finished = true
                            defer {
                                state.flushWaiters = []
                                state.watchdogWaiter = nil
                                state.clockTimer = nil
                                state.idleWaiters = []
                            }
                            return (state.flushWaiters + state.idleWaiters, state.watchdogWaiter, state.clockTimer)
                        }
                        clockTimer?.cancel()
                        watchdogWaiter?.resume()
                        watchdog?.cancel()
                        await watchdog?.value
                        for flush in flushes + late { flush.resume() }
                        return
                    }
                    for flush in flushes { flush.resume() }
                    deadline = clock.now + configuration.scheduleDelay
                }
            }
        }

        /// Exports `batches` in order, one export at a time, and empties the list.
        ///
        /// To a staged exporter, each batch is prepared (encoded) while the one before it is sent,
        /// and its send is queued on `sendThread` behind that one: when a send is over, the next
        /// starts there at once, without waiting for the worker, which meanwhile prepares the
        /// batch after it. An OTLP export mostly waits for the collector, so this hides the
        /// encoding and keeps the worker's wake-ups out of the way between two sends.
        private func export(_ batches: inout [[SpanData]], sends: inout Sends) async {
            for index in batches.indices {
                var batch: [SpanData] = []
                swap(&batch, &batches[index])
                let count = batch.count
                // At most one batch prepared ahead of the send in flight.
                await sends.beforeLast?.value
                let export = prepare(batch)
                // The batch waits in the state while it is exported, not only in a closure, so
                // that `finish` gets it back as the only reference once the export is over.
                state.withLock { state in
                    state.exporting.append([])
                    swap(&state.exporting[state.exporting.count - 1], &batch)
                }
                guard let sendThread else {
                    finish(await exportWithTimeout(count, on: thread, consume export))
                    continue
                }
                let previous = sends.last
                sends.beforeLast = previous
                sends.last = Task(executorPreference: sendThread) { [self] in
                    await previous?.value
                    finish(await exportWithTimeout(count, on: sendThread, export))
                    // If the worker went idle meanwhile, free and tell as it would have.
                    freeReclaim(goingIdle: true, onlyIfIdle: true)
                }
            }
            batches.removeAll(keepingCapacity: true)
        }

        /// A staged exporter's sends in flight: each waits for the one before it.
        struct Sends {
            var last: Task<Void, Never>?
            var beforeLast: Task<Void, Never>?

            mutating func finish() async {
                await last?.value
                self = Sends()
            }
        }

        /// What exports `batch`: for a staged exporter, the batch is prepared now and the
        /// closure sends it.
        private func prepare(_ batch: [SpanData]) -> @Sendable () async -> ExportResult {
            if let staged { return Self.prepare(batch, for: staged) }
            let exporter = self.exporter
            return { await exporter.export(batch) }
        }

        private static func prepare<Exporter: StagedSpanExporter>(
            _ batch: [SpanData], for exporter: Exporter
        ) -> @Sendable () async -> ExportResult {
            let prepared = exporter.prepare(batch)
            return { await exporter.export(prepared: prepared) }
        }

        /// Counts the outcome of the export of `exporting` and hands the batch to the producers
        /// to free (see `reclaim`), or frees it here when two batches already wait for them.
        ///
        /// Why the producers free it: glibc returns a block freed on another thread to the
        /// allocating thread's arena under that arena's lock, so a worker freeing a tight-loop
        /// producer's spans fought it for the lock on every block (perf on W1: a fifth of all
        /// samples were futex waits and wakes on the arena lock).
        private func finish(_ result: ExportResult) {
            var leftover: [SpanData] = []
            state.withLock { state in
                if !state.exporting.isEmpty { leftover = state.exporting.removeFirst() }
                if result == .success { state.exported += leftover.count } else { state.failed += leftover.count }
                if state.reclaim.isEmpty {
                    swap(&leftover, &state.reclaim)
                } else if state.reclaimNext.isEmpty {
                    swap(&leftover, &state.reclaimNext)
                }
            }
            guard !leftover.isEmpty else { return }
            // The spans are destroyed here, not under the lock.
            leftover.removeAll(keepingCapacity: true)
            state.withLock { state in
                if state.spares.count < Self.maxSpares && leftover.capacity >= configuration.maxExportBatchSize {
                    state.spares.append(leftover)
                }
            }
        }

        /// Frees what the producers left in `reclaim` and `reclaimNext`, once they have gone
        /// quiet; `goingIdle` when the worker is about to wait for spans; `onlyIfIdle` after a
        /// send, only if the worker still waits.
        private func freeReclaim(goingIdle: Bool = false, onlyIfIdle: Bool = false) {
            var leftover: [SpanData] = []
            var next: [SpanData] = []
            let idleWaiters: [CheckedContinuation<Void, Never>] = state.withLock { state in
                if onlyIfIdle && !state.isIdle { return [] }
                swap(&leftover, &state.reclaim)
                swap(&next, &state.reclaimNext)
                guard goingIdle else { return [] }
                state.isIdle = true
                // A send in flight does this again when it is done.
                guard state.exporting.isEmpty else { return [] }
                defer { state.idleWaiters = [] }
                return state.idleWaiters
            }
            leftover = []
            next = []
            for waiter in idleWaiters { waiter.resume() }
        }

        /// Returns once the worker has emptied the queue, freed the exported spans and waits for
        /// more (at once if it does): lets a test check what it frees without polling.
        func waitUntilIdle() async {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let idle = state.withLock { state in
                    if (state.isIdle && state.queued == 0 && state.exporting.isEmpty) || state.finished { return true }
                    state.idleWaiters.append(continuation)
                    return false
                }
                if idle { continuation.resume() }
            }
        }

        /// Runs the export of `count` spans in a task of its own, which the watchdog cancels if
        /// it passes the export timeout; a cancelled export counts as failed.
        private func exportWithTimeout(
            _ count: Int, on executor: WorkerThread, _ operation: @escaping @Sendable () async -> ExportResult
        ) async -> ExportResult {
            let timeout = configuration.exportTimeout
            guard timeout > .zero else { return await operation() }
            let deadline = clock.now + timeout
            let task = Task(executorPreference: executor) { await operation() }
            let (number, watchdogWaiter) = state.withLock { state in
                state.exportsStarted += 1
                state.inFlight = InFlight(number: state.exportsStarted, deadline: deadline, task: task)
                defer { state.watchdogWaiter = nil }
                return (state.exportsStarted, state.watchdogWaiter)
            }
            watchdogWaiter?.resume()
            let result = await task.value
            let timedOut = state.withLock { state in
                defer { state.inFlight = nil }
                return state.inFlight?.number == number && state.inFlight?.timedOut == true
            }
            guard !timedOut else {
                Diagnostics.report(.warning, component: component, "an export of \(count) spans took longer than the export timeout (\(timeout)) and was cancelled")
                return .failure
            }
            return result
        }

        /// The watchdog: sleeps until the deadline of the export in flight and cancels it if it
        /// is still running then. While exports follow each other it wakes about once per export
        /// timeout, not once per export; with none in flight it parks.
        private func watch() async {
            while let (number, deadline) = await exportToWatch() {
                try? await clock.sleep(until: deadline)
                let overdue: Task<ExportResult, Never>? = state.withLock { state in
                    guard state.inFlight?.number == number, clock.now >= deadline else { return nil }
                    state.inFlight?.timedOut = true
                    return state.inFlight?.task
                }
                overdue?.cancel()
            }
        }

        /// The export in flight, waiting for one to start; nil once the processor has finished.
        private func exportToWatch() async -> (Int, AnyClock.Instant)? {
            while true {
                enum Found { case export(Int, AnyClock.Instant), finished, none }
                let found: Found = state.withLock { state in
                    if state.finished { return .finished }
                    if let inFlight = state.inFlight, !inFlight.timedOut { return .export(inFlight.number, inFlight.deadline) }
                    return .none
                }
                switch found {
                case .export(let number, let deadline): return (number, deadline)
                case .finished: return nil
                case .none: break
                }
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let ready = state.withLock { state in
                        if state.finished || (state.inFlight.map { !$0.timedOut } ?? false) { return true }
                        state.watchdogWaiter = continuation
                        return false
                    }
                    if ready { continuation.resume() }
                }
            }
        }

        /// Suspends until the queue holds `threshold` spans, a flush or shutdown is asked for,
        /// or `deadline` passes.
        private func waitForSignal(threshold: Int, orUntil deadline: AnyClock.Instant? = nil) async {
            if let deadline {
                if clock.isContinuous {
                    thread.setTimer(after: deadline - clock.now) { [self] in resumeWorker() }
                } else {
                    // Another clock (a test's) can only be slept on. The task runs on the worker
                    // thread, so it cannot resume the worker before the worker waits.
                    let timer = Task(executorPreference: thread) { [self] in
                        guard (try? await clock.sleep(until: deadline)) != nil else { return }
                        resumeWorker()
                    }
                    state.withLock { state in
                        defer { state.clockTimer = timer }
                        return state.clockTimer
                    }?.cancel()
                }
            }
            await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
                let resumeNow = state.withLock { state in
                    if state.queued >= threshold || !state.flushWaiters.isEmpty || state.shuttingDown { return true }
                    state.waiter = continuation
                    state.wakeThreshold = threshold
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        }

        /// Resumes the worker if it waits (a timer that fires late only makes it look again).
        private func resumeWorker() {
            let waiter = state.withLock { state in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }
    }
}
