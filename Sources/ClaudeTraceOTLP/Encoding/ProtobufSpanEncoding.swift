import ClaudeTraceCore

// `Span`, `Span.Event`, `Span.Link` and `Status` (opentelemetry-proto trace/v1/trace.proto):
// the size pass and the write pass of each message side by side, so that a reviewer can check
// that they agree field by field.

/// `Span`
enum SpanField {
    static let traceID: UInt32 = 1
    static let spanID: UInt32 = 2
    static let traceState: UInt32 = 3
    static let parentSpanID: UInt32 = 4
    static let name: UInt32 = 5
    static let kind: UInt32 = 6
    static let startTimeUnixNano: UInt32 = 7
    static let endTimeUnixNano: UInt32 = 8
    static let attributes: UInt32 = 9
    static let droppedAttributesCount: UInt32 = 10
    static let events: UInt32 = 11
    static let droppedEventsCount: UInt32 = 12
    static let links: UInt32 = 13
    static let droppedLinksCount: UInt32 = 14
    static let status: UInt32 = 15
    static let flags: UInt32 = 16
}

/// `Span.Event`
enum EventField {
    static let timeUnixNano: UInt32 = 1
    static let name: UInt32 = 2
    static let attributes: UInt32 = 3
    static let droppedAttributesCount: UInt32 = 4
}

/// `Span.Link`
enum LinkField {
    static let traceID: UInt32 = 1
    static let spanID: UInt32 = 2
    static let traceState: UInt32 = 3
    static let attributes: UInt32 = 4
    static let droppedAttributesCount: UInt32 = 5
    static let flags: UInt32 = 6
}

/// `Status`
enum StatusField {
    static let message: UInt32 = 2
    static let code: UInt32 = 3
}

/// Sizes of fields that hold a single scalar, omitted at their default (zero).
enum ScalarFieldSize {
    /// A `uint32` count (varint); counts past `UInt32.max` are clamped.
    @inline(__always)
    static func count(_ field: UInt32, _ value: Int) -> Int {
        value > 0 ? ProtobufSize.tag(field) + ProtobufSize.varint(UInt64(UInt32(clamping: value))) : 0
    }

    /// A `fixed64`.
    @inline(__always)
    static func fixed64(_ field: UInt32, _ value: UInt64) -> Int {
        value != 0 ? ProtobufSize.tag(field) + 8 : 0
    }
}

extension ProtobufWriter {
    @inline(__always)
    mutating func writeCountField(_ field: UInt32, _ value: Int) {
        if value > 0 { writeVarintField(field, UInt64(UInt32(clamping: value))) }
    }

    @inline(__always)
    mutating func writeNonZeroFixed64Field(_ field: UInt32, _ value: UInt64) {
        if value != 0 { writeFixed64Field(field, value) }
    }
}

// MARK: Span

// Spans are read in place, through a pointer into the batch: a `SpanData` parameter was a copy,
// a retain and a release for each of the references a span holds, and reading in place took
// the encoder from 1.38 to 1.48 million spans/s (512-span batches, 8 attributes and an event
// per span, release build).

extension MessageLengths {
    mutating func measureSpan(_ span: UnsafePointer<SpanData>) -> Int {
        let slot = reserve()
        var length = ContextFields.size(span.pointee.context)
        if span.pointee.parentSpanID != nil { length += ProtobufSize.lengthDelimited(SpanField.parentSpanID, length: 8) }
        if !span.pointee.name.isEmpty { length += ProtobufSize.string(SpanField.name, span.pointee.name) }
        length += ProtobufSize.tag(SpanField.kind) + ProtobufSize.varint(span.pointee.kind.rawValue)
        length += ScalarFieldSize.fixed64(SpanField.startTimeUnixNano, span.pointee.startTimeNanoseconds)
        length += ScalarFieldSize.fixed64(SpanField.endTimeUnixNano, span.pointee.endTimeNanoseconds)
        length += measureAttributes(span.pointee.attributes, field: SpanField.attributes)
        length += ScalarFieldSize.count(SpanField.droppedAttributesCount, span.pointee.droppedAttributesCount)
        for event in span.pointee.events {
            length += ProtobufSize.lengthDelimited(SpanField.events, length: measureEvent(event))
        }
        length += ScalarFieldSize.count(SpanField.droppedEventsCount, span.pointee.droppedEventsCount)
        for link in span.pointee.links {
            length += ProtobufSize.lengthDelimited(SpanField.links, length: measureLink(link))
        }
        length += ScalarFieldSize.count(SpanField.droppedLinksCount, span.pointee.droppedLinksCount)
        if let status = StatusMessage(span.pointee.status) {
            length += ProtobufSize.lengthDelimited(SpanField.status, length: status.length)
        }
        length += ProtobufSize.tag(SpanField.flags) + 4
        return record(length, in: slot)
    }

    mutating func measureEvent(_ event: SpanEvent) -> Int {
        let slot = reserve()
        var length = ScalarFieldSize.fixed64(EventField.timeUnixNano, event.timeNanoseconds)
        if !event.name.isEmpty { length += ProtobufSize.string(EventField.name, event.name) }
        length += measureAttributes(event.attributes, field: EventField.attributes)
        length += ScalarFieldSize.count(EventField.droppedAttributesCount, event.droppedAttributesCount)
        return record(length, in: slot)
    }

    mutating func measureLink(_ link: SpanLink) -> Int {
        let slot = reserve()
        var length = ContextFields.size(link.context)
        length += measureAttributes(link.attributes, field: LinkField.attributes)
        length += ScalarFieldSize.count(LinkField.droppedAttributesCount, link.droppedAttributesCount)
        length += ProtobufSize.tag(LinkField.flags) + 4
        return record(length, in: slot)
    }
}

extension ProtobufWriter {
    mutating func writeSpan(_ span: UnsafePointer<SpanData>, field: UInt32, lengths: inout MessageLengths) {
        writeLengthDelimitedHeader(field, length: lengths.next())
        writeContextFields(span.pointee.context)
        if let parent = span.pointee.parentSpanID { writeBigEndianBytesField(SpanField.parentSpanID, parent.value) }
        if !span.pointee.name.isEmpty { writeStringField(SpanField.name, span.pointee.name) }
        writeVarintField(SpanField.kind, UInt64(span.pointee.kind.rawValue))
        writeNonZeroFixed64Field(SpanField.startTimeUnixNano, span.pointee.startTimeNanoseconds)
        writeNonZeroFixed64Field(SpanField.endTimeUnixNano, span.pointee.endTimeNanoseconds)
        writeAttributes(span.pointee.attributes, field: SpanField.attributes, lengths: &lengths)
        writeCountField(SpanField.droppedAttributesCount, span.pointee.droppedAttributesCount)
        for event in span.pointee.events { writeEvent(event, lengths: &lengths) }
        writeCountField(SpanField.droppedEventsCount, span.pointee.droppedEventsCount)
        for link in span.pointee.links { writeLink(link, lengths: &lengths) }
        writeCountField(SpanField.droppedLinksCount, span.pointee.droppedLinksCount)
        if let status = StatusMessage(span.pointee.status) {
            writeLengthDelimitedHeader(SpanField.status, length: status.length)
            if let message = status.message { writeStringField(StatusField.message, message) }
            writeVarintField(StatusField.code, UInt64(status.code))
        }
        writeFixed32Field(SpanField.flags, span.pointee.otlpFlags)
    }

    mutating func writeEvent(_ event: SpanEvent, lengths: inout MessageLengths) {
        writeLengthDelimitedHeader(SpanField.events, length: lengths.next())
        writeNonZeroFixed64Field(EventField.timeUnixNano, event.timeNanoseconds)
        if !event.name.isEmpty { writeStringField(EventField.name, event.name) }
        writeAttributes(event.attributes, field: EventField.attributes, lengths: &lengths)
        writeCountField(EventField.droppedAttributesCount, event.droppedAttributesCount)
    }

    mutating func writeLink(_ link: SpanLink, lengths: inout MessageLengths) {
        writeLengthDelimitedHeader(SpanField.links, length: lengths.next())
        writeContextFields(link.context)
        writeAttributes(link.attributes, field: LinkField.attributes, lengths: &lengths)
        writeCountField(LinkField.droppedAttributesCount, link.droppedAttributesCount)
        // Bits 0–7 are the linked context's W3C flags; 0x100 says whether it is remote is
        // known, 0x200 that it is (trace.proto, SpanFlags).
        writeFixed32Field(LinkField.flags, UInt32(link.context.traceFlags.rawValue) | 0x100 | (link.context.isRemote ? 0x200 : 0))
    }

    /// `trace_id`, `span_id` and `trace_state`: fields 1–3 of both `Span` and `Span.Link`.
    mutating func writeContextFields(_ context: SpanContext) {
        writeBigEndianBytesField(ContextFields.traceID, context.traceID.high, context.traceID.low)
        writeBigEndianBytesField(ContextFields.spanID, context.spanID.value)
        writeTraceState(ContextFields.traceState, context.traceState)
    }

    /// The W3C `tracestate` header value, `k1=v1,k2=v2`, written from the entries without
    /// building the string; nothing for an empty trace state.
    mutating func writeTraceState(_ field: UInt32, _ traceState: TraceState) {
        guard !traceState.isEmpty else { return }
        writeLengthDelimitedHeader(field, length: TraceStateField.headerLength(traceState))
        for (index, entry) in traceState.entries.enumerated() {
            if index > 0 { writeByte(UInt8(ascii: ",")) }
            writeUTF8(entry.key)
            writeByte(UInt8(ascii: "="))
            writeUTF8(entry.value)
        }
    }
}

/// A span's trace state as a string field.
/// `trace_id`, `span_id` and `trace_state`, which `Span` and `Span.Link` number alike.
enum ContextFields {
    static let traceID = SpanField.traceID
    static let spanID = SpanField.spanID
    static let traceState = SpanField.traceState

    static func size(_ context: SpanContext) -> Int {
        ProtobufSize.lengthDelimited(traceID, length: 16) + ProtobufSize.lengthDelimited(spanID, length: 8)
            + TraceStateField.size(traceState, context.traceState)
    }
}

enum TraceStateField {
    /// The UTF-8 length of `k1=v1,k2=v2`.
    static func headerLength(_ traceState: TraceState) -> Int {
        var length = traceState.entries.count - 1
        for entry in traceState.entries { length += entry.key.utf8.count + 1 + entry.value.utf8.count }
        return length
    }

    /// The whole field; zero for an empty trace state, which is left out.
    @inline(__always)
    static func size(_ field: UInt32, _ traceState: TraceState) -> Int {
        traceState.isEmpty ? 0 : ProtobufSize.lengthDelimited(field, length: headerLength(traceState))
    }
}

/// `Status { message, code }`, as the JSON encoder writes it: nothing for an unset status (the
/// default), the code alone for ok, and the message only for an error that has one (the spec
/// ignores it otherwise).
struct StatusMessage {
    let message: String?
    let code: Int
    let length: Int

    init?(_ status: SpanStatus) {
        switch status {
        case .unset:
            return nil
        case .ok:
            message = nil
        case .error(let description):
            message = description.flatMap { $0.isEmpty ? nil : $0 }
        }
        code = status.code
        length = (message.map { ProtobufSize.string(StatusField.message, $0) } ?? 0)
            + ProtobufSize.tag(StatusField.code) + ProtobufSize.varint(code)
    }
}
