import ClaudeTrace
import ClaudeTraceTracing
import Instrumentation
import Logging
import Testing
import Tracing

/// A provider exporting to memory, and the swift-distributed-tracing backend on it.
func makeBackend() -> (ClaudeTraceTracer, TracerProvider, InMemorySpanExporter) {
    let exporter = InMemorySpanExporter()
    let provider = TracerProvider(
        resource: Resource(attributes: ["service.name": "tests"]), processors: [SimpleSpanProcessor(exporter: exporter)])
    return (ClaudeTraceTracer(provider: provider, scope: "tests"), provider, exporter)
}

func exported(_ provider: TracerProvider, _ exporter: InMemorySpanExporter) async -> [SpanData] {
    await provider.forceFlush()
    return exporter.exportedSpans
}

/// Attributes as a dictionary: swift-distributed-tracing's are a dictionary, so their order is not kept.
func dictionary(_ attributes: Attributes) -> [String: AttributeValue] {
    Dictionary(uniqueKeysWithValues: attributes.map { ($0.key, $0.value) })
}

struct Failure: Error, CustomStringConvertible {
    var description: String { "the operation failed" }
}

@Suite("Span mapping")
struct MappingTests {
    @Test("every swift-distributed-tracing attribute type arrives with its value")
    func everyAttributeType() async throws {
        let (tracer, provider, exporter) = makeBackend()
        let span = tracer.startSpan("attributes", context: .topLevel)
        span.attributes.set("int32", value: .int32(-7))
        span.attributes.set("int64", value: .int64(1 << 40))
        span.attributes.set("int32s", value: .int32Array([1, 2]))
        span.attributes.set("int64s", value: .int64Array([3, 1 << 33]))
        span.attributes.set("double", value: .double(2.5))
        span.attributes.set("doubles", value: .doubleArray([0.5, -1]))
        span.attributes.set("bool", value: .bool(true))
        span.attributes.set("bools", value: .boolArray([true, false]))
        span.attributes.set("string", value: .string("text"))
        span.attributes.set("strings", value: .stringArray(["a", "b"]))
        span.attributes.set("convertible", value: .stringConvertible(SpanID(255)))
        span.attributes.set("convertibles", value: .stringConvertibleArray([SpanID(1), SpanID(2)]))
        span.attributes["from-int"] = 42
        span.attributes["from-string"] = "literal"
        span.updateAttributes { $0["batched"] = "yes" }
        #expect(span.attributes.get("int64") == .int64(1 << 40))
        span.end()

        let data = try #require(await exported(provider, exporter).first)
        let expected: [String: AttributeValue] = [
            "int32": .int(-7), "int64": .int(1 << 40), "int32s": .intArray([1, 2]), "int64s": .intArray([3, 1 << 33]),
            "double": .double(2.5), "doubles": .doubleArray([0.5, -1]), "bool": .bool(true), "bools": .boolArray([true, false]),
            "string": "text", "strings": ["a", "b"], "convertible": .string(SpanID(255).description),
            "convertibles": .stringArray([SpanID(1).description, SpanID(2).description]),
            "from-int": .int(42), "from-string": "literal", "batched": "yes",
        ]
        #expect(dictionary(data.attributes) == expected)
        #expect(data.scope.name == "tests")
    }

    @Test("setting the attributes replaces them; a key left out is removed")
    func settingReplaces() async throws {
        let (tracer, provider, exporter) = makeBackend()
        let span = tracer.startSpan("replace", context: .topLevel)
        span.attributes = ["kept": "old", "removed": 1]
        span.attributes = ["kept": "new", "added": true]
        span.span.setAttribute("native", 3)
        #expect(span.attributes.get("native") == .int64(3))
        span.end()
        let data = try #require(await exported(provider, exporter).first)
        #expect(dictionary(data.attributes) == ["kept": "new", "added": true, "native": 3])
    }

    @Test("name, kind, events, links, status and times")
    func everyField() async throws {
        let (tracer, provider, exporter) = makeBackend()
        let linked = tracer.startSpan("linked", context: .topLevel)
        linked.end()
        for kind in [Tracing.SpanKind.server, .client, .producer, .consumer, .internal] {
            let span = tracer.startSpan("kind", context: .topLevel, ofKind: kind)
            span.end()
        }
        let start = DefaultTracerClock.Instant(nanosecondsSinceEpoch: 1_700_000_000_000_000_000)
        let span = tracer.startSpan("first name", context: .topLevel, ofKind: .server, at: start)
        #expect(span.isRecording)
        span.operationName = "GET /chat"
        #expect(span.operationName == "GET /chat")
        span.addEvent(SpanEvent(
            name: "cache.miss", at: DefaultTracerClock.Instant(nanosecondsSinceEpoch: start.nanosecondsSinceEpoch + 5),
            attributes: ["key": "user:1"]))
        span.addLink(SpanLink(context: linked.context, attributes: ["why": "retry of"]))
        span.addLink(SpanLink(context: .topLevel, attributes: [:]))
        span.setStatus(.init(code: .error, message: "upstream failed"))
        span.end(at: DefaultTracerClock.Instant(nanosecondsSinceEpoch: start.nanosecondsSinceEpoch + 1_000))
        #expect(!span.isRecording)

        let spans = await exported(provider, exporter)
        #expect(spans.filter { $0.name == "kind" }.map(\.kind) == [.server, .client, .producer, .consumer, .internal])
        let data = try #require(spans.first { $0.name == "GET /chat" })
        #expect(data.kind == .server)
        #expect(data.startTimeNanoseconds == start.nanosecondsSinceEpoch)
        #expect(data.endTimeNanoseconds == start.nanosecondsSinceEpoch + 1_000)
        #expect(data.events == [SpanEvent(name: "cache.miss", timeNanoseconds: start.nanosecondsSinceEpoch + 5, attributes: ["key": "user:1"])])
        #expect(data.links == [ClaudeTraceCore.SpanLink(context: linked.span.context, attributes: ["why": "retry of"])])
        #expect(data.status == .error(description: "upstream failed"))
    }

    @Test("ok is final; an error without a message has no description")
    func status() async throws {
        let (tracer, provider, exporter) = makeBackend()
        let failed = tracer.startSpan("failed", context: .topLevel)
        failed.setStatus(.init(code: .error))
        failed.end()
        let succeeded = tracer.startSpan("succeeded", context: .topLevel)
        succeeded.setStatus(.init(code: .ok))
        succeeded.setStatus(.init(code: .error, message: "too late"))
        succeeded.end()
        let spans = await exported(provider, exporter)
        #expect(spans.first { $0.name == "failed" }?.status == .error(description: nil))
        #expect(spans.first { $0.name == "succeeded" }?.status == .ok)
    }

    @Test("recordError adds an exception event and leaves the status; a throwing withSpan sets error")
    func errors() async throws {
        let (tracer, provider, exporter) = makeBackend()
        let span = tracer.startSpan("recorded", context: .topLevel)
        span.recordError(Failure(), attributes: ["attempt": 2], at: DefaultTracerClock.Instant(nanosecondsSinceEpoch: 123))
        span.end()
        #expect(throws: Failure.self) {
            try tracer.withSpan("thrown", context: .topLevel) { _ in throw Failure() }
        }
        let spans = await exported(provider, exporter)
        let recorded = try #require(spans.first { $0.name == "recorded" })
        #expect(recorded.status == .unset)
        #expect(recorded.events == [SpanEvent(name: "exception", timeNanoseconds: 123, attributes: [
            "exception.type": .string(String(reflecting: Failure.self)), "exception.message": "the operation failed", "attempt": 2,
        ])])
        let thrown = try #require(spans.first { $0.name == "thrown" })
        #expect(thrown.status.isError)
        #expect(thrown.events.map(\.name) == ["exception"])
    }

    @Test("a span the sampler drops records nothing but still carries its context")
    func dropped() async throws {
        let exporter = InMemorySpanExporter()
        let provider = TracerProvider(resource: Resource(), sampler: .alwaysOff, processors: [SimpleSpanProcessor(exporter: exporter)])
        let tracer = ClaudeTraceTracer(provider: provider)
        let parent = tracer.startSpan("dropped", context: .topLevel)
        #expect(!parent.isRecording)
        parent.attributes["ignored"] = 1
        let child = tracer.startSpan("child", context: parent.context)
        #expect(child.span.context.traceID == parent.span.context.traceID)
        #expect(child.span.parentSpanID == parent.span.context.spanID)
        child.end()
        parent.end()
        #expect(await exported(provider, exporter).isEmpty)
    }
}

@Suite("One current span across both APIs")
struct NestingTests {
    @Test("SDT, then ClaudeTrace, then SDT, then ClaudeTrace: each is the child of the one outside it")
    func alternating() async throws {
        let (tracer, provider, exporter) = makeBackend()
        let native = provider.tracer("native")
        await tracer.withSpan("sdt-1") { _ in
            await native.withSpan("ct-1") { _ in
                await tracer.withSpan("sdt-2") { _ in
                    await native.withSpan("ct-2") { _ in
                        await tracer.withSpan("sdt-3") { _ in await Task.yield() }
                    }
                    // Back in sdt-2's scope: ClaudeTrace's current span is sdt-2 again.
                    #expect(Span.current?.name == "sdt-2")
                    await native.withSpan("ct-3") { _ in await Task.yield() }
                }
            }
        }
        let spans = await exported(provider, exporter)
        #expect(spans.count == 6)
        func span(_ name: String) throws -> SpanData { try #require(spans.first { $0.name == name }) }
        let root = try span("sdt-1")
        #expect(root.parentSpanID == nil)
        for (child, parent) in [("ct-1", "sdt-1"), ("sdt-2", "ct-1"), ("ct-2", "sdt-2"), ("sdt-3", "ct-2"), ("ct-3", "sdt-2")] {
            #expect(try span(child).parentSpanID == span(parent).context.spanID, "\(child) under \(parent)")
            #expect(try span(child).context.traceID == root.context.traceID)
        }
    }

    @Test("a Claude call inside an SDT span is its child")
    func claudeCallInsideSDTSpan() async throws {
        let (tracer, provider, exporter) = makeBackend()
        let client = ClaudeClient.simulated(tracer: provider.tracer("claude"))
        let request = ClaudeMessageRequest(model: "claude-sonnet-4-5", maxTokens: 64, messages: [.user("Hello")])
        try await tracer.withSpan("POST /chat", ofKind: .server) { _ in
            _ = try await client.createMessage(request)
            for try await _ in client.streamMessage(request) {}
        }
        let spans = await exported(provider, exporter)
        let server = try #require(spans.first { $0.name == "POST /chat" })
        let calls = spans.filter { $0.kind == .client }
        #expect(calls.count == 2)
        for call in calls {
            #expect(call.parentSpanID == server.context.spanID)
            #expect(call.context.traceID == server.context.traceID)
        }
    }

    @Test("an explicit context is the parent, not the task's current SDT span")
    func explicitContext() async throws {
        let (tracer, provider, exporter) = makeBackend()
        let other = tracer.startSpan("other", context: .topLevel)
        await tracer.withSpan("outer", context: .topLevel) { _ in
            await Task.yield()
            tracer.startSpan("explicit", context: other.context).end()
        }
        other.end()
        let spans = await exported(provider, exporter)
        #expect(spans.first { $0.name == "explicit" }?.parentSpanID == other.span.context.spanID)
    }
}

/// A `[String: String]` carrier, as an HTTP library's headers would be.
struct DictionaryExtractor: Extractor {
    func extract(key: String, from carrier: [String: String]) -> String? { carrier[key] }
}

struct DictionaryInjector: Injector {
    func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) { carrier[key] = value }
}

@Suite("ServiceContext propagation")
struct PropagationTests {
    let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

    @Test("an extracted traceparent and tracestate are the remote parent; injecting writes the child's")
    func roundTrip() async throws {
        let (tracer, provider, exporter) = makeBackend()
        var context = ServiceContext.topLevel
        tracer.extract(["traceparent": traceparent, "tracestate": "vendor=abc"], into: &context, using: DictionaryExtractor())
        let remote = try #require(context.claudeTraceSpan)
        #expect(remote.context.isRemote && !remote.isRecording)

        var outgoing: [String: String] = [:]
        await tracer.withSpan("server", context: context, ofKind: .server) { span in
            await Task.yield()
            tracer.inject(.current ?? .topLevel, into: &outgoing, using: DictionaryInjector())
            #expect(outgoing["traceparent"] == TraceContextPropagator.traceparent(for: span.span.context))
        }
        #expect(outgoing["tracestate"] == "vendor=abc")
        let server = try #require(await exported(provider, exporter).first)
        #expect(server.context.traceID.hexString == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(server.parentSpanID?.hexString == "00f067aa0ba902b7")
        #expect(server.parentIsRemote)
        #expect(outgoing["traceparent"]?.contains(server.context.spanID.hexString) == true)
    }

    @Test("inside a ClaudeTrace span, injection writes that span, even from an older ServiceContext")
    func injectsNewestSpan() async throws {
        let (tracer, provider, _) = makeBackend()
        var headers: [String: String] = [:]
        await tracer.withSpan("sdt") { _ in
            await provider.tracer("native").withSpan("native") { native in
                await Task.yield()
                tracer.inject(.current ?? .topLevel, into: &headers, using: DictionaryInjector())
                #expect(headers["traceparent"] == TraceContextPropagator.traceparent(for: native.context))
            }
        }
    }

    @Test("a malformed traceparent is ignored and a new trace starts; no span injects nothing")
    func malformed() {
        let (tracer, _, _) = makeBackend()
        var context = ServiceContext.topLevel
        tracer.extract(["traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"], into: &context, using: DictionaryExtractor())
        #expect(context.claudeTraceSpan == nil)
        let span = tracer.startSpan("new trace", context: context)
        #expect(span.span.parentSpanID == nil)
        span.end()
        var headers: [String: String] = [:]
        tracer.inject(.topLevel, into: &headers, using: DictionaryInjector())
        #expect(headers.isEmpty)
    }
}

@Suite("Log metadata")
struct LogMetadataTests {
    @Test("log lines inside a span carry its trace_id and span_id, outside none")
    func metadata() async throws {
        let (tracer, provider, _) = makeBackend()
        #expect(Logger.MetadataProvider.claudeTrace.get().isEmpty)
        await tracer.withSpan("sdt") { span in
            let metadata = Logger.MetadataProvider.claudeTrace.get()
            #expect(metadata["trace_id"] == "\(span.span.context.traceID.hexString)")
            #expect(metadata["span_id"] == "\(span.span.context.spanID.hexString)")
            await provider.tracer("native").withSpan("native") { native in
                await Task.yield()
                #expect(Logger.MetadataProvider.claudeTrace.get()["span_id"] == "\(native.context.spanID.hexString)")
            }
        }
    }
}
