@testable import ClaudeTraceCore

/// A provider whose finished spans land in an in-memory exporter.
func makeTestProvider(
    sampler: any Sampler = .parentBased(root: .alwaysOn), limits: SpanLimits = SpanLimits()
) -> (TracerProvider, InMemorySpanExporter) {
    let exporter = InMemorySpanExporter()
    let provider = TracerProvider(
        resource: Resource(attributes: ["service.name": "tests"]), sampler: sampler, limits: limits,
        processors: [SimpleSpanProcessor(exporter: exporter)])
    return (provider, exporter)
}

/// Flushes `provider` and returns what its exporter received.
func exported(_ provider: TracerProvider, _ exporter: InMemorySpanExporter) async -> [SpanData] {
    await provider.forceFlush()
    return exporter.exportedSpans
}
