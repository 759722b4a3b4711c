import Dispatch
import Synchronization
import Testing
@testable import ClaudeTraceCore

@Suite("Task-local context")
struct ContextPropagationTests {
    @Test("the current span follows await, async let, task groups and Task {}")
    func followsStructuredAndUnstructuredTasks() async throws {
        let (provider, exporter) = makeTestProvider()
        let tracer = provider.tracer("tests")
        let parentID = await tracer.withSpan("parent") { parent -> SpanID in
            await Task.yield()
            #expect(Span.current?.context == parent.context)
            async let child: SpanID? = tracer.withSpan("async-let") { $0.parentSpanID }
            let fromAsyncLet = await child
            let fromGroup = await withTaskGroup(of: SpanID?.self) { group in
                group.addTask { tracer.withSpan("group") { $0.parentSpanID } }
                return await group.next()!
            }
            let fromTask = await Task { tracer.withSpan("task") { $0.parentSpanID } }.value
            #expect(fromAsyncLet == parent.context.spanID)
            #expect(fromGroup == parent.context.spanID)
            #expect(fromTask == parent.context.spanID)
            return parent.context.spanID
        }
        let spans = await exported(provider, exporter)
        #expect(spans.count == 4)
        let parent = try #require(spans.first { $0.name == "parent" })
        #expect(parent.context.spanID == parentID && parent.parentSpanID == nil)
        for name in ["async-let", "group", "task"] {
            let child = try #require(spans.first { $0.name == name })
            #expect(child.context.traceID == parent.context.traceID)
        }
    }

    @Test("Task.detached starts clean unless given a parent")
    func detachedTasks() async {
        let (provider, _) = makeTestProvider()
        let tracer = provider.tracer("tests")
        await tracer.withSpan("parent") { parent in
            let captured = parent.context
            let clean = await Task.detached { (Span.current == nil, tracer.withSpan("orphan") { $0.parentSpanID }) }.value
            #expect(clean.0 && clean.1 == nil)
            let adopted = await Task.detached {
                tracer.withSpan("adopted", parent: .context(captured)) { ($0.parentSpanID, $0.context.traceID) }
            }.value
            #expect(adopted.0 == captured.spanID && adopted.1 == captured.traceID)
        }
    }

    @Test("an explicit parent overrides the current span, and .root starts a new trace")
    func explicitParent() async {
        let (provider, _) = makeTestProvider()
        let tracer = provider.tracer("tests")
        let other = tracer.startSpan("other", parent: .root)
        tracer.withSpan("outer") { outer in
            let child = tracer.startSpan("child", parent: .span(other))
            #expect(child.parentSpanID == other.context.spanID && child.context.traceID == other.context.traceID)
            let root = tracer.startSpan("root", parent: .root)
            #expect(root.parentSpanID == nil && root.context.traceID != outer.context.traceID)
        }
    }

    @Test("withSpan records a thrown error and rethrows it")
    func recordsThrownErrors() async throws {
        struct Boom: Error, CustomStringConvertible { var description: String { "boom" } }
        let (provider, exporter) = makeTestProvider()
        await #expect(throws: Boom.self) {
            try await provider.tracer("tests").withSpan("failing") { _ in
                await Task.yield()
                throw Boom()
            }
        }
        let span = try #require(await exported(provider, exporter).first)
        #expect(span.status == .error(description: "boom"))
        let event = try #require(span.events.first)
        #expect(event.name == "exception")
        #expect(event.attributes["exception.message"] == "boom")
        #expect(event.attributes["exception.type"]?.stringValue?.hasSuffix("Boom") == true)
    }

    @Test("withSpan on an actor runs the body on that actor")
    func keepsIsolation() async {
        actor Counter {
            var value = 0
            func increment(_ tracer: Tracer) async {
                await tracer.withSpan("on-actor") { _ in
                    await Task.yield()
                    self.assertIsolated()
                    value += 1
                }
            }
        }
        let (provider, _) = makeTestProvider()
        let counter = Counter()
        await counter.increment(provider.tracer("tests"))
        #expect(await counter.value == 1)
    }

    @Test("nested withSpan on an actor with its own executor never leaves it: no job is enqueued per span")
    func staysOnTheCallersExecutor() async throws {
        /// Runs jobs on a serial dispatch queue and counts them: every hop back onto the actor
        /// is one more job (the main actor's executor is such an executor, and there each hop
        /// is a thread switch).
        final class CountingExecutor: SerialExecutor {
            let queue = DispatchQueue(label: "counting-executor")
            let enqueued = Atomic(0)
            func enqueue(_ job: consuming ExecutorJob) {
                enqueued.add(1, ordering: .relaxed)
                let job = UnownedJob(job)
                queue.async { job.runSynchronously(on: self.asUnownedSerialExecutor()) }
            }
        }
        actor Service {
            let executor = CountingExecutor()
            var touched = 0
            nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }
            func touch() async { touched += 1 }
            func nestedSpans(_ tracer: Tracer, count: Int) async -> Int {
                let before = executor.enqueued.load(ordering: .relaxed)
                for _ in 0..<count {
                    await tracer.withSpan("parent", parent: .root) { _ in
                        await tracer.withSpan("child") { _ in await self.touch() }
                    }
                }
                return executor.enqueued.load(ordering: .relaxed) - before
            }
        }
        let (provider, exporter) = makeTestProvider()
        let service = Service()
        let hops = await service.nestedSpans(provider.tracer("tests"), count: 10)
        #expect(hops == 0)
        #expect(await service.touched == 10)
        let spans = await exported(provider, exporter)
        #expect(spans.count == 20)
        let parents = Dictionary(uniqueKeysWithValues: spans.filter { $0.name == "parent" }.map { ($0.context.spanID, $0) })
        #expect(spans.filter { $0.name == "child" }.allSatisfy { parents[$0.parentSpanID ?? SpanID(0)] != nil })
    }

    @Test("the free withSpan uses the task-local provider, so parallel tests do not share spans")
    func taskLocalProvider() async {
        let (first, firstExporter) = makeTestProvider()
        let (second, secondExporter) = makeTestProvider()
        async let a: Void = withTracerProvider(first) { await withSpan("first") { _ in await Task.yield() } }
        async let b: Void = withTracerProvider(second) { await withSpan("second") { _ in await Task.yield() } }
        _ = await (a, b)
        #expect(await exported(first, firstExporter).map(\.name) == ["first"])
        #expect(await exported(second, secondExporter).map(\.name) == ["second"])
    }

    @Test("the free withSpan and startSpan give spans the default tracer's scope and the provider's resource, and nest")
    func freeFunctionsScope() async {
        let (provider, exporter) = makeTestProvider()
        withTracerProvider(provider) {
            withSpan("outer") { outer in
                let inner = startSpan("inner")
                #expect(inner.parentSpanID == outer.context.spanID && inner.context.traceID == outer.context.traceID)
                inner.end()
            }
        }
        let spans = await exported(provider, exporter)
        #expect(spans.map(\.name) == ["inner", "outer"])
        for span in spans {
            #expect(span.scope == provider.defaultTracer.scope && span.scope.name == Resource.sdkName)
            #expect(span.resource == provider.resource)
        }
    }

    @Test("with no provider installed, spans record nothing but still carry a context")
    func noopProvider() {
        withTracerProvider(.noop) {
            withSpan("nothing") { span in
                #expect(!span.isRecording && span.context.isValid)
                #expect(SpanContext.current == span.context)
            }
        }
    }
}
