import Synchronization
import Testing
@testable import ClaudeTraceCore

/// Behaviour the hot-path optimisations must keep (see docs/benchmarks.md).
@Suite("Hot path")
struct HotPathTests {
    /// A sampler that reads the attributes it is given.
    struct AttributeReadingSampler: Sampler {
        let seen = Locked<[Attributes]>([])
        func shouldSample(
            parentContext: SpanContext?, traceID: TraceID, name: String, kind: SpanKind,
            attributes: Attributes, links: [SpanLink]
        ) -> SamplingResult {
            seen.withLock { $0.append(attributes) }
            return SamplingResult(decision: attributes["keep"] == .bool(true) ? .recordAndSample : .drop)
        }
        var description: String { "AttributeReadingSampler" }
    }

    @Test("a span the built-in sampler drops never evaluates its attributes; a kept one gets them all")
    func unsampledSpansSkipAttributes() async {
        let evaluations = Atomic(0)
        func attributes() -> Attributes {
            evaluations.add(1, ordering: .relaxed)
            return ["a": 1, "b": "two"]
        }
        let dropping = TracerProvider(sampler: .alwaysOff)
        let dropped = dropping.tracer("t").startSpan("s", attributes: attributes(), parent: .root)
        dropped.end()
        #expect(evaluations.load(ordering: .relaxed) == 0)
        #expect(dropped.context.isValid && !dropped.isRecording)

        let exporter = InMemorySpanExporter()
        let keeping = TracerProvider(sampler: .parentBased(root: .alwaysOn), processors: [SimpleSpanProcessor(exporter: exporter)])
        keeping.tracer("t").startSpan("s", attributes: attributes(), parent: .root).end()
        await keeping.shutdown()
        #expect(evaluations.load(ordering: .relaxed) == 1)
        #expect(exporter.exportedSpans.first?.attributes == ["a": 1, "b": "two"])
    }

    @Test("a sampler that reads attributes gets them before it decides, evaluated once")
    func customSamplerSeesAttributes() async {
        let sampler = AttributeReadingSampler()
        let evaluations = Atomic(0)
        func attributes(keep: Bool) -> Attributes {
            evaluations.add(1, ordering: .relaxed)
            return ["keep": .bool(keep), "n": 3]
        }
        let exporter = InMemorySpanExporter()
        let provider = TracerProvider(sampler: .parentBased(root: sampler), processors: [SimpleSpanProcessor(exporter: exporter)])
        let tracer = provider.tracer("t")
        tracer.startSpan("kept", attributes: attributes(keep: true), parent: .root).end()
        tracer.startSpan("dropped", attributes: attributes(keep: false), parent: .root).end()
        await provider.shutdown()
        #expect(evaluations.load(ordering: .relaxed) == 2)
        let seen = sampler.seen.withLock { $0 }
        #expect(seen == [["keep": true, "n": 3], ["keep": false, "n": 3]])
        #expect(exporter.exportedSpans.map(\.name) == ["kept"])
        #expect(exporter.exportedSpans.first?.attributes == ["keep": true, "n": 3])
    }

    @Test("root spans drawn two ids at once still get distinct, valid ids across threads")
    func rootIDsAreUnique() async {
        let provider = TracerProvider(sampler: .alwaysOff)
        let tracer = provider.tracer("t")
        let contexts = await withTaskGroup(of: [SpanContext].self) { group in
            for _ in 0..<4 {
                group.addTask { (0..<5_000).map { _ in tracer.startSpan("s", parent: .root).context } }
            }
            return await group.reduce(into: []) { $0 += $1 }
        }
        #expect(contexts.allSatisfy { $0.isValid })
        #expect(Set(contexts.map(\.traceID)).count == contexts.count)
        #expect(Set(contexts.map(\.spanID)).count == contexts.count)
    }

    @Test("the built-in samplers' fast path decides as the samplers do and keeps the parent's trace state")
    func builtInSamplingMatchesSamplers() throws {
        let state = try #require(TraceState().setting("vendor", to: "v1"))
        let trace = TraceID(high: 3, low: 4)
        let parents: [SpanContext?] = [
            nil,
            SpanContext(traceID: trace, spanID: SpanID(5), traceFlags: .sampled, traceState: state),
            SpanContext(traceID: trace, spanID: SpanID(5), traceFlags: [], traceState: state),
            SpanContext(traceID: trace, spanID: SpanID(5), traceFlags: .sampled, traceState: state, isRemote: true),
            SpanContext(traceID: trace, spanID: SpanID(5), traceFlags: [], traceState: state, isRemote: true),
        ]
        let samplers: [any Sampler] = [AlwaysOnSampler(), AlwaysOffSampler(), ParentBasedSampler(root: AlwaysOnSampler())]
        for sampler in samplers {
            let fast = try #require(BuiltInSampling(sampler))
            let tracer = TracerProvider(sampler: sampler).tracer("t")
            for parent in parents {
                let expected = sampler.shouldSample(
                    parentContext: parent, traceID: parent?.traceID ?? trace, name: "s", kind: .internal, attributes: [:], links: [])
                #expect(fast.decision(parent: parent) == expected.decision)
                let span = tracer.startSpan("s", parent: parent.map { .context($0) } ?? .root)
                #expect(span.context.isSampled == (expected.decision == .recordAndSample))
                #expect(span.context.traceState == expected.traceState)
                span.end()
            }
        }
        #expect(BuiltInSampling(TraceIDRatioBasedSampler(ratio: 0.5)) == nil)
        #expect(BuiltInSampling(ParentBasedSampler(root: AlwaysOffSampler())) == nil)
    }

    /// A processor that logs, under a shared lock, its own name and each span that ends.
    final class LoggingProcessor: SpanProcessor {
        let name: String
        let log: Locked<[String]>
        init(_ name: String, log: Locked<[String]>) {
            self.name = name
            self.log = log
        }
        func onEnd(_ span: consuming SpanData) { log.withLock { $0.append("\(name):\(span.name)") } }
    }

    @Test("every processor sees every ended span once, in registration order; a span ended twice reaches them once")
    func processorsInOrder() {
        let log = Locked<[String]>([])
        let provider = TracerProvider(processors: ["first", "second", "last"].map { LoggingProcessor($0, log: log) })
        let tracer = provider.tracer("t")
        let span = tracer.startSpan("a", parent: .root)
        span.end()
        span.end()
        tracer.withSpan("b") { _ in }
        #expect(log.withLock { $0 } == ["first:a", "second:a", "last:a", "first:b", "second:b", "last:b"])
        let unprocessed = TracerProvider().tracer("t").startSpan("c")
        #expect(unprocessed.isRecording)
        unprocessed.end()
        #expect(!unprocessed.isRecording)
    }
}
