/// What a span is for: its role in a request.
public enum SpanKind: Int, Hashable, Sendable, CaseIterable {
    /// OTLP's numbers: 1 internal … 5 consumer.
    case `internal` = 1, server, client, producer, consumer
}

/// A span's outcome. Ordered Ok > Error > Unset: Ok is final, Unset is never set explicitly.
public enum SpanStatus: Hashable, Sendable {
    case unset
    case ok
    /// An error; the description is the message, when there is one.
    case error(description: String?)

    /// OTLP's status code: 0 unset, 1 ok, 2 error.
    public var code: Int {
        switch self {
        case .unset: 0
        case .ok: 1
        case .error: 2
        }
    }

    public var isError: Bool { if case .error = self { true } else { false } }
}

/// A timestamped annotation on a span.
public struct SpanEvent: Hashable, Sendable {
    public var name: String
    /// Unix epoch nanoseconds.
    public var timeNanoseconds: UInt64
    public var attributes: Attributes
    public var droppedAttributesCount: Int

    public init(name: String, timeNanoseconds: UInt64, attributes: Attributes = [:], droppedAttributesCount: Int = 0) {
        self.name = name
        self.timeNanoseconds = timeNanoseconds
        self.attributes = attributes
        self.droppedAttributesCount = droppedAttributesCount
    }
}

/// A reference from a span to another span, in this trace or another.
public struct SpanLink: Hashable, Sendable {
    public var context: SpanContext
    public var attributes: Attributes
    public var droppedAttributesCount: Int

    public init(context: SpanContext, attributes: Attributes = [:], droppedAttributesCount: Int = 0) {
        self.context = context
        self.attributes = attributes
        self.droppedAttributesCount = droppedAttributesCount
    }
}

/// The immutable snapshot of an ended span: what processors and exporters receive.
public struct SpanData: Hashable, Sendable {
    public var name: String
    public var kind: SpanKind
    public var context: SpanContext
    /// The parent's span id; nil for a root span.
    public var parentSpanID: SpanID?
    /// Whether the parent came from another process (OTLP flags bit 9).
    public var parentIsRemote: Bool
    /// Unix epoch nanoseconds.
    public var startTimeNanoseconds: UInt64
    /// Unix epoch nanoseconds: the start plus a monotonic duration, never before the start.
    public var endTimeNanoseconds: UInt64
    public var attributes: Attributes
    public var events: [SpanEvent]
    public var links: [SpanLink]
    public var status: SpanStatus
    public var droppedAttributesCount: Int
    public var droppedEventsCount: Int
    public var droppedLinksCount: Int
    /// The resource and scope, shared by every span of one tracer: one reference to copy
    /// instead of five (retain/release was a fifth of a span's cost before).
    var origin: SpanOrigin

    /// The service that made the span.
    public var resource: Resource {
        get { origin.resource }
        set { origin = SpanOrigin(resource: newValue, scope: origin.scope) }
    }

    /// The instrumentation library that made the span.
    public var scope: InstrumentationScope {
        get { origin.scope }
        set { origin = SpanOrigin(resource: origin.resource, scope: newValue) }
    }

    public init(
        name: String, kind: SpanKind = .internal, context: SpanContext, parentSpanID: SpanID? = nil,
        parentIsRemote: Bool = false, startTimeNanoseconds: UInt64, endTimeNanoseconds: UInt64,
        attributes: Attributes = [:], events: [SpanEvent] = [], links: [SpanLink] = [],
        status: SpanStatus = .unset, droppedAttributesCount: Int = 0, droppedEventsCount: Int = 0,
        droppedLinksCount: Int = 0, resource: Resource = Resource(),
        scope: InstrumentationScope = InstrumentationScope(name: "")
    ) {
        self.init(
            name: name, kind: kind, context: context, parentSpanID: parentSpanID, parentIsRemote: parentIsRemote,
            startTimeNanoseconds: startTimeNanoseconds, endTimeNanoseconds: endTimeNanoseconds,
            attributes: attributes, events: events, links: links, status: status,
            droppedAttributesCount: droppedAttributesCount, droppedEventsCount: droppedEventsCount,
            droppedLinksCount: droppedLinksCount, origin: SpanOrigin(resource: resource, scope: scope))
    }

    init(
        name: String, kind: SpanKind, context: SpanContext, parentSpanID: SpanID?, parentIsRemote: Bool,
        startTimeNanoseconds: UInt64, endTimeNanoseconds: UInt64, attributes: Attributes,
        events: [SpanEvent], links: [SpanLink], status: SpanStatus, droppedAttributesCount: Int,
        droppedEventsCount: Int, droppedLinksCount: Int, origin: SpanOrigin
    ) {
        self.name = name
        self.kind = kind
        self.context = context
        self.parentSpanID = parentSpanID
        self.parentIsRemote = parentIsRemote
        self.startTimeNanoseconds = startTimeNanoseconds
        self.endTimeNanoseconds = endTimeNanoseconds
        self.attributes = attributes
        self.events = events
        self.links = links
        self.status = status
        self.droppedAttributesCount = droppedAttributesCount
        self.droppedEventsCount = droppedEventsCount
        self.droppedLinksCount = droppedLinksCount
        self.origin = origin
    }

    /// True when both spans carry the very same resource and scope (spans of one tracer do): a
    /// pointer comparison, for exporters that group spans. False does not mean they differ.
    public func sharesResourceAndScope(with other: SpanData) -> Bool { origin === other.origin }

    /// The span's duration in seconds.
    public var durationSeconds: Double { Double(endTimeNanoseconds &- startTimeNanoseconds) / 1e9 }

    /// OTLP `Span.flags`: the W3C trace flags in bits 0–7, HAS_IS_REMOTE (0x100) always, and
    /// IS_REMOTE (0x200) when the parent is remote.
    public var otlpFlags: UInt32 {
        UInt32(context.traceFlags.rawValue) | 0x100 | (parentIsRemote ? 0x200 : 0)
    }
}

/// A resource and an instrumentation scope, immutable and shared.
final class SpanOrigin: Hashable, Sendable {
    let resource: Resource
    let scope: InstrumentationScope

    init(resource: Resource, scope: InstrumentationScope) {
        self.resource = resource
        self.scope = scope
    }

    static func == (a: SpanOrigin, b: SpanOrigin) -> Bool {
        a === b || (a.resource == b.resource && a.scope == b.scope)
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(resource)
        hasher.combine(scope)
    }
}
