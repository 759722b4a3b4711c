import Testing
@testable import ClaudeTraceCore

@Suite("Samplers")
struct SamplerTests {
    func decide(_ sampler: any Sampler, parent: SpanContext? = nil, traceID: TraceID = TraceID(high: 1, low: 1)) -> SamplingDecision {
        sampler.shouldSample(parentContext: parent, traceID: traceID, name: "s", kind: .internal, attributes: [:], links: []).decision
    }

    @Test("always on samples, always off drops, with the spec's descriptions")
    func constantSamplers() {
        #expect(decide(.alwaysOn) == .recordAndSample)
        #expect(decide(.alwaysOff) == .drop)
        #expect(AlwaysOnSampler().description == "AlwaysOnSampler")
        #expect(AlwaysOffSampler().description == "AlwaysOffSampler")
        #expect(TraceIDRatioBasedSampler(ratio: 0.0001).description == "TraceIdRatioBased{0.000100}")
    }

    @Test("trace-id ratio reads bytes 8–15 big-endian and samples when x>>1 < ratio·2⁶³, as Go and Java do")
    func ratioAlgorithm() {
        let half = TraceIDRatioBasedSampler(ratio: 0.5)
        // x>>1 < 2⁶² exactly when x < 2⁶³.
        #expect(decide(half, traceID: TraceID(high: .max, low: 0x7FFF_FFFF_FFFF_FFFF)) == .recordAndSample)
        #expect(decide(half, traceID: TraceID(high: 0, low: 0x8000_0000_0000_0000)) == .drop)
        // The high half plays no part.
        #expect(decide(half, traceID: TraceID(high: 0, low: 5)) == decide(half, traceID: TraceID(high: .max, low: 5)))
        #expect(decide(TraceIDRatioBasedSampler(ratio: 1), traceID: TraceID(high: 1, low: .max)) == .recordAndSample)
        #expect(decide(TraceIDRatioBasedSampler(ratio: 0), traceID: TraceID(high: 1, low: 0)) == .drop)
        // The spec's own example trace id (W3C): low half 0xa3ce929d0e0e4736 → x>>1 = 0x51e7…; sampled at 0.7, not at 0.6.
        let example = TraceID(hexString: "4bf92f3577b34da6a3ce929d0e0e4736")!
        #expect(decide(TraceIDRatioBasedSampler(ratio: 0.7), traceID: example) == .recordAndSample)
        #expect(decide(TraceIDRatioBasedSampler(ratio: 0.6), traceID: example) == .drop)
    }

    @Test("trace-id ratio is deterministic, ignores the parent's decision, is monotone and close to its ratio")
    func ratioProperties() {
        let generator = RandomIDGenerator(seed: 42)
        let ids = (0..<20_000).map { _ in generator.makeTraceID() }
        let unsampledParent = SpanContext(traceID: ids[0], spanID: SpanID(1))
        #expect(decide(.traceIDRatio(1), parent: unsampledParent, traceID: ids[0]) == .recordAndSample)
        var previous = Set<TraceID>()
        for ratio in [0.1, 0.25, 0.5, 0.9] {
            let sampler = TraceIDRatioBasedSampler(ratio: ratio)
            let sampled = Set(ids.filter { sampler.isSampled($0) })
            #expect(previous.isSubset(of: sampled))
            #expect(abs(Double(sampled.count) / Double(ids.count) - ratio) < 0.02)
            #expect(ids.allSatisfy { sampler.isSampled($0) == sampler.isSampled($0) })
            previous = sampled
        }
    }

    @Test("parent-based picks the delegate for each of its five cases")
    func parentBased() {
        let marker = { (decision: SamplingDecision) in FixedSampler(decision: decision) }
        let sampler = ParentBasedSampler(
            root: marker(.recordOnly), remoteParentSampled: marker(.recordAndSample),
            remoteParentNotSampled: marker(.drop), localParentSampled: marker(.recordAndSample),
            localParentNotSampled: marker(.recordOnly))
        let trace = TraceID(high: 9, low: 9)
        func parent(remote: Bool, sampled: Bool) -> SpanContext {
            SpanContext(traceID: trace, spanID: SpanID(7), traceFlags: sampled ? .sampled : [], isRemote: remote)
        }
        #expect(decide(sampler) == .recordOnly)
        #expect(decide(sampler, parent: parent(remote: true, sampled: true)) == .recordAndSample)
        #expect(decide(sampler, parent: parent(remote: true, sampled: false)) == .drop)
        #expect(decide(sampler, parent: parent(remote: false, sampled: true)) == .recordAndSample)
        #expect(decide(sampler, parent: parent(remote: false, sampled: false)) == .recordOnly)
        // Defaults: follow the parent.
        let defaults = ParentBasedSampler(root: AlwaysOffSampler())
        #expect(decide(defaults, parent: parent(remote: true, sampled: true)) == .recordAndSample)
        #expect(decide(defaults, parent: parent(remote: false, sampled: false)) == .drop)
        #expect(decide(defaults) == .drop)
    }

    @Test("dropped spans are not exported but their context propagates to children and headers")
    func droppedSpansPropagate() async {
        let (provider, exporter) = makeTestProvider(sampler: .parentBased(root: .alwaysOff))
        let tracer = provider.tracer("tests")
        tracer.withSpan("dropped") { parent in
            #expect(!parent.isRecording && !parent.context.isSampled && parent.context.isValid)
            tracer.withSpan("child") { child in
                #expect(child.context.traceID == parent.context.traceID && !child.isRecording)
                var headers: [String: String] = [:]
                TraceContextPropagator.inject(child.context, into: &headers)
                #expect(headers["traceparent"]?.hasSuffix("-02") == true)
            }
        }
        #expect(await exported(provider, exporter).isEmpty)
    }

    @Test("record-only spans reach processors but not exporters")
    func recordOnly() async {
        let exporter = InMemorySpanExporter()
        let recorder = RecordingProcessor()
        let provider = TracerProvider(sampler: FixedSampler(decision: .recordOnly), processors: [recorder, SimpleSpanProcessor(exporter: exporter)])
        provider.tracer("tests").withSpan("record-only") { span in #expect(span.isRecording) }
        await provider.forceFlush()
        #expect(recorder.ended.map(\.name) == ["record-only"])
        #expect(exporter.exportedSpans.isEmpty)
    }

    @Test("OTEL_TRACES_SAMPLER and its argument pick the sampler; bad values fall back")
    func fromEnvironment() {
        #expect(samplerFromEnvironment(EnvironmentReader(["OTEL_TRACES_SAMPLER": "traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0.25"]))?.description == "TraceIdRatioBased{0.250000}")
        #expect(samplerFromEnvironment(EnvironmentReader(["OTEL_TRACES_SAMPLER": "TraceIdRatio", "OTEL_TRACES_SAMPLER_ARG": "2"]))?.description == "TraceIdRatioBased{1.000000}")
        #expect(samplerFromEnvironment(EnvironmentReader(["OTEL_TRACES_SAMPLER": "always_off"])) is AlwaysOffSampler)
        #expect(samplerFromEnvironment(EnvironmentReader(["OTEL_TRACES_SAMPLER": "nonsense"])) == nil)
        #expect(samplerFromEnvironment(EnvironmentReader([:])) == nil)
    }
}

struct FixedSampler: Sampler {
    let decision: SamplingDecision
    func shouldSample(parentContext: SpanContext?, traceID: TraceID, name: String, kind: SpanKind, attributes: Attributes, links: [SpanLink]) -> SamplingResult {
        SamplingResult(decision: decision)
    }
    var description: String { "Fixed(\(decision))" }
}
