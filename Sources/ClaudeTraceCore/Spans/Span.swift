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
    /// The span's role: internal, server, client, producer or consumer.
    public let kind: SpanKind
    /// The span's storage; nil for a non-recording span. Its `provider` is nil once it has ended.
    let state: Locked<SpanRecord>?

    init(
        name: String, kind: SpanKind, context: SpanContext, parentSpanID: SpanID?, parentIsRemote: Bool,
        attributes: Attributes, droppedAttributes: Int, links: [SpanLink], droppedLinks: Int,
        startWall: UInt64, startMonotonic: UInt64, provider: TracerProvider, origin: SpanOrigin
    ) {
        self.context = context
        self.parentSpanID = parentSpanID
        self.kind = kind
        self.state = Locked(SpanRecord(
            fields: SpanFields(
                name: name, kind: kind, context: context, parentSpanID: parentSpanID, parentIsRemote: parentIsRemote,
                startTimeNanoseconds: startWall, endTimeNanoseconds: startWall, attributes: attributes,
                events: [], links: links, status: .unset, droppedAttributesCount: droppedAttributes,
                droppedEventsCount: 0, droppedLinksCount: droppedLinks, origin: origin),
            provider: provider, startMonotonic: startMonotonic))
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
    public var isRecording: Bool { state?.withLock { $0.provider != nil } ?? false }

    /// The span's name; empty for a non-recording span.
    public var name: String { state?.withLock { $0.fields.name } ?? "" }

    /// The span's status so far; `.unset` for a non-recording span.
    public var status: SpanStatus { state?.withLock { $0.fields.status } ?? .unset }

    /// The span's attributes: read them, or set one with `span.attributes["key"] = value`.
    ///
    /// Inlinable, as is the view's setter, so that `span.attributes[key] = value` compiles to
    /// ``setAttribute(_:_:)`` at the caller's site: through calls into this module the view was
    /// made and freed for each assignment, a retain and a release of the span's storage
    /// (W1-each in docs/benchmarks.md).
    public var attributes: AttributesView {
        @inlinable get { AttributesView(span: self) }
    }

    /// A live view of a span's attributes; each set is applied atomically under the span's
    /// limits.
    public struct AttributesView: Sendable {
        @usableFromInline let span: Span

        @inlinable init(span: Span) { self.span = span }

        /// The attribute's value; setting one applies the span's limits, and does nothing once it has ended.
        public subscript(key: String) -> AttributeValue? {
            get { span.attribute(key) }
            @inlinable nonmutating set {
                if let newValue { span.setAttribute(key, newValue) } else { span.removeAttribute(key) }
            }
        }

        /// A copy of all attributes set so far.
        public var all: Attributes { span.state?.withLock { $0.fields.attributes } ?? [:] }
    }

    /// The value of attribute `key`, if set.
    func attribute(_ key: String) -> AttributeValue? { state?.withLock { $0.fields.attributes[key] } }

    /// Changes the span under its lock, unless it has ended: every change goes through here,
    /// which is what lets an ended span's ``SpanData`` be read without the lock. The body gets
    /// the provider's limits, not the provider: binding the provider retained and released it
    /// on every change (perf on W1-each: a fifth of its retains and releases).
    @inline(__always)
    private func change(_ body: (inout SpanFields, SpanLimits) -> Void) {
        state?.withLock { record in
            guard let limits = record.provider?.limits else { return }
            body(&record.fields, limits)
        }
    }

    /// Sets one attribute. Ignored after the span ended; a new key beyond the count limit is
    /// dropped and counted.
    public func setAttribute(_ key: consuming String, _ value: consuming AttributeValue) {
        change { fields, limits in
            if !fields.attributes.set(taking: &key, &value, limits: limits.spanAttributes) {
                fields.droppedAttributesCount += 1
            }
        }
    }

    /// Sets several attributes under one lock, as if set one by one in their order: a key the
    /// span has gets the new value in place; a new key beyond the count limit is dropped and
    /// counted.
    public func setAttributes(_ attributes: Attributes) {
        guard !attributes.isEmpty else { return }
        change { fields, limits in
            fields.droppedAttributesCount += fields.attributes.merge(attributes, limits: limits.spanAttributes)
        }
    }

    /// Replaces all the span's attributes under one lock, within its limits (a key beyond the
    /// count limit is dropped and counted): for an API whose spans set their attributes as a
    /// whole, such as swift-distributed-tracing's.
    public func replaceAttributes(_ attributes: Attributes) {
        change { fields, limits in
            let (limited, dropped) = attributes.limited(by: limits.spanAttributes)
            fields.attributes = limited
            fields.droppedAttributesCount += dropped
        }
    }

    @usableFromInline
    func removeAttribute(_ key: String) {
        change { fields, _ in fields.attributes[key] = nil }
    }

    /// Renames the span (e.g. once a route is known).
    public func updateName(_ name: String) {
        change { fields, _ in fields.name = name }
    }

    /// Adds an event, timestamped now unless `time` (Unix epoch nanoseconds) is given.
    public func addEvent(_ name: String, attributes: Attributes = [:], at time: UInt64? = nil) {
        guard state != nil else { return }
        let time = time ?? WallClock.nanoseconds()
        change { fields, limits in
            guard fields.events.count < limits.eventCountLimit else {
                fields.droppedEventsCount += 1
                return
            }
            let (limited, dropped) = attributes.limited(by: limits.eventAttributes)
            fields.events.append(SpanEvent(name: name, timeNanoseconds: time, attributes: limited, droppedAttributesCount: dropped))
        }
    }

    /// Adds a link to another span's context. A link to an invalid context is kept only when it
    /// carries attributes or a trace state (spec).
    public func addLink(_ context: SpanContext, attributes: Attributes = [:]) {
        change { fields, limits in
            guard let link = limits.makeLink(context, attributes: attributes) else { return }
            if fields.links.count < limits.linkCountLimit {
                fields.links.append(link)
            } else {
                fields.droppedLinksCount += 1
            }
        }
    }

    /// Sets the status by the spec's rules: `.unset` is ignored, `.ok` is final, otherwise the
    /// last call wins.
    public func setStatus(_ status: SpanStatus) {
        change { fields, _ in
            switch (fields.status, status) {
            case (_, .unset), (.ok, _): return
            case (_, .error(let description)):
                fields.status = .error(description: description?.isEmpty == true ? nil : description)
            case (_, .ok): fields.status = .ok
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
        guard state != nil else { return }
        let now = MonotonicClock.nanoseconds()
        // The storage is reached through the optional, not unwrapped into a copy: a copy costs
        // a retain and a release, two atomic operations (W1's counts in docs/benchmarks.md).
        let ended: TracerProvider? = state?.withLock { record in
            guard let provider = record.provider else { return nil }
            let start = record.fields.startTimeNanoseconds
            record.fields.endTimeNanoseconds = max(time ?? start &+ (now &- record.startMonotonic), start)
            record.provider = nil
            return provider
        }
        guard let provider = ended else { return }
        provider.onEnd(state.unsafelyUnwrapped)
    }

    /// The span current in this task (set by `withSpan`, or by the API an installed
    /// ``SpanBridge`` follows), if any.
    public static var current: Span? {
        guard let installed = InstalledBridge.shared.load() else { return CurrentSpan.value }
        return current(bridged: installed.bridge.currentBridgedSpan())
    }
}

/// The task-local that carries the current span through `await`, `async let`, task groups and
/// `Task { }` (but not `Task.detached`, GCD or callbacks: capture the context for those).
@usableFromInline
enum CurrentSpan {
    @TaskLocal static var value: Span?
}
