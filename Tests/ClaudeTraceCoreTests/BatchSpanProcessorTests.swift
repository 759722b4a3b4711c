import Synchronization
import Testing
@testable import ClaudeTraceCore

/// An exporter that holds every export until released: lets a test fill the queue.
final class GatedExporter: SpanExporter {
    private let state = Locked<(open: Bool, waiters: [CheckedContinuation<Void, Never>], spans: [SpanData], batchSizes: [Int])>((false, [], [], []))

    func export(_ batch: [SpanData]) async -> ExportResult {
        await withCheckedContinuation { continuation in
            let open = state.withLock { state in
                if !state.open { state.waiters.append(continuation) }
                return state.open
            }
            if open { continuation.resume() }
        }
        state.withLock {
            $0.spans += batch
            $0.batchSizes.append(batch.count)
        }
        return .success
    }

    func open() {
        let waiters = state.withLock { state in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    var spans: [SpanData] { state.withLock { $0.spans } }
    var batchSizes: [Int] { state.withLock { $0.batchSizes } }
}

final class RecordingProcessor: SpanProcessor {
    private let spans = Locked<[SpanData]>([])
    func onEnd(_ span: SpanData) { spans.withLock { $0.append(span) } }
    var ended: [SpanData] { spans.withLock { $0 } }
}

/// Keeps a weak reference to the storage of every span it exports.
final class WatchingExporter: SpanExporter {
    struct Weak: @unchecked Sendable {  // Only compared with nil after the exports are over.
        weak var storage: AnyObject?
    }
    private let watched = Locked<[Weak]>([])

    func export(_ batch: [SpanData]) async -> ExportResult {
        watched.withLock { watched in
            for span in batch { watched.append(Weak(storage: span.record.storage)) }
        }
        return .success
    }

    var exported: Int { watched.withLock { $0.count } }
    var alive: Int { watched.withLock { $0.filter { $0.storage != nil }.count } }
}

/// A staged exporter whose sends wait until opened. Records what it prepares and sends, in
/// order, and whether two sends ever overlapped.
final class StagedRecorder: StagedSpanExporter {
    private struct State {
        var open = false
        var gate: [CheckedContinuation<Void, Never>] = []
        var events: [String] = []
        var prepared = 0
        var preparedWaiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
        var sending = 0
        var overlaps = 0
        /// `DedicatedThread.mayBlock` where each batch was prepared, and where it was sent.
        var mayBlock: [String] = []
    }
    private let state = Locked(State())

    func prepare(_ batch: [SpanData]) -> String {
        let names = batch.map(\.name).joined(separator: " ")
        let ready = state.withLock { state in
            state.events.append("prepare \(names)")
            state.mayBlock.append("prepare \(DedicatedThread.mayBlock)")
            state.prepared += 1
            let count = state.prepared
            defer { state.preparedWaiters.removeAll { $0.count <= count } }
            return state.preparedWaiters.filter { $0.count <= count }.map(\.continuation)
        }
        for waiter in ready { waiter.resume() }
        return names
    }

    func export(prepared names: String) async -> ExportResult {
        state.withLock { state in
            state.sending += 1
            if state.sending > 1 { state.overlaps += 1 }
            state.events.append("send \(names)")
            state.mayBlock.append("send \(DedicatedThread.mayBlock)")
        }
        await withCheckedContinuation { continuation in
            let open = state.withLock { state in
                if !state.open { state.gate.append(continuation) }
                return state.open
            }
            if open { continuation.resume() }
        }
        state.withLock { state in
            state.sending -= 1
            state.events.append("sent \(names)")
        }
        return .success
    }

    /// Lets every send through, now and later.
    func open() {
        let waiting = state.withLock { state in
            state.open = true
            defer { state.gate = [] }
            return state.gate
        }
        for waiter in waiting { waiter.resume() }
    }

    /// Returns once `count` batches have been prepared.
    func waitUntilPrepared(_ count: Int) async {
        await withCheckedContinuation { continuation in
            let done = state.withLock { state in
                if state.prepared >= count { return true }
                state.preparedWaiters.append((count, continuation))
                return false
            }
            if done { continuation.resume() }
        }
    }

    var events: [String] { state.withLock { $0.events } }
    var overlaps: Int { state.withLock { $0.overlaps } }
    var mayBlock: [String] { state.withLock { $0.mayBlock } }
}

func makeSpanData(_ name: String, sampled: Bool = true) -> SpanData {
    let generator = RandomIDGenerator()
    return SpanData(
        name: name,
        context: SpanContext(traceID: generator.makeTraceID(), spanID: generator.makeSpanID(), traceFlags: sampled ? .sampled : []),
        startTimeNanoseconds: 1, endTimeNanoseconds: 2)
}

@Suite("Batch span processor")
struct BatchSpanProcessorTests {
    @Test("exported spans are freed: by the producers as they end more, by the worker once they stop, all by shutdown")
    func exportedSpansAreFreed() async {
        let exporter = WatchingExporter()
        let processor = BatchSpanProcessor(exporter: exporter, configuration: .init(maxQueueSize: 64, maxExportBatchSize: 16, scheduleDelay: .milliseconds(5)))
        let provider = TracerProvider(resource: Resource(), processors: [processor])
        let tracer = provider.tracer("tests")
        for round in 0..<20 {
            for index in 0..<16 { tracer.startSpan("s\(round).\(index)").end() }
            await provider.forceFlush()
        }
        // At most the two batches that wait for the producers are still alive.
        #expect(exporter.exported == 320)
        #expect(exporter.alive <= 32)
        // Quiet: the worker frees them itself once its queue is empty.
        await processor.waitUntilIdle()
        #expect(exporter.alive == 0)
        tracer.startSpan("last").end()
        await provider.shutdown()
        #expect(exporter.exported == 321 && exporter.alive == 0)
    }

    @Test("a full queue drops the newest spans and counts them, and end() never waits for the exporter")
    func queueFullDrops() async {
        let exporter = GatedExporter()
        let processor = BatchSpanProcessor(exporter: exporter, configuration: .init(maxQueueSize: 10, maxExportBatchSize: 5, scheduleDelay: .seconds(60)))
        // The exporter is stuck, so the worker holds at most one taken batch; the queue fills.
        for index in 0..<100 { processor.onEnd(makeSpanData("s\(index)")) }
        let statistics = processor.statistics
        #expect(statistics.dropped >= 80)
        #expect(statistics.dropped + statistics.queued + 10 >= 100)
        exporter.open()
        await processor.shutdown()
        let final = processor.statistics
        #expect(final.exported + final.dropped == 100)
        #expect(exporter.spans.count == final.exported)
        // Newest dropped: the first spans survive.
        #expect(exporter.spans.prefix(5).map(\.name) == ["s0", "s1", "s2", "s3", "s4"])
    }

    @Test("forceFlush exports every span that ended before it, in batches no larger than the batch size")
    func flushExportsEarlierSpans() async {
        let exporter = InMemorySpanExporter()
        let processor = BatchSpanProcessor(exporter: exporter, configuration: .init(maxQueueSize: 100, maxExportBatchSize: 7, scheduleDelay: .seconds(60)))
        for index in 0..<50 { processor.onEnd(makeSpanData("s\(index)")) }
        await processor.forceFlush()
        #expect(exporter.exportedSpans.map(\.name) == (0..<50).map { "s\($0)" })
        #expect(exporter.exportCount >= 8)
        #expect(processor.statistics.exported == 50)
        await processor.shutdown()
    }

    @Test("a full batch is exported without waiting for the schedule delay")
    func fullBatchWakesEarly() async throws {
        let exporter = InMemorySpanExporter()
        // The clock never moves, so only the full batch can start the export.
        let processor = BatchSpanProcessor(exporter: exporter, configuration: .init(maxQueueSize: 100, maxExportBatchSize: 4, scheduleDelay: .seconds(5)), clock: ManualClock())
        for index in 0..<4 { processor.onEnd(makeSpanData("s\(index)")) }
        #expect(try await exporter.nextBatch().map(\.name) == ["s0", "s1", "s2", "s3"])
        await processor.shutdown()
    }

    @Test("the worker's nap lasts until the missing spans should have come at the pace measured since the last export")
    func napLength() {
        let start = AnyClock.Instant(offset: .seconds(7))
        let pace = BatchSpanProcessor.Engine.Pace(since: start, accepted: 1_000)
        let now = start + .milliseconds(2)
        // 400 spans in 2 ms: 5 µs a span, so 112 more take 560 µs.
        #expect(pace.due(now: now, accepted: 1_400, missing: 112) == now + .microseconds(560))
        #expect(pace.due(now: now, accepted: 1_000, missing: 112) == nil)
    }

    @Test("spans that keep coming at a pace are exported in full batches, none waiting for the schedule delay")
    func steadyPace() async throws {
        let exporter = InMemorySpanExporter()
        let clock = ManualClock()
        let processor = BatchSpanProcessor(exporter: exporter, configuration: .init(maxQueueSize: 100, maxExportBatchSize: 8, scheduleDelay: .seconds(3600)), clock: clock)
        // The first batch sets the pace and the worker naps through the next one. Then a rush
        // outruns the nap (the producers wake the worker), and a slower pace ends a nap before
        // the batch is full (the full batch wakes it). The clock stays far from the schedule
        // delay, so every export is of a full batch.
        let pauses = Array(repeating: 300, count: 16) + Array(repeating: 0, count: 8) + Array(repeating: 3_000, count: 8)
        for (index, pause) in pauses.enumerated() {
            processor.onEnd(makeSpanData("s\(index)"))
            clock.advance(by: .microseconds(pause))
        }
        // Ends any nap still running.
        clock.advance(by: .seconds(1))
        var batches: [[String]] = []
        for _ in 0..<4 { batches.append(try await exporter.nextBatch().map(\.name)) }
        #expect(batches == (0..<4).map { batch in (0..<8).map { "s\(batch * 8 + $0)" } })
        #expect(processor.statistics.dropped == 0)
        await processor.shutdown()
        #expect(exporter.exportCount == 4)
    }

    @Test("a partial batch is exported once the schedule delay has passed, and not before")
    func scheduleDelay() async throws {
        let exporter = InMemorySpanExporter()
        let clock = ManualClock()
        let start = clock.now
        let processor = BatchSpanProcessor(exporter: exporter, configuration: .init(maxQueueSize: 100, maxExportBatchSize: 50, scheduleDelay: .seconds(5)), clock: clock)
        processor.onEnd(makeSpanData("lonely"))
        await clock.waitForSleeper(until: start + .seconds(5))
        clock.advance(by: .seconds(4))
        #expect(clock.sleeperDeadlines.contains(start + .seconds(5)))
        #expect(exporter.exportCount == 0)
        clock.advance(by: .seconds(1))
        #expect(try await exporter.nextBatch().map(\.name) == ["lonely"])
        // The next delay counts from that export.
        processor.onEnd(makeSpanData("second"))
        await clock.waitForSleeper(until: start + .seconds(10))
        clock.advance(by: .seconds(5))
        #expect(try await exporter.nextBatch().map(\.name) == ["second"])
        await processor.shutdown()
    }

    @Test("shutdown flushes, a second shutdown is harmless, and later spans are refused and counted")
    func shutdownSemantics() async {
        let exporter = InMemorySpanExporter()
        let processor = BatchSpanProcessor(exporter: exporter, configuration: .init(scheduleDelay: .seconds(60)))
        for index in 0..<3 { processor.onEnd(makeSpanData("s\(index)")) }
        await processor.shutdown()
        await processor.shutdown()
        #expect(exporter.exportedSpans.count == 3)
        processor.onEnd(makeSpanData("late"))
        await processor.forceFlush()
        #expect(exporter.exportedSpans.count == 3)
        #expect(processor.statistics.refusedAfterShutdown == 1)
    }

    @Test("unsampled spans never reach the exporter")
    func unsampledIgnored() async {
        let exporter = InMemorySpanExporter()
        let processor = BatchSpanProcessor(exporter: exporter)
        processor.onEnd(makeSpanData("unsampled", sampled: false))
        processor.onEnd(makeSpanData("sampled"))
        await processor.shutdown()
        #expect(exporter.exportedSpans.map(\.name) == ["sampled"])
    }

    @Test("an export that passes the export timeout is cancelled and counted as failed")
    func exportTimeout() async {
        struct StuckExporter: SpanExporter {
            func export(_ batch: [SpanData]) async -> ExportResult {
                // A clock nobody advances: the sleep ends only when the export is cancelled.
                let never = ManualClock()
                try? await never.sleep(until: never.now + .seconds(1))
                return Task.isCancelled ? .failure : .success
            }
        }
        await expectCancelledAtTimeout(StuckExporter())
    }

    /// Exports one span to `exporter`, which only returns when cancelled, and checks that the
    /// export is cancelled at its 30 s timeout and counted as failed, and that shutdown waits.
    private func expectCancelledAtTimeout(_ exporter: any SpanExporter) async {
        let clock = ManualClock()
        let start = clock.now
        let processor = BatchSpanProcessor(exporter: exporter, configuration: .init(scheduleDelay: .seconds(60), exportTimeout: .seconds(30)), clock: clock)
        processor.onEnd(makeSpanData("stuck"))
        async let shutdown: Void = processor.shutdown()
        // The watchdog waits for the export's deadline.
        await clock.waitForSleeper(until: start + .seconds(30))
        #expect(processor.statistics.failed == 0)
        clock.advance(by: .seconds(30))
        await shutdown
        #expect(processor.statistics.failed == 1 && processor.statistics.exported == 0)
    }

    @Test("exports are never concurrent")
    func serializedExports() async {
        final class OverlapDetector: SpanExporter {
            let active = Atomic(0), overlaps = Atomic(0), spans = Atomic(0)
            func export(_ batch: [SpanData]) async -> ExportResult {
                if active.add(1, ordering: .relaxed).newValue > 1 { overlaps.add(1, ordering: .relaxed) }
                await Task.yield()
                spans.add(batch.count, ordering: .relaxed)
                active.subtract(1, ordering: .relaxed)
                return .success
            }
        }
        let exporter = OverlapDetector()
        let processor = BatchSpanProcessor(exporter: exporter, configuration: .init(maxQueueSize: 100_000, maxExportBatchSize: 16, scheduleDelay: .milliseconds(1)))
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<4 {
                group.addTask {
                    for index in 0..<500 { processor.onEnd(makeSpanData("t\(task)-\(index)")) }
                    await processor.forceFlush()
                }
            }
        }
        await processor.shutdown()
        #expect(exporter.overlaps.load(ordering: .relaxed) == 0)
        #expect(exporter.spans.load(ordering: .relaxed) == 2000)
    }

    @Test("a staged exporter prepares each batch while the one before it is sent, and sends one at a time, in order", .timeLimit(.minutes(1)))
    func stagedExports() async {
        let exporter = StagedRecorder()
        let processor = BatchSpanProcessor(exporter: exporter, configuration: .init(maxExportBatchSize: 2, scheduleDelay: .seconds(60)))
        for name in ["a", "b", "c", "d", "e", "f"] { processor.onEnd(makeSpanData(name)) }
        // "c d" is ready while "a b" is being sent (held open); "e f" waits, so that no more
        // than one batch is prepared ahead of the send in flight.
        await exporter.waitUntilPrepared(2)
        #expect(!exporter.events.contains("sent a b"))
        #expect(processor.statistics.exported == 0)
        exporter.open()
        await processor.forceFlush()
        let events = exporter.events
        #expect(events.filter { !$0.hasPrefix("prepare") } == ["send a b", "sent a b", "send c d", "sent c d", "send e f", "sent e f"])
        #expect(events.filter { $0.hasPrefix("prepare") } == ["prepare a b", "prepare c d", "prepare e f"])
        #expect(events.firstIndex(of: "prepare c d")! < events.firstIndex(of: "sent a b")!)
        #expect(events.firstIndex(of: "prepare e f")! > events.firstIndex(of: "sent a b")!)
        #expect(exporter.overlaps == 0)
        #expect(processor.statistics.exported == 6 && processor.statistics.queued == 0)
        // Sends run on the send thread, which may block; the worker, which prepares, may not.
        #expect(Set(exporter.mayBlock) == ["prepare false", "send true"])
        #expect(!DedicatedThread.mayBlock)
        // A last partial batch, sent by the flush.
        processor.onEnd(makeSpanData("g"))
        await processor.forceFlush()
        #expect(exporter.events.suffix(3) == ["prepare g", "send g", "sent g"])
        #expect(processor.statistics.exported == 7)
        await processor.shutdown()
    }

    @Test("a staged send that passes the export timeout is cancelled and counted as failed; shutdown waits for it")
    func stagedExportTimeout() async {
        struct StuckStagedExporter: StagedSpanExporter {
            func prepare(_ batch: [SpanData]) -> Int { batch.count }
            func export(prepared count: Int) async -> ExportResult {
                let never = ManualClock()
                try? await never.sleep(until: never.now + .seconds(1))
                return Task.isCancelled ? .failure : .success
            }
        }
        await expectCancelledAtTimeout(StuckStagedExporter())
    }

    @Test("OTEL_BSP_* variables configure the processor; a batch larger than the queue is clamped")
    func configurationFromEnvironment() {
        let configuration = BatchSpanProcessor.Configuration.fromEnvironment(EnvironmentReader([
            "OTEL_BSP_MAX_QUEUE_SIZE": "100", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE": "500",
            "OTEL_BSP_SCHEDULE_DELAY": "250", "OTEL_BSP_EXPORT_TIMEOUT": "abc",
        ]))
        #expect(configuration.maxQueueSize == 100 && configuration.maxExportBatchSize == 100)
        #expect(configuration.scheduleDelay == .milliseconds(250))
        #expect(configuration.exportTimeout == .seconds(30))
        #expect(BatchSpanProcessor.Configuration.fromEnvironment(EnvironmentReader([:])) == .init())
    }
}
