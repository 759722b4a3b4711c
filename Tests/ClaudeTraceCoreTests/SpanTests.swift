import Testing
@testable import ClaudeTraceCore

@Suite("Spans")
struct SpanTests {
    @Test("a span ends once and ignores every change after end")
    func endsOnce() async throws {
        let (provider, exporter) = makeTestProvider()
        let span = provider.tracer("tests").startSpan("work", kind: .client, attributes: ["a": 1])
        span.attributes["b"] = "two"
        span.end()
        span.attributes["c"] = true
        span.addEvent("late")
        span.setStatus(.error(description: "late"))
        span.updateName("renamed")
        span.addLink(SpanContext(traceID: TraceID(high: 1, low: 1), spanID: SpanID(1)))
        span.end()
        #expect(!span.isRecording)
        let spans = await exported(provider, exporter)
        #expect(spans.count == 1)
        let data = try #require(spans.first)
        #expect(data.name == "work" && data.kind == .client)
        #expect(data.attributes == ["a": 1, "b": "two"])
        #expect(data.events.isEmpty && data.links.isEmpty && data.status == .unset)
        #expect(data.endTimeNanoseconds >= data.startTimeNanoseconds)
    }

    @Test("an ended span's snapshot is a value: changing it changes neither the span nor other copies")
    func snapshotIsAValue() async throws {
        let (provider, exporter) = makeTestProvider()
        let span = provider.tracer("tests").startSpan("work", attributes: ["a": 1])
        span.end()
        let original = try #require(await exported(provider, exporter).first)
        var changed = original
        changed.name = "renamed"
        changed.attributes["b"] = 2
        changed.resource = Resource(attributes: ["service.name": "other"])
        #expect(original.name == "work" && original.attributes == ["a": 1])
        #expect(original.resource.attributes["service.name"] == "tests")
        #expect(span.name == "work" && span.attributes.all == ["a": 1])
        #expect(changed.name == "renamed" && changed.attributes == ["a": 1, "b": 2])
        #expect(changed != original && !changed.sharesResourceAndScope(with: original))
        var same = changed
        same.name = "renamed"
        #expect(same == changed && same.hashValue == changed.hashValue)
    }

    @Test("exported spans do not keep their provider alive")
    func snapshotDoesNotRetainProvider() async throws {
        let exporter = InMemorySpanExporter()
        weak var weakProvider: TracerProvider?
        do {
            let provider = TracerProvider(resource: Resource(), processors: [SimpleSpanProcessor(exporter: exporter)])
            weakProvider = provider
            provider.tracer("tests").startSpan("work").end()
            await provider.shutdown()
        }
        #expect(exporter.exportedSpans.count == 1)
        #expect(weakProvider == nil)
    }

    @Test("start times follow the wall clock; durations follow the monotonic clock")
    func timestamps() async throws {
        let (provider, exporter) = makeTestProvider()
        let before = WallClock.nanoseconds()
        let span = provider.tracer("tests").startSpan("work")
        try await Task.sleep(for: .milliseconds(20))
        span.end()
        let after = WallClock.nanoseconds()
        let data = try #require(await exported(provider, exporter).first)
        // The anchored reading may lag or lead the wall clock by the two reads' skew.
        #expect(data.startTimeNanoseconds + 1_000_000 >= before && data.startTimeNanoseconds <= after)
        #expect(data.endTimeNanoseconds - data.startTimeNanoseconds >= 20_000_000)
        #expect(data.endTimeNanoseconds <= after + 1_000_000)
    }

    @Test("status follows Ok > Error > Unset: ok is final, unset is ignored")
    func statusOrdering() {
        let (provider, _) = makeTestProvider()
        let span = provider.tracer("tests").startSpan("status")
        span.setStatus(.error(description: "first"))
        span.setStatus(.unset)
        #expect(span.status == .error(description: "first"))
        span.setStatus(.error(description: ""))
        #expect(span.status == .error(description: nil))
        span.setStatus(.ok)
        span.setStatus(.error(description: "after ok"))
        #expect(span.status == .ok)
    }

    @Test("setting an attribute twice overwrites it in place; nil removes it")
    func attributeOverwrite() {
        var attributes: Attributes = ["a": 1, "b": 2]
        attributes["a"] = "one"
        attributes["b"] = nil
        attributes["c"] = .doubleArray([1.5])
        #expect(attributes.keys == ["a", "c"])
        #expect(attributes["a"] == "one")
    }

    @Test("lookups skip only keys that cannot be there: lengths equal modulo 64, a key removed and set again, merges into set keys")
    func keyLengthFilter() {
        let short = "k", long = "k" + String(repeating: "x", count: 64)  // 1 and 65 bytes: the same bit
        var attributes: Attributes = [short: 1]
        #expect(attributes[long] == nil)
        attributes[long] = 2
        #expect(attributes.keys == [short, long] && attributes[short] == 1 && attributes[long] == 2)
        attributes[short] = nil
        #expect(attributes[short] == nil && attributes[long] == 2)
        attributes[short] = 3
        #expect(attributes.keys == [long, short] && attributes[short] == 3)

        let (provider, _) = makeTestProvider()
        let span = provider.tracer("tests").startSpan("work")
        span.attributes["a"] = 1
        span.setAttributes(["b": 2, "a": 3])
        span.attributes["b"] = 4
        span.attributes["bb"] = 5
        #expect(span.attributes.all == ["a": 3, "b": 4, "bb": 5])
        var merged = Attributes()
        #expect(merged.merge(["a": 1, "bb": 2], limits: AttributeLimits()) == 0)
        merged["bb"] = 3
        merged["cc"] = 4
        #expect(merged == ["a": 1, "bb": 3, "cc": 4])
    }

    @Test("keys are the same key only when their bytes are: a literal keeps the last of a repeated key, spellings that merely look alike stay apart")
    func keysCompareByBytes() {
        // Equal length, first byte and all but one byte; then a repeat, which the last one wins.
        let literal: Attributes = [
            "gen_ai.usage.input_tokens": 1, "gen_ai.usage.inpux_tokens": 2, "http.response.status_code": 3,
            "gen_ai.request.max_tokens": 4, "gen_ai.usage.input_tokens": 5,
        ]
        #expect(literal.keys == ["gen_ai.usage.input_tokens", "gen_ai.usage.inpux_tokens", "http.response.status_code", "gen_ai.request.max_tokens"])
        #expect(literal["gen_ai.usage.input_tokens"] == 5)
        // "ÅÅ" spelled two ways in five bytes each: equal as Swift strings, not as keys.
        let (precomposedFirst, combiningFirst) = ("\u{C5}A\u{30A}", "A\u{30A}\u{C5}")
        #expect(precomposedFirst == combiningFirst && precomposedFirst.utf8.count == combiningFirst.utf8.count)
        var attributes: Attributes = [precomposedFirst: 1]
        attributes[combiningFirst] = 2
        #expect(attributes.count == 2 && attributes[precomposedFirst] == 1 && attributes[combiningFirst] == 2)
        #expect(([precomposedFirst: 1] as Attributes) != [combiningFirst: 1])
    }

    @Test("limits drop surplus attributes, events and links and count them; overwrites are not drops")
    func limitsTruncateAndCount() async throws {
        let limits = SpanLimits(
            attributeCountLimit: 2, attributeValueLengthLimit: 3, eventCountLimit: 1, linkCountLimit: 1,
            attributePerEventCountLimit: 1, attributePerLinkCountLimit: 1)
        let (provider, exporter) = makeTestProvider(limits: limits)
        let link = SpanLink(context: SpanContext(traceID: TraceID(high: 1, low: 2), spanID: SpanID(3)), attributes: ["x": 1, "y": 2])
        let span = provider.tracer("tests").startSpan("limited", attributes: ["a": "abcdef", "b": 1, "c": 2], links: [link, link])
        span.attributes["a"] = "xyzzy"
        span.attributes["d"] = 4
        span.setAttribute("s", .stringArray(["long", "ok"]))
        span.addEvent("one", attributes: ["p": 1, "q": 2])
        span.addEvent("two")
        span.end()
        let data = try #require(await exported(provider, exporter).first)
        #expect(data.attributes == ["a": "xyz", "b": 1])
        #expect(data.droppedAttributesCount == 3)
        #expect(data.events.count == 1 && data.droppedEventsCount == 1)
        #expect(data.events[0].droppedAttributesCount == 1)
        #expect(data.links.count == 1 && data.droppedLinksCount == 1)
        #expect(data.links[0].attributes.count == 1 && data.links[0].droppedAttributesCount == 1)
    }

    @Test("setAttributes sets each attribute in its order: equal keys are overwritten in place, new keys appended")
    func setAttributesMerges() async throws {
        let (provider, exporter) = makeTestProvider()
        let tracer = provider.tracer("tests")
        let fresh = tracer.startSpan("fresh")
        fresh.setAttributes(["a": 1, "b": 2])
        fresh.setAttributes(["b": "two", "c": 3, "a": "one"])
        fresh.setAttributes([:])
        fresh.end()
        let started = tracer.startSpan("started", attributes: ["x": 1, "gen_ai.request.max_tokens": 2])
        // Same length and first byte as an existing key, but another key: appended.
        started.setAttributes(["gen_ai.request.max_tokenz": 3, "gen_ai.request.max_tokens": 4, "y": 5])
        started.end()
        let spans = await exported(provider, exporter)
        #expect(spans[0].attributes.keys == ["a", "b", "c"])
        #expect(spans[0].attributes == ["a": "one", "b": "two", "c": 3])
        #expect(spans[1].attributes == ["x": 1, "gen_ai.request.max_tokens": 4, "gen_ai.request.max_tokenz": 3, "y": 5])
        #expect(spans.allSatisfy { $0.droppedAttributesCount == 0 })
    }

    @Test("setAttributes keeps the limits: new keys beyond the count are dropped and counted, overwrites are not, strings are cut")
    func setAttributesKeepsLimits() async throws {
        let (provider, exporter) = makeTestProvider(limits: SpanLimits(attributeCountLimit: 3, attributeValueLengthLimit: 2))
        let tracer = provider.tracer("tests")
        let fresh = tracer.startSpan("fresh")
        fresh.setAttributes(["a": "abc", "b": 1, "c": 2, "d": 3, "e": 4])
        fresh.setAttributes(["a": "xyz", "f": 5])
        fresh.end()
        let unlimited = makeTestProvider(limits: SpanLimits(attributeCountLimit: 2))
        let over = unlimited.0.tracer("tests").startSpan("over")
        over.setAttributes(["p": 1, "q": 2, "r": 3])
        over.end()
        let data = try #require(await exported(provider, exporter).first)
        #expect(data.attributes == ["a": "xy", "b": 1, "c": 2])
        #expect(data.droppedAttributesCount == 3)
        let overData = try #require(await exported(unlimited.0, unlimited.1).first)
        #expect(overData.attributes == ["p": 1, "q": 2] && overData.droppedAttributesCount == 1)
    }

    @Test("setAttributes after end is ignored")
    func setAttributesAfterEnd() async throws {
        let (provider, exporter) = makeTestProvider()
        let span = provider.tracer("tests").startSpan("ended", attributes: ["a": 1])
        span.end()
        span.setAttributes(["a": 2, "b": 3])
        let data = try #require(await exported(provider, exporter).first)
        #expect(data.attributes == ["a": 1] && data.droppedAttributesCount == 0)
    }

    @Test("strings are cut on character boundaries, never inside an emoji or UTF-8 sequence")
    func truncationKeepsCharacters() {
        let value = AttributeValue.string("é👩‍👩‍👧z").truncated(to: 2)
        #expect(value == .string("é👩‍👩‍👧"))
        #expect(AttributeValue.string("abc").truncated(to: 3) == "abc")
    }

    @Test("limits come from OTEL_* variables, the span-specific one winning, and bad values fall back")
    func limitsFromEnvironment() {
        let limits = SpanLimits.fromEnvironment(EnvironmentReader([
            "OTEL_ATTRIBUTE_COUNT_LIMIT": "10", "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT": "5",
            "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT": "64", "OTEL_SPAN_EVENT_COUNT_LIMIT": "-3",
            "OTEL_LINK_ATTRIBUTE_COUNT_LIMIT": "7",
        ]))
        #expect(limits.attributeCountLimit == 5)
        #expect(limits.attributeValueLengthLimit == 64)
        #expect(limits.eventCountLimit == 128)
        #expect(limits.attributePerLinkCountLimit == 7)
    }

    @Test("recordError adds an exception event with type and message and sets status error")
    func recordError() async throws {
        enum Failure: Error { case timeout }
        let (provider, exporter) = makeTestProvider()
        let span = provider.tracer("tests").startSpan("failing")
        span.recordError(Failure.timeout, attributes: ["exception.stacktrace": "here"])
        span.end()
        let data = try #require(await exported(provider, exporter).first)
        let event = try #require(data.events.first)
        #expect(event.name == "exception")
        #expect(event.attributes["exception.message"] == "timeout")
        #expect(event.attributes["exception.stacktrace"] == "here")
        #expect(data.status == .error(description: "timeout"))
    }

    @Test("a link to an invalid context is kept only with attributes or a trace state")
    func invalidLinks() async throws {
        let (provider, exporter) = makeTestProvider()
        let span = provider.tracer("tests").startSpan("links")
        let invalid = SpanContext(traceID: .invalid, spanID: .invalid)
        span.addLink(invalid)
        span.addLink(invalid, attributes: ["reason": "kept"])
        span.end()
        let data = try #require(await exported(provider, exporter).first)
        #expect(data.links.count == 1 && data.links[0].attributes["reason"] == "kept")
    }

    @Test("a span has the parent's trace id, a new span id, and OTLP flags for local and remote parents")
    func flags() async throws {
        let (provider, exporter) = makeTestProvider()
        let tracer = provider.tracer("tests")
        let remote = try #require(TraceContextPropagator.extract(from: ["traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"]))
        tracer.withSpan("server", kind: .server, parent: .context(remote)) { _ in
            tracer.withSpan("local-child") { _ in }
        }
        let spans = await exported(provider, exporter)
        let server = try #require(spans.first { $0.name == "server" })
        let child = try #require(spans.first { $0.name == "local-child" })
        #expect(server.context.traceID == remote.traceID && server.parentSpanID == remote.spanID)
        #expect(server.otlpFlags == 0x301)
        #expect(child.otlpFlags == 0x101)
    }
}
