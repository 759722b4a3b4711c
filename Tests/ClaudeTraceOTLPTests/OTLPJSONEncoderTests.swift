import ClaudeTraceCore
@testable import ClaudeTraceOTLP
import Foundation
import Testing

@Suite("OTLP-JSON encoder")
struct OTLPJSONEncoderTests {
    @Test("ids are lowercase hex of 32 and 16 characters, and the parent id is written")
    func ids() throws {
        let span = try onlySpan(encodeAndParse([makeSpan(
            traceID: TraceID(high: 0x0AF7_6519_16CD_43DD, low: 0x8448_EB21_1C80_319C),
            spanID: SpanID(0x00F0_67AA_0BA9_02B7), parent: SpanID(0xB7AD_6B71_6920_3331))]))
        #expect(span["traceId"] as? String == "0af7651916cd43dd8448eb211c80319c")
        #expect(span["spanId"] as? String == "00f067aa0ba902b7")
        #expect(span["parentSpanId"] as? String == "b7ad6b7169203331")
    }

    @Test("a root span has no parentSpanId and flags 0x101 when sampled")
    func rootFlags() throws {
        let span = try onlySpan(encodeAndParse([makeSpan()]))
        #expect(span["parentSpanId"] == nil)
        #expect(span["flags"] as? Int == 0x101)
    }

    @Test("flags are 0x301 with a remote parent and keep the random bit")
    func remoteFlags() throws {
        let remote = try onlySpan(encodeAndParse([makeSpan(parent: SpanID(1), parentIsRemote: true)]))
        #expect(remote["flags"] as? Int == 0x301)
        let random = try onlySpan(encodeAndParse([makeSpan(flags: [.sampled, .random], parent: SpanID(1))]))
        #expect(random["flags"] as? Int == 0x103)
    }

    @Test("name, kind as an integer, and timestamps as decimal strings")
    func scalarFields() throws {
        for kind in SpanKind.allCases {
            let span = try onlySpan(encodeAndParse([makeSpan(name: "GET /x", kind: kind, start: UInt64.max - 1, end: UInt64.max)]))
            #expect(span["name"] as? String == "GET /x")
            #expect(span["kind"] as? Int == kind.rawValue)
            #expect(span["startTimeUnixNano"] as? String == "18446744073709551614")
            #expect(span["endTimeUnixNano"] as? String == "18446744073709551615")
        }
    }

    @Test("traceState is the W3C header form")
    func traceState() throws {
        let state = try #require(TraceState().setting("b", to: "2")?.setting("a", to: "1"))
        let span = try onlySpan(encodeAndParse([makeSpan(traceState: state)]))
        #expect(span["traceState"] as? String == "a=1,b=2")
    }

    @Test("every attribute value type, arrays included, keeps its oneof member")
    func attributeTypes() throws {
        let span = try onlySpan(encodeAndParse([makeSpan(attributes: [
            "s": "text", "empty": "", "t": true, "f": false, "i": .int(-42), "zero": .int(0),
            "max": .int(Int64.max), "min": .int(Int64.min), "d": .double(1.5), "dz": .double(0),
            "sa": .stringArray(["a", ""]), "ba": .boolArray([true, false]),
            "ia": .intArray([1, Int64.min]), "da": .doubleArray([0.1, -2]), "none": .stringArray([]),
        ])]))
        let values = attributeValues(span)
        #expect(values["s"]?["stringValue"] as? String == "text")
        #expect(values["empty"]?["stringValue"] as? String == "")
        #expect(values["t"]?["boolValue"] as? Bool == true)
        #expect(values["f"]?["boolValue"] as? Bool == false)
        #expect(values["i"]?["intValue"] as? String == "-42")
        #expect(values["zero"]?["intValue"] as? String == "0")
        #expect(values["max"]?["intValue"] as? String == "9223372036854775807")
        #expect(values["min"]?["intValue"] as? String == "-9223372036854775808")
        #expect((values["d"]?["doubleValue"] as? NSNumber)?.doubleValue == 1.5)
        #expect((values["dz"]?["doubleValue"] as? NSNumber)?.doubleValue == 0)
        let strings = values["sa"]?.object("arrayValue")?.array("values").map { $0["stringValue"] as? String }
        #expect(strings == ["a", ""])
        let bools = values["ba"]?.object("arrayValue")?.array("values").map { $0["boolValue"] as? Bool }
        #expect(bools == [true, false])
        let ints = values["ia"]?.object("arrayValue")?.array("values").map { $0["intValue"] as? String }
        #expect(ints == ["1", "-9223372036854775808"])
        let doubles = values["da"]?.object("arrayValue")?.array("values").map { ($0["doubleValue"] as? NSNumber)?.doubleValue }
        #expect(doubles == [0.1, -2])
        // The one default written: collectors with serde-generated decoders need `values`.
        #expect((values["none"]?.object("arrayValue")?["values"] as? [Any])?.isEmpty == true)
    }

    @Test("NaN and the infinities are the strings the protobuf JSON mapping names")
    func specialDoubles() throws {
        let bytes = OTLPJSONEncoder().encode([makeSpan(attributes: [
            "nan": .double(.nan), "inf": .double(.infinity), "ninf": .double(-.infinity),
            "arr": .doubleArray([.nan, .infinity]),
        ])])
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains(#"{"doubleValue":"NaN"}"#))
        #expect(text.contains(#"{"doubleValue":"Infinity"}"#))
        #expect(text.contains(#"{"doubleValue":"-Infinity"}"#))
        #expect(text.contains(#"{"arrayValue":{"values":[{"doubleValue":"NaN"},{"doubleValue":"Infinity"}]}}"#))
        _ = try parseObject(bytes)
    }

    @Test("finite doubles round-trip exactly, from subnormals to the largest")
    func doublesRoundTrip() throws {
        let samples: [Double] = [0.1, 1e20, 1e-7, 3.0, -0.0, .leastNonzeroMagnitude, .leastNormalMagnitude,
                                 .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .pi, 123456789.125, 1 / 3]
        let span = try onlySpan(encodeAndParse([makeSpan(attributes: ["d": .doubleArray(samples)])]))
        let values = attributeValues(span)["d"]?.object("arrayValue")?.array("values") ?? []
        let parsed = values.compactMap { exactDouble($0["doubleValue"]) }
        #expect(parsed.map(\.bitPattern) == samples.map(\.bitPattern))
    }

    @Test("events carry their time, name, attributes and dropped count")
    func events() throws {
        let span = try onlySpan(encodeAndParse([makeSpan(
            events: [SpanEvent(name: "exception", timeNanoseconds: 1_700_000_000_000_000_001,
                               attributes: ["exception.type": "E"], droppedAttributesCount: 2),
                     SpanEvent(name: "plain", timeNanoseconds: 5)],
            droppedEvents: 3)]))
        let events = span.array("events")
        #expect(events.count == 2)
        #expect(events[0]["timeUnixNano"] as? String == "1700000000000000001")
        #expect(events[0]["name"] as? String == "exception")
        #expect(attributeValues(events[0])["exception.type"]?["stringValue"] as? String == "E")
        #expect(events[0]["droppedAttributesCount"] as? Int == 2)
        #expect(events[1]["attributes"] == nil && events[1]["droppedAttributesCount"] == nil)
        #expect(span["droppedEventsCount"] as? Int == 3)
    }

    @Test("links carry ids, trace state, attributes, dropped count and their own flags")
    func links() throws {
        let state = try #require(TraceState().setting("vendor", to: "x"))
        let remote = SpanContext(traceID: TraceID(high: 1, low: 2), spanID: SpanID(3), traceFlags: .sampled, traceState: state, isRemote: true)
        let local = SpanContext(traceID: TraceID(high: 4, low: 5), spanID: SpanID(6))
        let span = try onlySpan(encodeAndParse([makeSpan(
            links: [SpanLink(context: remote, attributes: ["k": .int(1)], droppedAttributesCount: 1), SpanLink(context: local)],
            droppedLinks: 4)]))
        let links = span.array("links")
        #expect(links.count == 2)
        #expect(links[0]["traceId"] as? String == "00000000000000010000000000000002")
        #expect(links[0]["spanId"] as? String == "0000000000000003")
        #expect(links[0]["traceState"] as? String == "vendor=x")
        #expect(links[0]["flags"] as? Int == 0x301)
        #expect(links[0]["droppedAttributesCount"] as? Int == 1)
        #expect(attributeValues(links[0])["k"]?["intValue"] as? String == "1")
        #expect(links[1]["flags"] as? Int == 0x100)
        #expect(links[1]["traceState"] == nil)
        #expect(span["droppedLinksCount"] as? Int == 4)
    }

    @Test("status: unset is omitted, ok is code 1 without a message, error carries its message")
    func status() throws {
        #expect(try onlySpan(encodeAndParse([makeSpan(status: .unset)]))["status"] == nil)
        let ok = try onlySpan(encodeAndParse([makeSpan(status: .ok)])).object("status")
        #expect(ok?["code"] as? Int == 1 && ok?["message"] == nil)
        let error = try onlySpan(encodeAndParse([makeSpan(status: .error(description: "boom"))])).object("status")
        #expect(error?["code"] as? Int == 2 && error?["message"] as? String == "boom")
        let bare = try onlySpan(encodeAndParse([makeSpan(status: .error(description: nil))])).object("status")
        #expect(bare?["code"] as? Int == 2 && bare?["message"] == nil)
    }

    @Test("fields at their default are omitted")
    func defaultsOmitted() throws {
        let span = try onlySpan(encodeAndParse([makeSpan()]))
        for key in ["traceState", "parentSpanId", "attributes", "droppedAttributesCount", "events",
                    "droppedEventsCount", "links", "droppedLinksCount", "status"] {
            #expect(span[key] == nil, "\(key) should be omitted")
        }
        let request = try encodeAndParse([makeSpan(resource: Resource(), scope: InstrumentationScope(name: ""))])
        let resourceSpans = request.array("resourceSpans")[0]
        #expect(resourceSpans.object("resource")?.isEmpty == true)
        #expect(resourceSpans["schemaUrl"] == nil)
        #expect(resourceSpans.array("scopeSpans")[0].object("scope")?.isEmpty == true)
    }

    @Test("dropped counts are written when non-zero")
    func droppedCounts() throws {
        let span = try onlySpan(encodeAndParse([makeSpan(droppedAttributes: 1, droppedEvents: 2, droppedLinks: 3)]))
        #expect(span["droppedAttributesCount"] as? Int == 1)
        #expect(span["droppedEventsCount"] as? Int == 2)
        #expect(span["droppedLinksCount"] as? Int == 3)
    }

    @Test("spans are grouped by resource, then scope, in order of first appearance")
    func grouping() throws {
        let first = Resource(attributes: ["service.name": "a"], schemaURL: "https://opentelemetry.io/schemas/1.26.0")
        let second = Resource(attributes: ["service.name": "b"])
        let x = InstrumentationScope(name: "x", version: "1", schemaURL: "https://example.com/x", attributes: ["scope.attr": true])
        let y = InstrumentationScope(name: "y")
        let spans = [
            makeSpan(name: "1", resource: first, scope: x), makeSpan(name: "2", resource: second, scope: x),
            makeSpan(name: "3", resource: first, scope: y), makeSpan(name: "4", resource: first, scope: x),
            makeSpan(name: "5", resource: second, scope: x),
        ]
        let resourceSpans = try encodeAndParse(spans).array("resourceSpans")
        #expect(resourceSpans.count == 2)
        #expect(attributeValues(resourceSpans[0].object("resource") ?? [:])["service.name"]?["stringValue"] as? String == "a")
        #expect(resourceSpans[0]["schemaUrl"] as? String == "https://opentelemetry.io/schemas/1.26.0")
        let scopes = resourceSpans[0].array("scopeSpans")
        #expect(scopes.map { $0.object("scope")?["name"] as? String } == ["x", "y"])
        #expect(scopes[0].object("scope")?["version"] as? String == "1")
        #expect(attributeValues(scopes[0].object("scope") ?? [:])["scope.attr"]?["boolValue"] as? Bool == true)
        #expect(scopes[0]["schemaUrl"] as? String == "https://example.com/x")
        #expect(scopes[0].array("spans").map { $0["name"] as? String } == ["1", "4"])
        #expect(scopes[1].array("spans").map { $0["name"] as? String } == ["3"])
        #expect(resourceSpans[1].array("scopeSpans").count == 1)
        #expect(resourceSpans[1].array("scopeSpans")[0].array("spans").map { $0["name"] as? String } == ["2", "5"])
    }

    @Test("encoding appends to the buffer it is given")
    func appends() {
        var buffer = Array("prefix".utf8)
        OTLPJSONEncoder().encode([makeSpan()][...], into: &buffer)
        #expect(buffer.starts(with: Array("prefix{\"resourceSpans\":[".utf8)))
        #expect(buffer.last == UInt8(ascii: "}"))
    }

    @Test("a batch larger than the writer's scratch block is written whole")
    func largeBatch() throws {
        let big = String(repeating: "x", count: 100_000)
        let spans = (0..<50).map { makeSpan(name: "s\($0)", attributes: ["big": .string(big), "n": .int(Int64($0))]) }
        let parsed = allSpans(try encodeAndParse(spans))
        #expect(parsed.count == 50)
        #expect(parsed.allSatisfy { attributeValues($0)["big"]?["stringValue"] as? String == big })
    }
}

@Suite("JSON string escaping")
struct JSONEscapingTests {
    /// `string` as the encoder writes it, without the quotes.
    func escaped(_ string: String) -> String {
        var writer = JSONWriter(appendingTo: [])
        writer.writeString(string)
        let bytes = writer.finish()
        return String(decoding: bytes.dropFirst().dropLast(), as: UTF8.self)
    }

    @Test("quotes, backslashes and the short control escapes")
    func shortEscapes() {
        #expect(escaped("a\"b\\c") == #"a\"b\\c"#)
        #expect(escaped("\u{08}\u{0C}\n\r\t") == #"\b\f\n\r\t"#)
        #expect(escaped("/") == "/")
    }

    @Test("every other control character is a \\u00XX escape, and DEL is copied")
    func everyControlCharacter() throws {
        let short: [UInt32: String] = [0x08: #"\b"#, 0x0C: #"\f"#, 0x0A: #"\n"#, 0x0D: #"\r"#, 0x09: #"\t"#]
        for code in UInt32(0)..<0x20 {
            let scalar = try #require(Unicode.Scalar(code))
            let expected = short[code] ?? String(format: "\\u%04x", code)
            #expect(escaped(String(Character(scalar))) == expected)
        }
        #expect(escaped("\u{7F}") == "\u{7F}")
    }

    @Test("U+2028, U+2029 and U+FEFF are escaped; other scalars with the same lead bytes are copied")
    func lineSeparators() {
        #expect(escaped("a\u{2028}b\u{2029}c") == #"a\u2028b\u2029c"#)
        #expect(escaped("\u{FEFF}x\u{FEFF}") == #"\ufeffx\ufeff"#)
        #expect(escaped("\u{2026}\u{20AC}\u{2027}\u{202A}\u{FE0F}\u{FFFD}") == "\u{2026}\u{20AC}\u{2027}\u{202A}\u{FE0F}\u{FFFD}")
    }

    @Test("emoji and scalars from every plane are copied as UTF-8 and parse back")
    func everyPlane() throws {
        let samples = ["é", "中文", "👩‍👩‍👧‍👦", "🇫🇷", "\u{10000}", "\u{1F600}", "\u{2A6D6}", "\u{E0001}", "\u{FFFD}",
                       "\u{FFFF}", "\u{F0000}", "\u{10FFFD}", "\u{10FFFF}", "a\u{0}b"]
        for plane in 0...16 {
            let scalar = try #require(Unicode.Scalar(UInt32(plane) << 16 | 0x0100))
            let string = String(Character(scalar))
            #expect(escaped(string) == string)
        }
        let span = try onlySpan(encodeAndParse([makeSpan(name: samples.joined(), attributes: ["k": .stringArray(samples)])]))
        #expect((span["name"] as? String).map { Array($0.unicodeScalars) } == Array(samples.joined().unicodeScalars))
    }

    @Test("the eight-byte scan flags exactly the bytes that need a closer look, at every position")
    func wordScan() {
        for position in 0..<8 {
            for value in 0...255 {
                var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 8)
                bytes[position] = UInt8(value)
                let word = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
                let plain = value >= 0x20 && value < 0x80 && value != 0x22 && value != 0x5C
                #expect(JSONWriter.isPlainASCII(word) == plain, "byte \(value) at \(position)")
            }
        }
    }

    @Test("escapes are found wherever they fall relative to the eight-byte scan")
    func escapesAtEveryOffset() throws {
        for offset in 0..<17 {
            for special in ["\"", "\\", "\n", "\u{1}", "\u{2028}", "\u{FEFF}", "é"] {
                let string = String(repeating: "x", count: offset) + special + String(repeating: "y", count: 9)
                let span = try onlySpan(encodeAndParse([makeSpan(name: string)]))
                #expect(span["name"] as? String == string, "offset \(offset)")
            }
        }
    }

    @Test("a long string with escapes at block boundaries survives")
    func longString() throws {
        let string = String(repeating: "ab\"\n\u{1F600}", count: 20_000)
        let span = try onlySpan(encodeAndParse([makeSpan(name: string)]))
        #expect(span["name"] as? String == string)
    }
}

@Suite("JSON numbers")
struct JSONNumberTests {
    func written(_ body: (inout JSONWriter) -> Void) -> String {
        var writer = JSONWriter(appendingTo: [])
        body(&writer)
        return String(decoding: writer.finish(), as: UTF8.self)
    }

    @Test("integers are decimal, Int64.min and UInt64.max included")
    func integers() {
        for value: Int64 in [0, 7, 10, -1, 1_000_000, Int64.max, Int64.min] {
            #expect(written { $0.writeDecimal(value) } == String(value))
        }
        #expect(written { $0.writeDecimal(UInt64.max) } == "18446744073709551615")
    }

    @Test("hex is 16 lowercase digits, leading zeros kept")
    func hex() {
        #expect(written { $0.writeHex(0xAB) } == "00000000000000ab")
        #expect(written { $0.writeHex(UInt64.max) } == "ffffffffffffffff")
    }

    @Test("doubles are valid JSON numbers")
    func doubles() {
        #expect(written { $0.writeDouble(3) } == "3.0")
        #expect(written { $0.writeDouble(1e20) } == "1e+20")
        #expect(written { $0.writeDouble(-0.0) } == "-0.0")
        #expect(written { $0.writeDouble(.leastNonzeroMagnitude) } == "5e-324")
        #expect(written { $0.writeDouble(.nan) } == "\"NaN\"")
        #expect(written { $0.writeDouble(-.infinity) } == "\"-Infinity\"")
    }
}
