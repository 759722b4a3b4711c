/// The W3C trace flags byte.
public struct TraceFlags: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// The span was sampled: exporters receive it.
    public static let sampled = TraceFlags(rawValue: 0x01)
    /// The trace id's rightmost 7 bytes are random (W3C Trace Context Level 2).
    public static let random = TraceFlags(rawValue: 0x02)
}

/// What crosses process and task boundaries about a span: its ids, flags and trace state.
/// Immutable; valid only when both ids are non-zero.
public struct SpanContext: Hashable, Sendable, CustomStringConvertible {
    public let traceID: TraceID
    public let spanID: SpanID
    public let traceFlags: TraceFlags
    public let traceState: TraceState
    /// True only for a context extracted from another process (e.g. a `traceparent` header).
    public let isRemote: Bool

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

    public var isValid: Bool { traceID.isValid && spanID.isValid }
    public var isSampled: Bool { traceFlags.contains(.sampled) }

    public var description: String {
        "\(traceID.hexString)-\(spanID.hexString)\(isSampled ? " sampled" : "")\(isRemote ? " remote" : "")"
    }

    /// The context of the span current in this task, if any.
    public static var current: SpanContext? { Span.current?.context }
}
