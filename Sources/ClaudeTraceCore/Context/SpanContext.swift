/// The W3C trace flags byte.
public struct TraceFlags: OptionSet, Hashable, Sendable {
    /// The flags byte as sent in `traceparent`.
    public let rawValue: UInt8
    /// Flags from the `traceparent` byte; unknown bits are kept.
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// The span was sampled: exporters receive it.
    public static let sampled = TraceFlags(rawValue: 0x01)
    /// The trace id's rightmost 7 bytes are random (W3C Trace Context Level 2).
    public static let random = TraceFlags(rawValue: 0x02)
}

/// What crosses process and task boundaries about a span: its ids, flags and trace state.
/// Immutable; valid only when both ids are non-zero.
public struct SpanContext: Hashable, Sendable, CustomStringConvertible {
    /// The trace this span belongs to.
    public let traceID: TraceID
    /// This span's id.
    public let spanID: SpanID
    /// The W3C flags: whether the span is sampled, whether its trace id is random.
    public let traceFlags: TraceFlags
    /// Vendor-specific data carried with the trace (`tracestate`).
    public let traceState: TraceState
    /// True only for a context extracted from another process (e.g. a `traceparent` header).
    public let isRemote: Bool

    /// A context; `isRemote` only for one extracted from another process.
    public init(
        traceID: TraceID, spanID: SpanID, traceFlags: TraceFlags = [],
        traceState: TraceState = TraceState(), isRemote: Bool = false
    ) {
        self.traceID = traceID
        self.spanID = spanID
        self.traceFlags = traceFlags
        self.traceState = traceState
        self.isRemote = isRemote
    }

    /// Whether both ids are non-zero: an invalid context is never propagated.
    public var isValid: Bool { traceID.isValid && spanID.isValid }
    /// Whether the `sampled` flag is set.
    public var isSampled: Bool { traceFlags.contains(.sampled) }

    /// `traceid-spanid`, then `sampled` and `remote` when they apply.
    public var description: String {
        "\(traceID.hexString)-\(spanID.hexString)\(isSampled ? " sampled" : "")\(isRemote ? " remote" : "")"
    }

    /// The context of the span current in this task, if any.
    public static var current: SpanContext? { Span.current?.context }
}
