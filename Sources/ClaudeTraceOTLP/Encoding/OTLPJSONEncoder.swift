import ClaudeTraceCore

/// Writes spans as OTLP-JSON: the protobuf JSON mapping of `ExportTraceServiceRequest` with
/// OTLP's overrides.
///
/// https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding:
/// - trace and span ids are lowercase hex (32 and 16 characters), not base64;
/// - `kind` and `status.code` are integers, never enum names;
/// - 64-bit integers (`startTimeUnixNano`, `intValue`, …) are decimal strings;
/// - doubles are numbers, except NaN and ±Infinity, which are the strings `"NaN"`,
///   `"Infinity"` and `"-Infinity"`;
/// - a field holding its default is omitted (empty `traceState`, zero dropped counts, an unset
///   status), but a set `oneof` member is always written, even `{"intValue":"0"}`; the one
///   default written is an empty array's `"values":[]`, which some collectors require.
///
/// Spans are grouped by resource, then by instrumentation scope, in order of first appearance.
/// The output is written by hand into a byte buffer; nothing goes through `JSONEncoder`.
public struct OTLPJSONEncoder: OTLPTraceEncoding {
    /// An encoder; it holds no state, so one can be shared.
    public init() {}

    /// `application/json`.
    public var contentType: String { "application/json" }

    /// Appends one `ExportTraceServiceRequest` holding `spans` to `buffer`.
    public func encode(_ spans: ArraySlice<SpanData>, into buffer: inout [UInt8]) {
        // Spans are read in place through a buffer pointer: subscripting the slice copies each
        // span (a retain and a release per reference it holds).
        spans.withUnsafeBufferPointer { spans in
            let groups = ResourceGroup.grouping(spans)
            var output: [UInt8] = []
            swap(&output, &buffer)
            var writer = JSONWriter(appendingTo: consume output)
            writer.write("{\"resourceSpans\":[")
            for (resourceIndex, group) in groups.enumerated() {
                if resourceIndex > 0 { writer.write(UInt8(ascii: ",")) }
                writer.write("{\"resource\":{")
                writer.appendAttributesField(group.resource.attributes, leadingComma: false)
                writer.write("},\"scopeSpans\":[")
                for (scopeIndex, scopeGroup) in group.scopes.enumerated() {
                    if scopeIndex > 0 { writer.write(UInt8(ascii: ",")) }
                    writer.write("{\"scope\":")
                    writer.appendScope(scopeGroup.scope)
                    writer.write(",\"spans\":[")
                    for (spanIndex, position) in scopeGroup.positions.enumerated() {
                        if spanIndex > 0 { writer.write(UInt8(ascii: ",")) }
                        writer.appendSpan(spans[position])
                    }
                    writer.write(UInt8(ascii: "]"))
                    if !scopeGroup.scope.schemaURL.isEmpty {
                        writer.write(",\"schemaUrl\":")
                        writer.writeString(scopeGroup.scope.schemaURL)
                    }
                    writer.write(UInt8(ascii: "}"))
                }
                writer.write(UInt8(ascii: "]"))
                if !group.resource.schemaURL.isEmpty {
                    writer.write(",\"schemaUrl\":")
                    writer.writeString(group.resource.schemaURL)
                }
                writer.write(UInt8(ascii: "}"))
            }
            writer.write("]}")
            buffer = writer.finish()
        }
    }
}

extension JSONWriter {
    /// `{"name":…,"version":…,"attributes":[…]}`; empty fields are omitted.
    mutating func appendScope(_ scope: InstrumentationScope) {
        write(UInt8(ascii: "{"))
        var needsComma = false
        if !scope.name.isEmpty {
            write("\"name\":")
            writeString(scope.name)
            needsComma = true
        }
        if let version = scope.version, !version.isEmpty {
            if needsComma { write(UInt8(ascii: ",")) }
            write("\"version\":")
            writeString(version)
            needsComma = true
        }
        appendAttributesField(scope.attributes, leadingComma: needsComma)
        write(UInt8(ascii: "}"))
    }

    /// Opens a span or link object with its `traceId`, `spanId` and (when set) `traceState`.
    mutating func appendContextFields(_ context: SpanContext) {
        write("{\"traceId\":\"")
        writeHex(context.traceID.high)
        writeHex(context.traceID.low)
        write("\",\"spanId\":\"")
        writeHex(context.spanID.value)
        write(UInt8(ascii: "\""))
        if !context.traceState.isEmpty {
            write(",\"traceState\":")
            writeString(context.traceState.headerValue)
        }
    }

    mutating func appendSpan(_ span: SpanData) {
        appendContextFields(span.context)
        if let parent = span.parentSpanID {
            write(",\"parentSpanId\":\"")
            writeHex(parent.value)
            write(UInt8(ascii: "\""))
        }
        write(",\"flags\":")
        writeDecimal(UInt64(span.otlpFlags))
        write(",\"name\":")
        writeString(span.name)
        write(",\"kind\":")
        writeDecimal(UInt64(span.kind.rawValue))
        write(",\"startTimeUnixNano\":\"")
        writeDecimal(span.startTimeNanoseconds)
        write("\",\"endTimeUnixNano\":\"")
        writeDecimal(span.endTimeNanoseconds)
        write(UInt8(ascii: "\""))
        appendAttributesField(span.attributes, leadingComma: true)
        appendCountField(",\"droppedAttributesCount\":", span.droppedAttributesCount)
        if !span.events.isEmpty {
            write(",\"events\":[")
            for (index, event) in span.events.enumerated() {
                if index > 0 { write(UInt8(ascii: ",")) }
                appendEvent(event)
            }
            write(UInt8(ascii: "]"))
        }
        appendCountField(",\"droppedEventsCount\":", span.droppedEventsCount)
        if !span.links.isEmpty {
            write(",\"links\":[")
            for (index, link) in span.links.enumerated() {
                if index > 0 { write(UInt8(ascii: ",")) }
                appendLink(link)
            }
            write(UInt8(ascii: "]"))
        }
        appendCountField(",\"droppedLinksCount\":", span.droppedLinksCount)
        appendStatus(span.status)
        write(UInt8(ascii: "}"))
    }

    mutating func appendEvent(_ event: SpanEvent) {
        write("{\"timeUnixNano\":\"")
        writeDecimal(event.timeNanoseconds)
        write("\",\"name\":")
        writeString(event.name)
        appendAttributesField(event.attributes, leadingComma: true)
        appendCountField(",\"droppedAttributesCount\":", event.droppedAttributesCount)
        write(UInt8(ascii: "}"))
    }

    mutating func appendLink(_ link: SpanLink) {
        appendContextFields(link.context)
        appendAttributesField(link.attributes, leadingComma: true)
        appendCountField(",\"droppedAttributesCount\":", link.droppedAttributesCount)
        // Bits 0–7 are the linked context's W3C flags; 0x100 says whether it is remote is
        // known, 0x200 that it is. https://github.com/open-telemetry/opentelemetry-proto
        // (trace.proto, SpanFlags).
        let flags = UInt64(link.context.traceFlags.rawValue) | 0x100 | (link.context.isRemote ? 0x200 : 0)
        write(",\"flags\":")
        writeDecimal(flags)
        write(UInt8(ascii: "}"))
    }

    /// `,"status":{…}`, omitted for an unset status (its default). The message is written only
    /// for an error, as the spec ignores it otherwise.
    mutating func appendStatus(_ status: SpanStatus) {
        switch status {
        case .unset:
            return
        case .ok:
            write(",\"status\":{\"code\":1}")
        case .error(let description):
            write(",\"status\":{")
            if let description, !description.isEmpty {
                write("\"message\":")
                writeString(description)
                write(UInt8(ascii: ","))
            }
            write("\"code\":2}")
        }
    }

    /// `"key":count` unless `count` is zero (the default, so omitted).
    @inline(__always)
    mutating func appendCountField(_ key: StaticString, _ count: Int) {
        guard count > 0 else { return }
        write(key)
        writeDecimal(UInt64(count))
    }

    /// `"attributes":[…]`, preceded by a comma when asked; nothing for no attributes.
    /// Returns whether anything was written.
    @discardableResult
    mutating func appendAttributesField(_ attributes: Attributes, leadingComma: Bool) -> Bool {
        guard !attributes.isEmpty else { return false }
        write(leadingComma ? ",\"attributes\":[" : "\"attributes\":[")
        var first = true
        for (key, value) in attributes {
            if !first { write(UInt8(ascii: ",")) }
            first = false
            write("{\"key\":")
            writeString(key)
            write(",\"value\":")
            appendAnyValue(value)
            write(UInt8(ascii: "}"))
        }
        write(UInt8(ascii: "]"))
        return true
    }

    /// An `AnyValue` holding exactly one member, written even when it is zero, false or empty.
    mutating func appendAnyValue(_ value: AttributeValue) {
        switch value {
        case .string(let string):
            write("{\"stringValue\":")
            writeString(string)
            write(UInt8(ascii: "}"))
        case .bool(let bool):
            write(bool ? "{\"boolValue\":true}" : "{\"boolValue\":false}")
        case .int(let int):
            write("{\"intValue\":\"")
            writeDecimal(int)
            write("\"}")
        case .double(let double):
            write("{\"doubleValue\":")
            writeDouble(double)
            write(UInt8(ascii: "}"))
        case .stringArray(let values):
            guard writeArrayStart(isEmpty: values.isEmpty) else { return }
            for (index, element) in values.enumerated() {
                if index > 0 { write(UInt8(ascii: ",")) }
                write("{\"stringValue\":")
                writeString(element)
                write(UInt8(ascii: "}"))
            }
            write("]}}")
        case .boolArray(let values):
            guard writeArrayStart(isEmpty: values.isEmpty) else { return }
            for (index, element) in values.enumerated() {
                if index > 0 { write(UInt8(ascii: ",")) }
                write(element ? "{\"boolValue\":true}" : "{\"boolValue\":false}")
            }
            write("]}}")
        case .intArray(let values):
            guard writeArrayStart(isEmpty: values.isEmpty) else { return }
            for (index, element) in values.enumerated() {
                if index > 0 { write(UInt8(ascii: ",")) }
                write("{\"intValue\":\"")
                writeDecimal(element)
                write("\"}")
            }
            write("]}}")
        case .doubleArray(let values):
            guard writeArrayStart(isEmpty: values.isEmpty) else { return }
            for (index, element) in values.enumerated() {
                if index > 0 { write(UInt8(ascii: ",")) }
                write("{\"doubleValue\":")
                writeDouble(element)
                write(UInt8(ascii: "}"))
            }
            write("]}}")
        }
    }

    /// Opens `{"arrayValue":{"values":[`, or writes the whole `{"arrayValue":{"values":[]}}` for
    /// an empty array and returns false.
    ///
    /// The one place a default is written: proto3 JSON allows omitting the empty `values`, but
    /// collectors whose decoders are generated from the schema by serde (rotel 0.0.1a15) reject
    /// an `ArrayValue` without it ("missing field `values`"), and every proto3 reader accepts it.
    @inline(__always)
    mutating func writeArrayStart(isEmpty: Bool) -> Bool {
        if isEmpty {
            write("{\"arrayValue\":{\"values\":[]}}")
            return false
        }
        write("{\"arrayValue\":{\"values\":[")
        return true
    }
}
