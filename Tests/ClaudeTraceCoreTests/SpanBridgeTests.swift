import Testing
@testable import ClaudeTraceCore

/// A second tracing API in miniature: its own task-local current span.
final class TaskLocalBridge: SpanBridge {
    @TaskLocal static var current: BridgedSpan?
    static let shared = TaskLocalBridge()

    func currentBridgedSpan() -> BridgedSpan? { Self.current }

    /// The other API's `withSpan`: starts a span under the newer of the two current spans.
    static func withSpan(_ name: String, tracer: Tracer, _ body: () async -> Void) async {
        let parent = Span.current(bridged: current)
        let span = tracer.startSpan(name, parent: parent.map(SpanParent.span) ?? .root)
        await $current.withValue(BridgedSpan(span)) { await body() }
        span.end()
    }
}

@Suite("Span bridge")
struct SpanBridgeTests {
    init() { Span.installBridge(TaskLocalBridge.shared) }

    @Test("only the first bridge is kept")
    func installedOnce() {
        #expect(!Span.installBridge(TaskLocalBridge()))
        #expect(InstalledBridge.shared.load()?.bridge === TaskLocalBridge.shared)
    }

    @Test("the current span is the newer of ClaudeTrace's and the bridge's, in both directions")
    func newerWins() async throws {
        let (provider, exporter) = makeTestProvider()
        let tracer = provider.tracer("tests")
        await TaskLocalBridge.withSpan("other-1", tracer: tracer) {
            #expect(Span.current?.name == "other-1")
            await tracer.withSpan("own-1") { _ in
                #expect(Span.current?.name == "own-1")
                await TaskLocalBridge.withSpan("other-2", tracer: tracer) {
                    #expect(Span.current?.name == "other-2")
                    await tracer.withSpan("own-2") { _ in await Task.yield() }
                }
                #expect(Span.current?.name == "own-1")
            }
            #expect(Span.current?.name == "other-1")
        }
        #expect(Span.current == nil)
        let spans = await exported(provider, exporter)
        func span(_ name: String) throws -> SpanData { try #require(spans.first { $0.name == name }) }
        for (child, parent) in [("own-1", "other-1"), ("other-2", "own-1"), ("own-2", "other-2")] {
            #expect(try span(child).parentSpanID == span(parent).context.spanID, "\(child) under \(parent)")
        }
    }

    @Test("a bridged span carried into a task with no ClaudeTrace span is current there")
    func carriedElsewhere() async {
        let (provider, _) = makeTestProvider()
        let span = provider.tracer("tests").startSpan("outer")
        let bridged = provider.tracer("tests").withSpan("own") { _ in BridgedSpan(span) }
        let seen = await Task.detached {
            TaskLocalBridge.$current.withValue(bridged) { Span.current?.context }
        }.value
        #expect(seen == span.context)
        span.end()
    }
}

@Suite("Attributes replaced as a whole")
struct ReplaceAttributesTests {
    @Test("replaceAttributes keeps only the new set, within the count limit, and is ignored after end")
    func replaces() async throws {
        let (provider, exporter) = makeTestProvider(limits: SpanLimits(attributeCountLimit: 2))
        let span = provider.tracer("tests").startSpan("replaced", attributes: ["old": 1])
        span.replaceAttributes(["a": 1, "b": 2, "c": 3])
        #expect(span.attributes.all == ["a": 1, "b": 2])
        span.end()
        span.replaceAttributes(["late": true])
        let data = try #require(await exported(provider, exporter).first)
        #expect(data.attributes == ["a": 1, "b": 2])
        #expect(data.droppedAttributesCount == 1)
    }

    @Test("of a repeated key in the pairs, the last value is kept, in the first one's place")
    func repeatedKeys() {
        let attributes = Attributes([("k", 1), ("other", "x"), ("k", 2)])
        #expect(attributes == ["k": 2, "other": "x"])
    }
}
