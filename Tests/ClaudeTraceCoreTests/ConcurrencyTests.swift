import Synchronization
import Testing
@testable import ClaudeTraceCore

@Suite("Concurrency")
struct ConcurrencyTests {
    @Test("16 tasks × 10,000 spans through one batch processor: none lost, none duplicated")
    func manyTasks() async {
        let exporter = InMemorySpanExporter()
        let processor = BatchSpanProcessor(exporter: exporter, configuration: .init(maxQueueSize: 200_000, maxExportBatchSize: 512, scheduleDelay: .milliseconds(5)))
        let provider = TracerProvider(processors: [processor])
        let tracer = provider.tracer("concurrency")
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<16 {
                group.addTask {
                    for index in 0..<10_000 {
                        tracer.withSpan("span", attributes: ["task": .int(task), "index": .int(index)]) { _ in }
                    }
                }
            }
        }
        await provider.shutdown()
        let spans = exporter.exportedSpans
        #expect(spans.count == 160_000)
        #expect(Set(spans.map(\.context.spanID)).count == 160_000)
        let pairs = Set(spans.map { "\($0.attributes["task"]!)-\($0.attributes["index"]!)" })
        #expect(pairs.count == 160_000)
        #expect(processor.statistics.dropped == 0)
    }

    @Test("an exporter reads ended spans while their handles keep trying to change them")
    func readsAfterEnd() async {
        /// Reads every field of every span, as an encoder does, on the processor's worker.
        final class ReadingExporter: SpanExporter {
            let names = Locked<[String]>([])
            func export(_ batch: [SpanData]) async -> ExportResult {
                var read: [String] = []
                for span in batch {
                    let fields = "\(span.name) \(span.attributes.count) \(span.events.count) \(span.status) \(span.endTimeNanoseconds)"
                    read.append(fields)
                }
                names.withLock { $0 += read }
                return .success
            }
        }
        let exporter = ReadingExporter()
        let provider = TracerProvider(processors: [BatchSpanProcessor(exporter: exporter, configuration: .init(maxQueueSize: 10_000, maxExportBatchSize: 16, scheduleDelay: .milliseconds(1)))])
        let tracer = provider.tracer("concurrency")
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<4 {
                group.addTask {
                    for index in 0..<500 {
                        let span = tracer.startSpan("s\(task)", attributes: ["index": .int(index)])
                        span.end()
                        span.attributes["late"] = true
                        span.updateName("late")
                        span.addEvent("late")
                        span.setStatus(.error(description: "late"))
                    }
                }
            }
        }
        await provider.shutdown()
        let read = exporter.names.withLock { $0 }
        #expect(read.count == 2_000)
        #expect(read.allSatisfy { $0.hasPrefix("s") && $0.contains(" 1 0 unset ") })
    }

    @Test("one span mutated from many tasks keeps every change")
    func sharedSpan() async throws {
        let (provider, exporter) = makeTestProvider(limits: SpanLimits(attributeCountLimit: 10_000, eventCountLimit: 10_000))
        let span = provider.tracer("tests").startSpan("shared")
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for index in 0..<200 {
                        span.attributes["t\(task)-\(index)"] = .int(index)
                        span.addEvent("e")
                    }
                }
            }
        }
        span.end()
        let data = try #require(await exported(provider, exporter).first)
        #expect(data.attributes.count == 1600 && data.events.count == 1600)
    }

    @Test("ending a span from several tasks at once exports it exactly once")
    func racingEnds() async {
        let (provider, exporter) = makeTestProvider()
        let spans = (0..<200).map { provider.tracer("tests").startSpan("race-\($0)") }
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<4 { group.addTask { for span in spans { span.end() } } }
        }
        #expect(await exported(provider, exporter).count == 200)
    }

    @Test("a lock that spins before sleeping still lets one thread in at a time", arguments: [false, true])
    func lockExcludes(spinsBeforeSleeping: Bool) async {
        let counter = Locked((total: 0, inside: 0, overlaps: 0), spinsBeforeSleeping: spinsBeforeSleeping)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    for _ in 0..<50_000 {
                        counter.withLock { state in
                            state.inside += 1
                            if state.inside > 1 { state.overlaps += 1 }
                            state.total += 1
                            state.inside -= 1
                        }
                    }
                }
            }
        }
        let state = counter.withLock { $0 }
        #expect(state.total == 200_000)
        #expect(state.overlaps == 0)
    }
}
