import ClaudeTrace

/// Decodes OTLP-JSON trace lines (`TracesData`, the same JSON as `ExportTraceServiceRequest`)
/// into `SpanData`, each span carrying its resource and instrumentation scope.
///
/// Lenient where real files differ from the spec, strict where the JSON itself is broken:
/// - ids: hex in either case; base64 of the 16 or 8 bytes (as some SDKs write); `""` or
///   anything else reads as the invalid all-zero id;
/// - 64-bit integers: decimal strings or JSON numbers (exponents allowed when integral);
/// - enums: integers or their proto names (`"SPAN_KIND_CLIENT"`, `"STATUS_CODE_ERROR"`);
/// - doubles: numbers, or the strings `"NaN"`, `"Infinity"`, `"-Infinity"` (or a numeric string);
/// - missing or `null` fields read as their defaults; unknown fields are skipped (but must
///   still be valid JSON);
/// - attribute values beyond our `AttributeValue`: see ``OTLPJSONDecoder`` on attributes.
///
/// A line that is not valid JSON, or whose known fields have the wrong JSON type, throws
/// ``JSONSyntaxError`` and yields no span at all.
///
/// Attributes: `kvlistValue` is **flattened** into dotted keys (`{"key":"http","value":
/// {"kvlistValue":{"values":[{"key":"method",…}]}}}` becomes `http.method`), recursively; a
/// member whose dotted key would pass 256 bytes is dropped.
/// `bytesValue` is kept as its base64 text in a string. An empty value (`{}`) drops the
/// attribute. Arrays become the matching homogeneous array (ints and doubles mixed become
/// doubles); any other array (mixed types, nested arrays or maps) becomes a string array of
/// each element's JSON text.
package enum OTLPJSONDecoder {
    /// The spans of one line. The bytes are copied first (the decoder unescapes in place).
    package static func decodeSpans(fromLine line: some Sequence<UInt8>) throws(JSONSyntaxError) -> [SpanData] {
        var bytes = Array(line)
        var spans: [SpanData] = []
        let result: Result<Void, JSONSyntaxError> = bytes.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else {
                return .failure(JSONSyntaxError(offset: 0, reason: "empty line"))
            }
            return Result { () throws(JSONSyntaxError) in
                try decodeSpans(base: base, count: buffer.count, into: &spans)
            }
        }
        try result.get()
        return spans
    }

    /// Appends the spans of the line at `base` to `spans`; on error appends nothing. The
    /// bytes are modified (strings are unescaped in place).
    static func decodeSpans(
        base: UnsafeMutablePointer<UInt8>, count: Int, into spans: inout [SpanData]
    ) throws(JSONSyntaxError) {
        let firstNew = spans.count
        var decoder = OTLPLineDecoder(scanner: JSONScanner(base: base, count: count))
        do {
            try decoder.decodeTracesData(into: &spans)
        } catch {
            spans.removeSubrange(firstNew...)
            throw error
        }
    }
}

/// The walk over one line: envelope, resource spans, scope spans, spans.
struct OTLPLineDecoder {
    var scanner: JSONScanner

    mutating func decodeTracesData(into spans: inout [SpanData]) throws(JSONSyntaxError) {
        guard scanner.peek() == .openBrace else { throw scanner.error("a line must be a JSON object") }
        var more = try scanner.openObject()
        while more {
            let key = try scanner.readKey()
            if key.equals("resourceSpans") {
                var element = try scanner.openArray()
                while element {
                    try decodeResourceSpans(into: &spans)
                    element = try scanner.nextMember(closing: .closeBracket)
                }
            } else {
                try scanner.skipValue()
            }
            more = try scanner.nextMember(closing: .closeBrace)
        }
        try scanner.expectEnd()
    }

    private mutating func decodeResourceSpans(into spans: inout [SpanData]) throws(JSONSyntaxError) {
        let firstSpan = spans.count
        var attributes = Attributes()
        var schemaURL = ""
        // Fields may come in any order; spans read before the resource or the schema URL are
        // given their final resource at the end (writers put the resource first, so rarely).
        var needsPatch = false
        var more = try scanner.openObject()
        while more {
            let key = try scanner.readKey()
            if key.equals("resource") {
                attributes = try decodeAttributeHolder()
                needsPatch = spans.count > firstSpan
            } else if key.equals("scopeSpans") || key.equals("instrumentationLibrarySpans") {
                let resource = Resource(attributes: attributes, schemaURL: schemaURL)
                var element = try scanner.openArray()
                while element {
                    try decodeScopeSpans(resource: resource, into: &spans)
                    element = try scanner.nextMember(closing: .closeBracket)
                }
            } else if key.equals("schemaUrl") {
                schemaURL = try readOptionalString()
                needsPatch = spans.count > firstSpan
            } else {
                try scanner.skipValue()
            }
            more = try scanner.nextMember(closing: .closeBrace)
        }
        if needsPatch {
            let resource = Resource(attributes: attributes, schemaURL: schemaURL)
            for index in firstSpan..<spans.count { spans[index].resource = resource }
        }
    }

    private mutating func decodeScopeSpans(resource: Resource, into spans: inout [SpanData]) throws(JSONSyntaxError) {
        let firstSpan = spans.count
        var scope = InstrumentationScope(name: "")
        var schemaURL = ""
        var needsPatch = false
        var more = try scanner.openObject()
        while more {
            let key = try scanner.readKey()
            if key.equals("scope") || key.equals("instrumentationLibrary") {
                scope = try decodeScope()
                needsPatch = spans.count > firstSpan
            } else if key.equals("spans") {
                var element = try scanner.openArray()
                while element {
                    spans.append(try decodeSpan(resource: resource, scope: scope))
                    element = try scanner.nextMember(closing: .closeBracket)
                }
            } else if key.equals("schemaUrl") {
                schemaURL = try readOptionalString()
                needsPatch = true
            } else {
                try scanner.skipValue()
            }
            more = try scanner.nextMember(closing: .closeBrace)
        }
        if needsPatch {
            let scope = InstrumentationScope(
                name: scope.name, version: scope.version, schemaURL: schemaURL, attributes: scope.attributes)
            for index in firstSpan..<spans.count { spans[index].scope = scope }
        }
    }

    private mutating func decodeScope() throws(JSONSyntaxError) -> InstrumentationScope {
        var name = ""
        var version: String?
        var attributes = Attributes()
        var more = try scanner.openObject()
        while more {
            let key = try scanner.readKey()
            if key.equals("name") {
                name = try readOptionalString()
            } else if key.equals("version") {
                let text = try readOptionalString()
                version = text.isEmpty ? nil : text
            } else if key.equals("attributes") {
                try decodeAttributes(into: &attributes)
            } else {
                try scanner.skipValue()
            }
            more = try scanner.nextMember(closing: .closeBrace)
        }
        return InstrumentationScope(name: name, version: version, attributes: attributes)
    }

    /// A `Resource`-shaped object: its attributes (other fields are skipped).
    private mutating func decodeAttributeHolder() throws(JSONSyntaxError) -> Attributes {
        var attributes = Attributes()
        var more = try scanner.openObject()
        while more {
            let key = try scanner.readKey()
            if key.equals("attributes") { try decodeAttributes(into: &attributes) } else { try scanner.skipValue() }
            more = try scanner.nextMember(closing: .closeBrace)
        }
        return attributes
    }

    private mutating func decodeSpan(resource: Resource, scope: InstrumentationScope) throws(JSONSyntaxError) -> SpanData {
        var traceID = TraceID.invalid, spanID = SpanID.invalid, parentSpanID: SpanID?
        var traceState = TraceState()
        var flags: UInt32 = 0
        var name = ""
        var kind = SpanKind.internal
        var start: UInt64 = 0, end: UInt64 = 0
        var attributes = Attributes()
        var events: [SpanEvent] = []
        var links: [SpanLink] = []
        var status = SpanStatus.unset
        var droppedAttributes = 0, droppedEvents = 0, droppedLinks = 0
        var more = try scanner.openObject()
        while more {
            let key = try scanner.readKey()
            if key.equals("traceId") {
                traceID = try readTraceID()
            } else if key.equals("spanId") {
                spanID = try readSpanID()
            } else if key.equals("parentSpanId") {
                let parent = try readSpanID()
                parentSpanID = parent.isValid ? parent : nil
            } else if key.equals("name") {
                name = try readOptionalString()
            } else if key.equals("kind") {
                kind = try readKind()
            } else if key.equals("startTimeUnixNano") {
                start = try readUnsigned()
            } else if key.equals("endTimeUnixNano") {
                end = try readUnsigned()
            } else if key.equals("attributes") {
                try decodeAttributes(into: &attributes)
            } else if key.equals("status") {
                status = try decodeStatus()
            } else if key.equals("flags") {
                flags = UInt32(truncatingIfNeeded: try readUnsigned())
            } else if key.equals("traceState") {
                traceState = TraceState(headerValue: try readOptionalString()) ?? TraceState()
            } else if key.equals("events") {
                var element = try scanner.openArray()
                while element {
                    events.append(try decodeEvent())
                    element = try scanner.nextMember(closing: .closeBracket)
                }
            } else if key.equals("links") {
                var element = try scanner.openArray()
                while element {
                    links.append(try decodeLink())
                    element = try scanner.nextMember(closing: .closeBracket)
                }
            } else if key.equals("droppedAttributesCount") {
                droppedAttributes = Int(clamping: try readUnsigned())
            } else if key.equals("droppedEventsCount") {
                droppedEvents = Int(clamping: try readUnsigned())
            } else if key.equals("droppedLinksCount") {
                droppedLinks = Int(clamping: try readUnsigned())
            } else {
                try scanner.skipValue()
            }
            more = try scanner.nextMember(closing: .closeBrace)
        }
        let context = SpanContext(
            traceID: traceID, spanID: spanID, traceFlags: TraceFlags(rawValue: UInt8(truncatingIfNeeded: flags)),
            traceState: traceState)
        return SpanData(
            name: name, kind: kind, context: context, parentSpanID: parentSpanID,
            parentIsRemote: flags & 0x300 == 0x300, startTimeNanoseconds: start, endTimeNanoseconds: end,
            attributes: attributes, events: events, links: links, status: status,
            droppedAttributesCount: droppedAttributes, droppedEventsCount: droppedEvents,
            droppedLinksCount: droppedLinks, resource: resource, scope: scope)
    }

    private mutating func decodeEvent() throws(JSONSyntaxError) -> SpanEvent {
        var event = SpanEvent(name: "", timeNanoseconds: 0)
        var more = try scanner.openObject()
        while more {
            let key = try scanner.readKey()
            if key.equals("name") {
                event.name = try readOptionalString()
            } else if key.equals("timeUnixNano") {
                event.timeNanoseconds = try readUnsigned()
            } else if key.equals("attributes") {
                try decodeAttributes(into: &event.attributes)
            } else if key.equals("droppedAttributesCount") {
                event.droppedAttributesCount = Int(clamping: try readUnsigned())
            } else {
                try scanner.skipValue()
            }
            more = try scanner.nextMember(closing: .closeBrace)
        }
        return event
    }

    private mutating func decodeLink() throws(JSONSyntaxError) -> SpanLink {
        var traceID = TraceID.invalid, spanID = SpanID.invalid
        var traceState = TraceState()
        var flags: UInt32 = 0
        var attributes = Attributes()
        var dropped = 0
        var more = try scanner.openObject()
        while more {
            let key = try scanner.readKey()
            if key.equals("traceId") {
                traceID = try readTraceID()
            } else if key.equals("spanId") {
                spanID = try readSpanID()
            } else if key.equals("traceState") {
                traceState = TraceState(headerValue: try readOptionalString()) ?? TraceState()
            } else if key.equals("flags") {
                flags = UInt32(truncatingIfNeeded: try readUnsigned())
            } else if key.equals("attributes") {
                try decodeAttributes(into: &attributes)
            } else if key.equals("droppedAttributesCount") {
                dropped = Int(clamping: try readUnsigned())
            } else {
                try scanner.skipValue()
            }
            more = try scanner.nextMember(closing: .closeBrace)
        }
        let context = SpanContext(
            traceID: traceID, spanID: spanID, traceFlags: TraceFlags(rawValue: UInt8(truncatingIfNeeded: flags)),
            traceState: traceState, isRemote: flags & 0x300 == 0x300)
        return SpanLink(context: context, attributes: attributes, droppedAttributesCount: dropped)
    }

    private mutating func decodeStatus() throws(JSONSyntaxError) -> SpanStatus {
        var code = 0
        var message = ""
        var more = try scanner.openObject()
        while more {
            let key = try scanner.readKey()
            if key.equals("code") {
                code = try readEnum(names: ["STATUS_CODE_UNSET", "STATUS_CODE_OK", "STATUS_CODE_ERROR"])
            } else if key.equals("message") {
                message = try readOptionalString()
            } else {
                try scanner.skipValue()
            }
            more = try scanner.nextMember(closing: .closeBrace)
        }
        switch code {
        case 1: return .ok
        case 2: return .error(description: message.isEmpty ? nil : message)
        default: return .unset
        }
    }

    private mutating func readKind() throws(JSONSyntaxError) -> SpanKind {
        let value = try readEnum(names: [
            "SPAN_KIND_UNSPECIFIED", "SPAN_KIND_INTERNAL", "SPAN_KIND_SERVER", "SPAN_KIND_CLIENT",
            "SPAN_KIND_PRODUCER", "SPAN_KIND_CONSUMER",
        ])
        // 0 (unspecified) and unknown numbers read as the default kind, internal.
        return SpanKind(rawValue: value) ?? .internal
    }
}
