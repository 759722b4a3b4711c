/// A unit of work in a trace.
///
/// `Span` is a small handle: copies refer to the same span, and every method may be called from
/// any task. A span ends once; after ``end(at:)`` every change is ignored. A span the sampler
/// dropped is non-recording: it allocates nothing and exports nothing, but its context still
/// propagates to children and headers.
public struct Span: Sendable {
    /// The span's ids and flags. Never changes, even after the span ends.
    public let context: SpanContext
    /// The parent's span id; nil for a root span.
    public let parentSpanID: SpanID?
    public let kind: SpanKind
    /// Nil for a non-recording span.
    let state: Locked<State>?

    struct State: Sendable {
        let tracer: Tracer
        let parentIsRemote: Bool
        let startWall: UInt64
        let startMonotonic: UInt64
        var name: String
        var attributes: Attributes
        var events: [SpanEvent] = []
        var links: [SpanLink] = []
        var status: SpanStatus = .unset
        var droppedAttributes = 0
        var droppedEvents = 0
        var droppedLinks = 0
        var ended = false
    }

    init(
        name: String, kind: SpanKind, context: SpanContext, parentSpanID: SpanID?, parentIsRemote: Bool,
        attributes: Attributes, droppedAttributes: Int, links: [SpanLink], droppedLinks: Int,
        startWall: UInt64, tracer: Tracer
    ) {
        self.context = context
        self.parentSpanID = parentSpanID
        self.kind = kind
        self.state = Locked(State(
            tracer: tracer, parentIsRemote: parentIsRemote, startWall: startWall,
            startMonotonic: MonotonicClock.nanoseconds(), name: name, attributes: attributes,
            links: links, droppedAttributes: droppedAttributes, droppedLinks: droppedLinks))
    }

    /// A non-recording span that only carries `context`: for propagating a context that came
    /// from elsewhere, or for a span the sampler dropped.
    public init(nonRecording context: SpanContext, parentSpanID: SpanID? = nil, kind: SpanKind = .internal) {
        self.context = context
        self.parentSpanID = parentSpanID
        self.kind = kind
        self.state = nil
    }

    /// True while the span records changes: it was sampled (or record-only) and has not ended.
    public var isRecording: Bool { state?.withLock { !$0.ended } ?? false }

    /// The span's name; empty for a non-recording span.
    public var name: String { state?.withLock { $0.name } ?? "" }

    public var status: SpanStatus { state?.withLock { $0.status } ?? .unset }

    /// The span's attributes: read them, or set one with `span.attributes["key"] = value`.
    public var attributes: AttributesView { AttributesView(span: self) }

    /// A live view of a span's attributes; each set is applied atomically under the span's
    /// limits.
    public struct AttributesView: Sendable {
        let span: Span

        public subscript(key: String) -> AttributeValue? {
            get { span.state?.withLock { $0.attributes[key] } }
            nonmutating set {
                if let newValue { span.setAttribute(key, newValue) } else { span.removeAttribute(key) }
            }
        }

        /// A copy of all attributes set so far.
        public var all: Attributes { span.state?.withLock { $0.attributes } ?? [:] }
    }

    /// Sets one attribute. Ignored after the span ended; a new key beyond the count limit is
    /// dropped and counted.
    public func setAttribute(_ key: String, _ value: AttributeValue) {
        state?.withLock { state in
            guard !state.ended else { return }
            if !state.attributes.set(key, value, limits: state.tracer.provider.limits.spanAttributes) {
                state.droppedAttributes += 1
            }
        }
    }

    /// Sets several attributes under one lock.
    public func setAttributes(_ attributes: Attributes) {
        guard !attributes.isEmpty else { return }
        state?.withLock { state in
            guard !state.ended else { return }
            let limits = state.tracer.provider.limits.spanAttributes
            for (key, value) in attributes where !state.attributes.set(key, value, limits: limits) {
                state.droppedAttributes += 1
            }
        }
    }

    private func removeAttribute(_ key: String) {
        state?.withLock { state in
            if !state.ended { state.attributes[key] = nil }
        }
    }

    /// Renames the span (e.g. once a route is known).
    public func updateName(_ name: String) {
        state?.withLock { state in
            if !state.ended { state.name = name }
        }
    }

    /// Adds an event, timestamped now unless `time` (Unix epoch nanoseconds) is given.
    public func addEvent(_ name: String, attributes: Attributes = [:], at time: UInt64? = nil) {
        guard let state else { return }
        let time = time ?? WallClock.nanoseconds()
        state.withLock { state in
            guard !state.ended else { return }
            let limits = state.tracer.provider.limits
            guard state.events.count < limits.eventCountLimit else {
                state.droppedEvents += 1
                return
            }
            let (limited, dropped) = attributes.limited(by: limits.eventAttributes)
            state.events.append(SpanEvent(name: name, timeNanoseconds: time, attributes: limited, droppedAttributesCount: dropped))
        }
    }

    /// Adds a link to another span's context. A link to an invalid context is kept only when it
    /// carries attributes or a trace state (spec).
    public func addLink(_ context: SpanContext, attributes: Attributes = [:]) {
        state?.withLock { state in
            guard !state.ended, let link = state.tracer.provider.makeLink(context, attributes: attributes) else { return }
            if state.links.count < state.tracer.provider.limits.linkCountLimit {
                state.links.append(link)
            } else {
                state.droppedLinks += 1
            }
        }
    }

    /// Sets the status by the spec's rules: `.unset` is ignored, `.ok` is final, otherwise the
    /// last call wins.
    public func setStatus(_ status: SpanStatus) {
        state?.withLock { state in
            guard !state.ended else { return }
            switch (state.status, status) {
            case (_, .unset), (.ok, _): return
            case (_, .error(let description)):
                state.status = .error(description: description?.isEmpty == true ? nil : description)
            case (_, .ok): state.status = .ok
            }
        }
    }

    /// Records `error` as an `exception` event (`exception.type`, `exception.message`) and sets
    /// the status to error with the message as its description. `attributes` override the
    /// generated ones.
    public func recordError(_ error: any Error, attributes: Attributes = [:]) {
        guard state != nil else { return }
        let message = String(describing: error)
        var eventAttributes: Attributes = [
            "exception.type": .string(String(reflecting: type(of: error))),
            "exception.message": .string(message),
        ]
        for (key, value) in attributes { eventAttributes[key] = value }
        addEvent("exception", attributes: eventAttributes)
        setStatus(.error(description: message))
    }

    /// Ends the span, now unless `time` (Unix epoch nanoseconds) is given, and hands its
    /// snapshot to the provider's processors. Only the first call counts.
    public func end(at time: UInt64? = nil) {
        guard let state else { return }
        let now = MonotonicClock.nanoseconds()
        let ended: (SpanData, TracerProvider)? = state.withLock { state in
            guard !state.ended else { return nil }
            state.ended = true
            let endWall = time ?? state.startWall &+ (now &- state.startMonotonic)
            let provider = state.tracer.provider
            let data = SpanData(
                name: state.name, kind: kind, context: context, parentSpanID: parentSpanID,
                parentIsRemote: state.parentIsRemote, startTimeNanoseconds: state.startWall,
                endTimeNanoseconds: max(endWall, state.startWall), attributes: state.attributes,
                events: state.events, links: state.links, status: state.status,
                droppedAttributesCount: state.droppedAttributes, droppedEventsCount: state.droppedEvents,
                droppedLinksCount: state.droppedLinks, origin: state.tracer.origin)
            return (data, provider)
        }
        guard let (data, provider) = ended else { return }
        // Each processor but the last gets a copy; the last gets the span itself.
        let processors = provider.processors
        guard let last = processors.indices.last else { return }
        for index in 0..<last { processors[index].onEnd(data) }
        processors[last].onEnd(consume data)
    }

    /// The span current in this task (set by `withSpan`), if any.
    public static var current: Span? { CurrentSpan.value }
}

/// The task-local that carries the current span through `await`, `async let`, task groups and
/// `Task { }` (but not `Task.detached`, GCD or callbacks: capture the context for those).
enum CurrentSpan {
    @TaskLocal static var value: Span?
}
