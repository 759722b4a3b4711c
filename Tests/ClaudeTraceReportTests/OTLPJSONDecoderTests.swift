import ClaudeTrace
import ClaudeTraceReport
import Foundation
import Testing

@Suite("Decoding OTLP-JSON lines")
struct OTLPJSONDecoderTests {
    @Test("reads back every field of spans the SDK's own encoder wrote")
    func roundTripThroughTheEncoder() throws {
        var root = Fixture.span("handle-ticket", id: 1, kind: .server, status: .ok, attributes: [
            "ticket.id": "T-1", "retries": 2, "ratio": 0.25, "stream": true,
            "reasons": ["stop", "length"], "ids": .intArray([1, 2]), "weights": .doubleArray([0.5, 1.5]),
            "flags": .boolArray([true, false]), "text": "é \"quoted\" \\ line\nbreak 😀",
        ])
        root.events = [SpanEvent(name: "retry", timeNanoseconds: Fixture.noon + 5, attributes: ["claude.retry.attempt": 1])]
        root.links = [SpanLink(context: SpanContext(traceID: Fixture.traceID(9), spanID: Fixture.spanID(9)), attributes: ["why": "batch"])]
        root.droppedAttributesCount = 3
        let child = Fixture.span(
            "chat claude-sonnet-4-6", id: 2, parent: 1, offset: 0.5, kind: .client,
            status: .error(description: "overloaded"), attributes: Fixture.claudeAttributes(input: 10, output: 5))
        let decoded = try OTLPJSONDecoder.decodeSpans(fromLine: Array(Fixture.line([root, child]).utf8))
        #expect(decoded == [root, child])
    }

    @Test("unescapes strings, joins surrogate pairs and replaces lone surrogates")
    func stringEscapes() throws {
        let attributes = #"[{"key":"s","value":{"stringValue":"a\"b\\c\/d\n\t\u00e9\ud83d\ude00 \ud800x"}},{"key":"k\u0065y","value":{"stringValue":""}}]"#
        let span = try Fixture.decodeOne(Fixture.line(spanJSON: Fixture.spanJSON(attributes: attributes)))
        #expect(span.attributes["s"] == .string("a\"b\\c/d\n\té😀 \u{FFFD}x"))
        #expect(span.attributes["key"] == .string(""))
    }

    @Test("reads numbers with fractions and exponents, and 64-bit integers as strings or numbers")
    func numbers() throws {
        let attributes = #"""
        [{"key":"a","value":{"doubleValue":1.5e3}},{"key":"b","value":{"doubleValue":-2E-2}},
         {"key":"c","value":{"doubleValue":0.1}},{"key":"d","value":{"doubleValue":12345678901234567890123e-3}},
         {"key":"e","value":{"intValue":"9007199254740993"}},{"key":"f","value":{"intValue":-42}},
         {"key":"g","value":{"intValue":"-9223372036854775808"}},{"key":"h","value":{"doubleValue":"2.5"}},
         {"key":"i","value":{"intValue":1e3}}]
        """#
        let extra = #","startTimeUnixNano":1794312000000000001,"endTimeUnixNano":1.794312002e18"#
        let span = try Fixture.decodeOne(Fixture.line(spanJSON: Fixture.spanJSON(attributes: attributes, extra: extra)))
        #expect(span.attributes["a"] == .double(1500))
        #expect(span.attributes["b"] == .double(-0.02))
        #expect(span.attributes["c"] == .double(0.1))
        #expect(span.attributes["d"] == .double(12345678901234567890.123))
        #expect(span.attributes["e"] == .int(9_007_199_254_740_993))
        #expect(span.attributes["f"] == .int(-42))
        #expect(span.attributes["g"] == .int(Int64.min))
        #expect(span.attributes["h"] == .double(2.5))
        #expect(span.attributes["i"] == .int(1000))
        #expect(span.startTimeNanoseconds == 1_794_312_000_000_000_001)
        #expect(span.endTimeNanoseconds == 1_794_312_002_000_000_000)
    }

    @Test("reads NaN and the infinities from their string forms")
    func specialDoubles() throws {
        let attributes = #"[{"key":"n","value":{"doubleValue":"NaN"}},{"key":"p","value":{"doubleValue":"Infinity"}},{"key":"m","value":{"doubleValue":"-Infinity"}}]"#
        let span = try Fixture.decodeOne(Fixture.line(spanJSON: Fixture.spanJSON(attributes: attributes)))
        #expect(span.attributes["n"]?.doubleValue?.isNaN == true)
        #expect(span.attributes["p"] == .double(.infinity))
        #expect(span.attributes["m"] == .double(-.infinity))
    }

    @Test("turns arrays into typed arrays, flattens key-value lists and keeps bytes as base64 text")
    func structuredValues() throws {
        let attributes = #"""
        [{"key":"strings","value":{"arrayValue":{"values":[{"stringValue":"a"},{"stringValue":"b"}]}}},
         {"key":"ints","value":{"arrayValue":{"values":[{"intValue":"1"},{"intValue":2}]}}},
         {"key":"mixed","value":{"arrayValue":{"values":[{"intValue":"1"},{"doubleValue":2.5}]}}},
         {"key":"nested","value":{"arrayValue":{"values":[{"arrayValue":{"values":[{"intValue":"1"}]}},{"stringValue":"x"},{"kvlistValue":{"values":[{"key":"k","value":{"boolValue":true}}]}}]}}},
         {"key":"empty","value":{"arrayValue":{}}},
         {"key":"http","value":{"kvlistValue":{"values":[{"key":"method","value":{"stringValue":"POST"}},{"key":"retry","value":{"kvlistValue":{"values":[{"key":"count","value":{"intValue":"2"}}]}}}]}}},
         {"key":"blob","value":{"bytesValue":"aGVsbG8="}},
         {"key":"nothing","value":{}}]
        """#
        let span = try Fixture.decodeOne(Fixture.line(spanJSON: Fixture.spanJSON(attributes: attributes)))
        #expect(span.attributes["strings"] == .stringArray(["a", "b"]))
        #expect(span.attributes["ints"] == .intArray([1, 2]))
        #expect(span.attributes["mixed"] == .doubleArray([1, 2.5]))
        #expect(span.attributes["nested"] == .stringArray(["[1]", "x", #"{"k":true}"#]))
        #expect(span.attributes["empty"] == .stringArray([]))
        #expect(span.attributes["http.method"] == .string("POST"))
        #expect(span.attributes["http.retry.count"] == .int(2))
        #expect(span.attributes["blob"] == .string("aGVsbG8="))
        #expect(span.attributes["nothing"] == nil)
    }

    @Test("ignores unknown fields at every level")
    func unknownFields() throws {
        let line = #"""
        {"future":{"a":[1,{"b":null}]},"resourceSpans":[{"resource":{"attributes":[],"entityRefs":[{"type":"service"}]},"x":1,
         "scopeSpans":[{"scope":{"name":"s","unknown":true},"spans":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"e91ebc765c6fdd5e",
         "name":"n","newField":[[],{}],"status":{"code":2,"message":"boom","detail":"x"},
         "attributes":[{"key":"a","value":{"stringValue":"v","stringValueStrindex":3},"extra":false}]}]}]}]}
        """#
        let span = try Fixture.decodeOne(line)
        #expect(span.name == "n")
        #expect(span.status == .error(description: "boom"))
        #expect(span.attributes["a"] == .string("v"))
        #expect(span.scope.name == "s")
    }

    @Test("accepts ids as uppercase hex and as base64, and enums by name")
    func lenientIdsAndEnums() throws {
        let hex = try Fixture.decodeOne(Fixture.line(spanJSON: Fixture.spanJSON(
            traceID: "0AF7651916CD43DD8448EB211C80319C", spanID: "E91EBC765C6FDD5E",
            extra: #","parentSpanId":"B7AD6B7169203331""#)))
        // The same ids in base64 (as swift-otel and protobuf's JSON printers write them).
        let base64 = try Fixture.decodeOne(Fixture.line(spanJSON: #"""
        {"traceId":"CvdlGRbNQ92ESOshHIAxnA==","spanId":"6R68dlxv3V4=","parentSpanId":"t61rcWkgMzE=","kind":"SPAN_KIND_CLIENT","status":{"code":"STATUS_CODE_ERROR"}}
        """#))
        #expect(hex.context.traceID.hexString == "0af7651916cd43dd8448eb211c80319c")
        #expect(hex.context.spanID.hexString == "e91ebc765c6fdd5e")
        #expect(base64.context.traceID == hex.context.traceID)
        #expect(base64.context.spanID == hex.context.spanID)
        #expect(base64.parentSpanID == hex.parentSpanID)
        #expect(base64.kind == .client)
        #expect(base64.status == .error(description: nil))
    }

    @Test("reads missing and null fields as their defaults")
    func defaults() throws {
        let span = try Fixture.decodeOne(Fixture.line(
            spanJSON: #"{"traceId":"","spanId":null,"parentSpanId":"","name":null,"attributes":null,"status":{}}"#,
            resource: "null"))
        #expect(span.context.traceID == .invalid)
        #expect(span.context.spanID == .invalid)
        #expect(span.parentSpanID == nil)
        #expect(span.name == "")
        #expect(span.kind == .internal)
        #expect(span.status == .unset)
        #expect(span.startTimeNanoseconds == 0)
        #expect(span.resource.attributes.isEmpty)
    }

    @Test("gives spans their resource and scope even when those come after the spans")
    func fieldsInAnyOrder() throws {
        let line = #"""
        {"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"e91ebc765c6fdd5e","name":"late"}],"scope":{"name":"lib","version":"2"}}],
          "resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}}]}}]}
        """#
        let span = try Fixture.decodeOne(line)
        #expect(span.resource.attributes["service.name"] == .string("svc"))
        #expect(span.scope.name == "lib")
        #expect(span.scope.version == "2")
    }

    @Test("rejects text that is not valid JSON", arguments: [
        #"{"resourceSpans":[}"#, #"{"resourceSpans":[]"#, #"{"resourceSpans":[],}"#, #"{"a":"\x"}"#,
        #"{"a":01}"#, #"{"a":1.}"#, "{\"a\":\"tab\tinside\"}", #"{"a":tru}"#, #"{"a":1} {"#, #"[1]"#, "",
        #"{"resourceSpans":{"not":"an array"}}"#, #"{"a":"\ud83d"#,
    ])
    func rejectsInvalidJSON(line: String) {
        #expect(throws: JSONSyntaxError.self) { try OTLPJSONDecoder.decodeSpans(fromLine: Array(line.utf8)) }
    }

    @Test("a map's dotted keys stop at 256 bytes, so a long key over many leaves cannot multiply memory")
    func flattenedKeyLimit() throws {
        let long = String(repeating: "k", count: 100_000)
        let leaves = (0..<1_000).map { #"{"key":"l\#($0)","value":{"intValue":"1"}}"# }.joined(separator: ",")
        let short = String(repeating: "s", count: 250)
        let attributes = #"[{"key":"\#(long)","value":{"kvlistValue":{"values":[\#(leaves)]}}},"#
            + #"{"key":"\#(short)","value":{"kvlistValue":{"values":[{"key":"ok","value":{"intValue":"2"}},{"key":"toolong","value":{"intValue":"3"}}]}}}]"#
        let spans = try OTLPJSONDecoder.decodeSpans(fromLine: Array(Fixture.line(spanJSON: Fixture.spanJSON(attributes: attributes)).utf8))
        let span = try #require(spans.first)
        #expect(span.attributes[short + ".ok"] == .int(2))
        #expect(span.attributes[short + ".toolong"] == nil)
        #expect(span.attributes[long + ".l0"] == nil)
    }

    @Test("rejects a line whose nesting is deeper than the limit instead of overflowing the stack")
    func deepNesting() {
        let unknownField = #"{"x":"# + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"
        #expect(throws: JSONSyntaxError.self) { try OTLPJSONDecoder.decodeSpans(fromLine: Array(unknownField.utf8)) }
        let value = String(repeating: #"{"arrayValue":{"values":["#, count: 10_000) + String(repeating: "]}}", count: 10_000)
        let attribute = Fixture.line(spanJSON: Fixture.spanJSON(attributes: #"[{"key":"deep","value":"# + value + "}]"))
        #expect(throws: JSONSyntaxError.self) { try OTLPJSONDecoder.decodeSpans(fromLine: Array(attribute.utf8)) }
    }
}
