/// What a span is for: its role in a request.
public enum SpanKind: Int, Hashable, Sendable, CaseIterable {
    /// OTLP's numbers: 1 internal … 5 consumer.
    case `internal` = 1, server, client, producer, consumer
}

/// A span's outcome. Ordered Ok > Error > Unset: Ok is final, Unset is never set explicitly.
public enum SpanStatus: Hashable, Sendable {
    /// No status was set: the default.
    case unset
    /// Set explicitly as successful; final.
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

    /// Whether this is an `.error`.
    public var isError: Bool { if case .error = self { true } else { false } }
}

/// A timestamped annotation on a span.
public struct SpanEvent: Hashable, Sendable {
    /// The event's name, e.g. `exception`.
    public var name: String
    /// Unix epoch nanoseconds.
    public var timeNanoseconds: UInt64
    /// The event's attributes, within the span's limits.
    public var attributes: Attributes
    /// Attributes dropped by the limits.
    public var droppedAttributesCount: Int

    /// An event at `timeNanoseconds`.
    public init(name: String, timeNanoseconds: UInt64, attributes: Attributes = [:], droppedAttributesCount: Int = 0) {
        self.name = name
        self.timeNanoseconds = timeNanoseconds
        self.attributes = attributes
        self.droppedAttributesCount = droppedAttributesCount
    }
}

/// A reference from a span to another span, in this trace or another.
public struct SpanLink: Hashable, Sendable {
    /// The linked span's context.
    public var context: SpanContext
    /// The link's attributes, within the span's limits.
    public var attributes: Attributes
    /// Attributes dropped by the limits.
    public var droppedAttributesCount: Int

    /// A link to `context`.
    public init(context: SpanContext, attributes: Attributes = [:], droppedAttributesCount: Int = 0) {
        self.context = context
        self.attributes = attributes
        self.droppedAttributesCount = droppedAttributesCount
    }
}

/// The immutable snapshot of an ended span: what processors and exporters receive.
///
/// A value with the usual copy semantics, but no copy is made when a span ends: the snapshot
/// shares the span's own storage, which nothing writes once the span has ended (every ``Span``
/// method checks that under the span's lock), so reads need no lock. Setting a field copies the
/// storage first unless this value is its only owner. (Before, ending a span copied its 15
/// fields into the snapshot and the batch queue moved the ~200-byte result twice; W1, docs/benchmarks.md.)
public struct SpanData: Hashable, Sendable {
    /// The span's record; its `provider` is nil (the span has ended, or was never a live span).
    /// Getters are inlinable: exporters in other modules read every field of every span.
    @usableFromInline var record: Locked<SpanRecord>

    init(record: Locked<SpanRecord>) { self.record = record }

    /// A snapshot with every field given: for exporters' tests and for spans that arrive from
    /// elsewhere (a file, another SDK).
    public init(
        name: String, kind: SpanKind = .internal, context: SpanContext, parentSpanID: SpanID? = nil,
        parentIsRemote: Bool = false, startTimeNanoseconds: UInt64, endTimeNanoseconds: UInt64,
        attributes: Attributes = [:], events: [SpanEvent] = [], links: [SpanLink] = [],
        status: SpanStatus = .unset, droppedAttributesCount: Int = 0, droppedEventsCount: Int = 0,
        droppedLinksCount: Int = 0, resource: Resource = Resource(),
        scope: InstrumentationScope = InstrumentationScope(name: "")
    ) {
        record = Locked(SpanRecord(fields: SpanFields(
            name: name, kind: kind, context: context, parentSpanID: parentSpanID, parentIsRemote: parentIsRemote,
            startTimeNanoseconds: startTimeNanoseconds, endTimeNanoseconds: endTimeNanoseconds,
            attributes: attributes, events: events, links: links, status: status,
            droppedAttributesCount: droppedAttributesCount, droppedEventsCount: droppedEventsCount,
            droppedLinksCount: droppedLinksCount, origin: SpanOrigin(resource: resource, scope: scope))))
    }

    /// All fields at once.
    var fields: SpanFields {
        @inlinable get { record.readWithoutLock { $0.fields } }
        set { update { $0 = newValue } }
    }

    /// Applies `change` to a storage of this value's own, copying the shared one first.
    private mutating func update(_ change: (inout SpanFields) -> Void) {
        if !record.isUniquelyReferenced() { record = Locked(SpanRecord(fields: fields)) }
        record.withLock { change(&$0.fields) }
    }

    /// The span's name.
    public var name: String {
        @inlinable get { record.readWithoutLock { $0.fields.name } }
        set { update { $0.name = newValue } }
    }

    /// The span's kind.
    public var kind: SpanKind {
        @inlinable get { record.readWithoutLock { $0.fields.kind } }
        set { update { $0.kind = newValue } }
    }

    /// The span's ids, flags and trace state.
    public var context: SpanContext {
        @inlinable get { record.readWithoutLock { $0.fields.context } }
        set { update { $0.context = newValue } }
    }

    /// The parent's span id; nil for a root span.
    public var parentSpanID: SpanID? {
        @inlinable get { record.readWithoutLock { $0.fields.parentSpanID } }
        set { update { $0.parentSpanID = newValue } }
    }

    /// Whether the parent came from another process (OTLP flags bit 9).
    public var parentIsRemote: Bool {
        @inlinable get { record.readWithoutLock { $0.fields.parentIsRemote } }
        set { update { $0.parentIsRemote = newValue } }
    }

    /// Unix epoch nanoseconds.
    public var startTimeNanoseconds: UInt64 {
        @inlinable get { record.readWithoutLock { $0.fields.startTimeNanoseconds } }
        set { update { $0.startTimeNanoseconds = newValue } }
    }

    /// Unix epoch nanoseconds: the start plus a monotonic duration, never before the start.
    public var endTimeNanoseconds: UInt64 {
        @inlinable get { record.readWithoutLock { $0.fields.endTimeNanoseconds } }
        set { update { $0.endTimeNanoseconds = newValue } }
    }

    /// The span's attributes, within its limits.
    public var attributes: Attributes {
        @inlinable get { record.readWithoutLock { $0.fields.attributes } }
        set { update { $0.attributes = newValue } }
    }

    /// The span's events, oldest first.
    public var events: [SpanEvent] {
        @inlinable get { record.readWithoutLock { $0.fields.events } }
        set { update { $0.events = newValue } }
    }

    /// The span's links.
    public var links: [SpanLink] {
        @inlinable get { record.readWithoutLock { $0.fields.links } }
        set { update { $0.links = newValue } }
    }

    /// The span's final status.
    public var status: SpanStatus {
        @inlinable get { record.readWithoutLock { $0.fields.status } }
        set { update { $0.status = newValue } }
    }

    /// Attributes dropped by the limits.
    public var droppedAttributesCount: Int {
        @inlinable get { record.readWithoutLock { $0.fields.droppedAttributesCount } }
        set { update { $0.droppedAttributesCount = newValue } }
    }

    /// Events dropped by the limits.
    public var droppedEventsCount: Int {
        @inlinable get { record.readWithoutLock { $0.fields.droppedEventsCount } }
        set { update { $0.droppedEventsCount = newValue } }
    }

    /// Links dropped by the limits.
    public var droppedLinksCount: Int {
        @inlinable get { record.readWithoutLock { $0.fields.droppedLinksCount } }
        set { update { $0.droppedLinksCount = newValue } }
    }

    /// The service that made the span.
    public var resource: Resource {
        @inlinable get { record.readWithoutLock { $0.fields.origin.resource } }
        set { update { $0.origin = SpanOrigin(resource: newValue, scope: $0.origin.scope) } }
    }

    /// The instrumentation library that made the span.
    public var scope: InstrumentationScope {
        @inlinable get { record.readWithoutLock { $0.fields.origin.scope } }
        set { update { $0.origin = SpanOrigin(resource: $0.origin.resource, scope: newValue) } }
    }

    /// Equal when every field is.
    public static func == (a: SpanData, b: SpanData) -> Bool {
        a.record.storage === b.record.storage || a.fields == b.fields
    }

    /// Hashes every field.
    public func hash(into hasher: inout Hasher) { hasher.combine(fields) }

    /// True when both spans carry the very same resource and scope (spans of one tracer do): a
    /// pointer comparison, for exporters that group spans. False does not mean they differ.
    /// Inlinable: called across modules, both spans were retained and released around the call
    /// (11% of the protobuf encoder's time; 1.48 → 1.66 million spans/s with it inlined).
    @inlinable
    public func sharesResourceAndScope(with other: SpanData) -> Bool {
        record.readWithoutLock { mine in other.record.readWithoutLock { $0.fields.origin === mine.fields.origin } }
    }

    /// The span's duration in seconds.
    public var durationSeconds: Double { Double(endTimeNanoseconds &- startTimeNanoseconds) / 1e9 }

    /// OTLP `Span.flags`: the W3C trace flags in bits 0–7, HAS_IS_REMOTE (0x100) always, and
    /// IS_REMOTE (0x200) when the parent is remote.
    @inlinable
    public var otlpFlags: UInt32 {
        record.readWithoutLock { UInt32($0.fields.context.traceFlags.rawValue) | 0x100 | ($0.fields.parentIsRemote ? 0x200 : 0) }
    }
}

/// What a ``SpanData`` shows: a span's fields.
@usableFromInline
struct SpanFields: Hashable, Sendable {
    @usableFromInline var name: String
    @usableFromInline var kind: SpanKind
    @usableFromInline var context: SpanContext
    @usableFromInline var parentSpanID: SpanID?
    @usableFromInline var parentIsRemote: Bool
    @usableFromInline var startTimeNanoseconds: UInt64
    @usableFromInline var endTimeNanoseconds: UInt64
    @usableFromInline var attributes: Attributes
    @usableFromInline var events: [SpanEvent]
    @usableFromInline var links: [SpanLink]
    @usableFromInline var status: SpanStatus
    @usableFromInline var droppedAttributesCount: Int
    @usableFromInline var droppedEventsCount: Int
    @usableFromInline var droppedLinksCount: Int
    /// The resource and scope, shared by every span of one tracer: one reference to copy
    /// instead of five (retain/release was a fifth of a span's cost before).
    @usableFromInline var origin: SpanOrigin
}

/// A span's storage, shared by its ``Span`` handles and, once it has ended, its ``SpanData``.
@usableFromInline
struct SpanRecord: Sendable {
    @usableFromInline var fields: SpanFields
    /// The provider whose tracer started the span, while the span records; nil once it has
    /// ended (so an exported span does not keep its provider alive) and for a snapshot made
    /// from fields.
    var provider: TracerProvider? = nil
    /// `CLOCK_MONOTONIC` at the start, for the duration.
    var startMonotonic: UInt64 = 0
    // The memberwise initializer: an explicit one built the record on the stack and copied it
    // out whole (a retain and a release of each of its references; perf on W1).
}

/// A resource and an instrumentation scope, immutable and shared.
@usableFromInline
final class SpanOrigin: Hashable, Sendable {
    @usableFromInline let resource: Resource
    @usableFromInline let scope: InstrumentationScope

    init(resource: Resource, scope: InstrumentationScope) {
        self.resource = resource
        self.scope = scope
    }

    @usableFromInline
    static func == (a: SpanOrigin, b: SpanOrigin) -> Bool {
        a === b || (a.resource == b.resource && a.scope == b.scope)
    }

    @usableFromInline
    func hash(into hasher: inout Hasher) {
        hasher.combine(resource)
        hasher.combine(scope)
    }
}
