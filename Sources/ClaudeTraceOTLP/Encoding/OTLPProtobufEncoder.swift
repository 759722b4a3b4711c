import ClaudeTraceCore

/// Writes spans as binary protobuf: an OTLP `ExportTraceServiceRequest`, the body of
/// `http/protobuf` (`Content-Type: application/x-protobuf`).
///
/// Written by hand for this one message family, with the field numbers and types of
/// opentelemetry-proto (`collector/trace/v1/trace_service.proto`, `trace/v1/trace.proto`,
/// `common/v1/common.proto`, `resource/v1/resource.proto`):
/// - trace and span ids are `bytes`, 16 and 8 raw bytes; timestamps `fixed64`; `flags`
///   `fixed32`; `kind` and `status.code` enums (varints); dropped counts `uint32`;
/// - attribute values: `int_value` an int64 varint (ten bytes when negative), `double_value` a
///   fixed64 holding the IEEE bits as they are (NaN and ±Infinity included), arrays an
///   `ArrayValue` of `AnyValue` messages (a repeated message, so never packed);
/// - proto3 defaults are left out (empty strings, zero counts, an unset status), but a set
///   `oneof` member is always written, even `int_value: 0`, `bool_value: false`,
///   `string_value: ""` or an empty `array_value`;
/// - fields go in field-number order, as protobuf's own serializers write them, so the output
///   is the canonical encoding.
///
/// Spans are grouped by resource, then by instrumentation scope, in order of first appearance,
/// exactly as ``OTLPJSONEncoder`` groups them: the two encodings of a batch hold the same
/// message.
///
/// Two passes: the first measures every nested message once (`MessageLengths`), the second
/// writes into memory of exactly the measured size, appended to the caller's buffer in one
/// step. Nothing is allocated per span.
public struct OTLPProtobufEncoder: OTLPTraceEncoding {
    /// An encoder; it holds no state, so one can be shared.
    public init() {}

    /// `application/x-protobuf`.
    public var contentType: String { "application/x-protobuf" }

    /// Appends one `ExportTraceServiceRequest` holding `spans` to `buffer`.
    public func encode(_ spans: ArraySlice<SpanData>, into buffer: inout [UInt8]) {
        // Spans are read in place through a buffer pointer: subscripting the slice copied each
        // span (a retain and a release per reference it holds) in both passes.
        spans.withUnsafeBufferPointer { spans in
            let groups = ResourceGroup.grouping(spans)
            var lengths = MessageLengths(expectingSpans: spans.count)
            var total = 0
            for group in groups {
                total += ProtobufSize.lengthDelimited(RequestField.resourceSpans, length: lengths.measureResourceSpans(group, spans))
            }
            // No spans: an empty request, which protobuf writes as no bytes at all.
            guard total > 0 else { return }
            let start = buffer.count
            buffer.append(contentsOf: repeatElement(0, count: total))
            buffer.withUnsafeMutableBufferPointer { memory in
                var writer = ProtobufWriter(into: UnsafeMutableBufferPointer(rebasing: memory[start...]))
                for group in groups {
                    writer.writeResourceSpans(group, spans, lengths: &lengths)
                }
                precondition(writer.isAtEnd && lengths.isExhausted, "protobuf size pass and write pass disagree")
            }
        }
    }
}

// Field numbers, from the .proto files.

/// `ExportTraceServiceRequest`
enum RequestField {
    static let resourceSpans: UInt32 = 1
}

/// `ResourceSpans`
enum ResourceSpansField {
    static let resource: UInt32 = 1
    static let scopeSpans: UInt32 = 2
    static let schemaURL: UInt32 = 3
}

/// `Resource`
enum ResourceField {
    static let attributes: UInt32 = 1
}

/// `ScopeSpans`
enum ScopeSpansField {
    static let scope: UInt32 = 1
    static let spans: UInt32 = 2
    static let schemaURL: UInt32 = 3
}

/// `InstrumentationScope`
enum ScopeField {
    static let name: UInt32 = 1
    static let version: UInt32 = 2
    static let attributes: UInt32 = 3
}

extension MessageLengths {
    /// `ResourceSpans { resource, scope_spans, schema_url }`. The resource is written even
    /// when empty, as the JSON encoder writes `"resource":{}`.
    mutating func measureResourceSpans(_ group: ResourceGroup, _ spans: UnsafeBufferPointer<SpanData>) -> Int {
        let slot = reserve()
        var length = ProtobufSize.lengthDelimited(ResourceSpansField.resource, length: measureResource(group.resource))
        for scopeGroup in group.scopes {
            length += ProtobufSize.lengthDelimited(ResourceSpansField.scopeSpans, length: measureScopeSpans(scopeGroup, spans))
        }
        if !group.resource.schemaURL.isEmpty {
            length += ProtobufSize.string(ResourceSpansField.schemaURL, group.resource.schemaURL)
        }
        return record(length, in: slot)
    }

    mutating func measureResource(_ resource: Resource) -> Int {
        let slot = reserve()
        return record(measureAttributes(resource.attributes, field: ResourceField.attributes), in: slot)
    }

    /// `ScopeSpans { scope, spans, schema_url }`; the scope is always written.
    mutating func measureScopeSpans(_ group: ScopeGroup, _ spans: UnsafeBufferPointer<SpanData>) -> Int {
        let slot = reserve()
        var length = ProtobufSize.lengthDelimited(ScopeSpansField.scope, length: measureScope(group.scope))
        for position in group.positions {
            length += ProtobufSize.lengthDelimited(ScopeSpansField.spans, length: measureSpan(spans.baseAddress! + position))
        }
        if !group.scope.schemaURL.isEmpty {
            length += ProtobufSize.string(ScopeSpansField.schemaURL, group.scope.schemaURL)
        }
        return record(length, in: slot)
    }

    mutating func measureScope(_ scope: InstrumentationScope) -> Int {
        let slot = reserve()
        var length = 0
        if !scope.name.isEmpty { length += ProtobufSize.string(ScopeField.name, scope.name) }
        if let version = scope.version, !version.isEmpty { length += ProtobufSize.string(ScopeField.version, version) }
        length += measureAttributes(scope.attributes, field: ScopeField.attributes)
        return record(length, in: slot)
    }
}

extension ProtobufWriter {
    mutating func writeResourceSpans(_ group: ResourceGroup, _ spans: UnsafeBufferPointer<SpanData>, lengths: inout MessageLengths) {
        writeLengthDelimitedHeader(RequestField.resourceSpans, length: lengths.next())
        writeLengthDelimitedHeader(ResourceSpansField.resource, length: lengths.next())
        writeAttributes(group.resource.attributes, field: ResourceField.attributes, lengths: &lengths)
        for scopeGroup in group.scopes {
            writeLengthDelimitedHeader(ResourceSpansField.scopeSpans, length: lengths.next())
            writeScope(scopeGroup.scope, lengths: &lengths)
            for position in scopeGroup.positions {
                writeSpan(spans.baseAddress! + position, field: ScopeSpansField.spans, lengths: &lengths)
            }
            if !scopeGroup.scope.schemaURL.isEmpty {
                writeStringField(ScopeSpansField.schemaURL, scopeGroup.scope.schemaURL)
            }
        }
        if !group.resource.schemaURL.isEmpty {
            writeStringField(ResourceSpansField.schemaURL, group.resource.schemaURL)
        }
    }

    mutating func writeScope(_ scope: InstrumentationScope, lengths: inout MessageLengths) {
        writeLengthDelimitedHeader(ScopeSpansField.scope, length: lengths.next())
        if !scope.name.isEmpty { writeStringField(ScopeField.name, scope.name) }
        if let version = scope.version, !version.isEmpty { writeStringField(ScopeField.version, version) }
        writeAttributes(scope.attributes, field: ScopeField.attributes, lengths: &lengths)
    }
}
