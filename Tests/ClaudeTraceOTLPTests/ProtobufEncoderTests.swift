import ClaudeTraceCore
@testable import ClaudeTraceOTLP
import Foundation
import Testing

/// The encoder's output for `spans`, decoded by the tests' own strict decoder into the
/// OTLP-JSON shape.
func encodeProtobufAndDecode(_ spans: [SpanData]) throws -> [String: Any] {
    try decodeRequest(OTLPProtobufEncoder().encode(spans))
}

extension Array where Element == UInt8 {
    /// Whether `sequence` occurs somewhere in these bytes.
    func contains(sequence: [UInt8]) -> Bool {
        guard sequence.count <= count else { return false }
        return (0...(count - sequence.count)).contains { self[$0..<$0 + sequence.count].elementsEqual(sequence) }
    }
}

/// A `KeyValue` message as the proto defines it, written out by hand: `key` (field 1, string)
/// and `value` (field 2, an `AnyValue` whose bytes are given).
func keyValueBytes(_ key: String, anyValue: [UInt8]) -> [UInt8] {
    [0x0A, UInt8(key.utf8.count)] + Array(key.utf8) + [0x12, UInt8(anyValue.count)] + anyValue
}

@Suite("OTLP protobuf encoder")
struct ProtobufEncoderTests {
    @Test("varints take one byte per seven bits, from 0 to UInt64.max", arguments: [
        (UInt64(0), [0x00]), (1, [0x01]), (127, [0x7F]), (128, [0x80, 0x01]), (300, [0xAC, 0x02]),
        (16383, [0xFF, 0x7F]), (16384, [0x80, 0x80, 0x01]), (UInt64(UInt32.max), [0xFF, 0xFF, 0xFF, 0xFF, 0x0F]),
        (1 << 63, [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]),
        (UInt64.max, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
    ] as [(UInt64, [UInt8])])
    func varints(value: UInt64, expected: [UInt8]) {
        #expect(ProtobufSize.varint(value) == expected.count)
        var bytes = [UInt8](repeating: 0, count: expected.count)
        bytes.withUnsafeMutableBufferPointer { memory in
            var writer = ProtobufWriter(into: memory)
            writer.writeVarint(value)
            #expect(writer.isAtEnd)
        }
        #expect(bytes == expected)
    }

    @Test("every varint length boundary is measured as written")
    func varintSizes() {
        for bits in 0...64 {
            for value in [bits == 0 ? 0 : UInt64(1) << (bits - 1), bits == 64 ? UInt64.max : (UInt64(1) << bits) &- 1] {
                var bytes = [UInt8](repeating: 0, count: ProtobufSize.varint(value))
                bytes.withUnsafeMutableBufferPointer { memory in
                    var writer = ProtobufWriter(into: memory)
                    writer.writeVarint(value)
                    #expect(writer.isAtEnd, "value \(value)")
                }
                #expect(bytes.last! < 0x80 && bytes.dropLast().allSatisfy { $0 >= 0x80 }, "value \(value)")
            }
        }
    }

    @Test("negative integers are ten-byte varints, Int64.min included")
    func negativeIntegers() throws {
        let spans = [makeSpan(attributes: ["m": .int(-1), "n": .int(Int64.min), "a": .intArray([-2])])]
        let bytes = OTLPProtobufEncoder().encode(spans)
        // AnyValue { int_value (3, varint) }: tag 0x18, then the two's complement in ten bytes.
        #expect(bytes.contains(sequence: keyValueBytes("m", anyValue: [0x18] + [UInt8](repeating: 0xFF, count: 9) + [0x01])))
        #expect(bytes.contains(sequence: keyValueBytes("n", anyValue: [0x18] + [UInt8](repeating: 0x80, count: 9) + [0x01])))
        let values = attributeValues(try onlySpan(decodeRequest(bytes)))
        #expect(values["m"]?["intValue"] as? String == "-1")
        #expect(values["n"]?["intValue"] as? String == "-9223372036854775808")
        #expect(values["a"]?.object("arrayValue")?.array("values").first?["intValue"] as? String == "-2")
    }

    @Test("every span field has its proto number and type, in field-number order")
    func everySpanField() throws {
        let linked = SpanContext(traceID: TraceID(high: 7, low: 8), spanID: SpanID(9), traceFlags: .sampled,
                                 traceState: TraceState().setting("l", to: "1")!, isRemote: true)
        let span = makeSpan(
            name: "chat", kind: .client, flags: [.sampled, .random],
            traceState: TraceState().setting("vendor", to: "a")!.setting("other", to: "b")!,
            parent: SpanID(0xb7ad_6b71_6920_3331), parentIsRemote: true,
            attributes: ["k": "v"], events: [SpanEvent(name: "e", timeNanoseconds: 5, attributes: ["x": 1], droppedAttributesCount: 1)],
            links: [SpanLink(context: linked, attributes: ["y": true], droppedAttributesCount: 2)],
            status: .error(description: "boom"), droppedAttributes: 3, droppedEvents: 4, droppedLinks: 5)
        var orders: [(OTLPMessage, [UInt32])] = []
        let request = try decodeProtobuf(OTLPProtobufEncoder().encode([span])[...]) { orders.append(($0, $1)) }
        let decoded = try onlySpan(request)
        #expect(decoded["traceId"] as? String == "0af7651916cd43dd8448eb211c80319c")
        #expect(decoded["spanId"] as? String == "e91ebc765c6fdd5e")
        #expect(decoded["traceState"] as? String == span.context.traceState.headerValue)
        #expect(decoded["parentSpanId"] as? String == "b7ad6b7169203331")
        #expect(decoded["name"] as? String == "chat")
        #expect(decoded["kind"] as? Int == 3)
        #expect(decoded["startTimeUnixNano"] as? String == "1795352218595442183")
        #expect(decoded["endTimeUnixNano"] as? String == "1795352218595749797")
        #expect(attributeValues(decoded)["k"]?["stringValue"] as? String == "v")
        #expect(decoded["droppedAttributesCount"] as? Int == 3)
        let event = try #require(decoded.array("events").first)
        #expect(event["timeUnixNano"] as? String == "5" && event["name"] as? String == "e")
        #expect(attributeValues(event)["x"]?["intValue"] as? String == "1")
        #expect(event["droppedAttributesCount"] as? Int == 1)
        #expect(decoded["droppedEventsCount"] as? Int == 4)
        let link = try #require(decoded.array("links").first)
        #expect(link["traceId"] as? String == "00000000000000070000000000000008" && link["spanId"] as? String == "0000000000000009")
        #expect(link["traceState"] as? String == "l=1")
        #expect(attributeValues(link)["y"]?["boolValue"] as? Bool == true)
        #expect(link["droppedAttributesCount"] as? Int == 2)
        #expect(link["flags"] as? Int == 0x301)
        #expect(decoded["droppedLinksCount"] as? Int == 5)
        #expect(decoded.object("status")?["message"] as? String == "boom" && decoded.object("status")?["code"] as? Int == 2)
        #expect(decoded["flags"] as? Int == 0x303)
        // Canonical: every message's fields in increasing number order, as protobuf writes them.
        for (message, order) in orders {
            #expect(zip(order, order.dropFirst()).allSatisfy { $0 <= $1 }, "\(message): \(order)")
        }
        #expect(orders.first { $0.0 == .span }?.1 == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16])
    }

    @Test("the resource, the scope and their schema URLs are written, the empty resource and scope too")
    func resourceAndScope() throws {
        let scope = InstrumentationScope(name: "lib", version: "2.0", schemaURL: "https://s", attributes: ["scope.a": 1])
        let resource = Resource(attributes: ["service.name": "svc"], schemaURL: "https://r")
        let request = try encodeProtobufAndDecode([makeSpan(resource: resource, scope: scope)])
        let resourceSpans = try #require(request.array("resourceSpans").first)
        #expect(attributeValues(resourceSpans.object("resource") ?? [:])["service.name"]?["stringValue"] as? String == "svc")
        #expect(resourceSpans["schemaUrl"] as? String == "https://r")
        let scopeSpans = try #require(resourceSpans.array("scopeSpans").first)
        #expect(scopeSpans.object("scope")?["name"] as? String == "lib" && scopeSpans.object("scope")?["version"] as? String == "2.0")
        #expect(attributeValues(scopeSpans.object("scope") ?? [:])["scope.a"]?["intValue"] as? String == "1")
        #expect(scopeSpans["schemaUrl"] as? String == "https://s")

        let bare = try encodeProtobufAndDecode([makeSpan(resource: Resource(), scope: InstrumentationScope(name: ""))])
        let bareResourceSpans = try #require(bare.array("resourceSpans").first)
        #expect(bareResourceSpans.object("resource")?.isEmpty == true)
        #expect(bareResourceSpans.array("scopeSpans").first?.object("scope")?.isEmpty == true)
    }

    @Test("every attribute value type keeps its oneof member, zero, false and empty included")
    func everyValueType() throws {
        let bytes = OTLPProtobufEncoder().encode([makeSpan(attributes: [
            "s": "text", "e": "", "t": true, "f": false, "i": 42, "z": 0, "d": 1.5, "dz": 0.0,
            "sa": ["a", ""], "ba": .boolArray([true, false]), "ia": .intArray([1, 0]), "da": .doubleArray([0.1, 0]),
            "none": .stringArray([]),
        ])])
        // The AnyValue bytes, by hand from common.proto: string_value 1, bool_value 2,
        // int_value 3 (varint), double_value 4 (fixed64), array_value 5 (an ArrayValue whose
        // values, field 1, are AnyValue messages).
        #expect(bytes.contains(sequence: keyValueBytes("s", anyValue: [0x0A, 4] + Array("text".utf8))))
        #expect(bytes.contains(sequence: keyValueBytes("e", anyValue: [0x0A, 0x00])))
        #expect(bytes.contains(sequence: keyValueBytes("t", anyValue: [0x10, 0x01])))
        #expect(bytes.contains(sequence: keyValueBytes("f", anyValue: [0x10, 0x00])))
        #expect(bytes.contains(sequence: keyValueBytes("i", anyValue: [0x18, 42])))
        #expect(bytes.contains(sequence: keyValueBytes("z", anyValue: [0x18, 0x00])))
        #expect(bytes.contains(sequence: keyValueBytes("d", anyValue: [0x21, 0, 0, 0, 0, 0, 0, 0xF8, 0x3F])))
        #expect(bytes.contains(sequence: keyValueBytes("dz", anyValue: [0x21, 0, 0, 0, 0, 0, 0, 0, 0])))
        #expect(bytes.contains(sequence: keyValueBytes("sa", anyValue: [0x2A, 9, 0x0A, 3, 0x0A, 1, 0x61, 0x0A, 2, 0x0A, 0])))
        #expect(bytes.contains(sequence: keyValueBytes("ba", anyValue: [0x2A, 8, 0x0A, 2, 0x10, 1, 0x0A, 2, 0x10, 0])))
        #expect(bytes.contains(sequence: keyValueBytes("ia", anyValue: [0x2A, 8, 0x0A, 2, 0x18, 1, 0x0A, 2, 0x18, 0])))
        #expect(bytes.contains(sequence: keyValueBytes("none", anyValue: [0x2A, 0x00])))

        let values = attributeValues(try onlySpan(decodeRequest(bytes)))
        #expect(values["e"]?["stringValue"] as? String == "")
        #expect(values["f"]?["boolValue"] as? Bool == false)
        #expect(values["z"]?["intValue"] as? String == "0")
        #expect((values["dz"]?["doubleValue"] as? DecodedDouble)?.value.bitPattern == 0)
        let doubles = values["da"]?.object("arrayValue")?.array("values").compactMap { ($0["doubleValue"] as? DecodedDouble)?.value }
        #expect(doubles == [0.1, 0])
        #expect(values["none"]?.object("arrayValue")?.isEmpty == true)
    }

    @Test("doubles are their IEEE bits: NaN (payload kept), the infinities, negative zero, subnormals")
    func doubleBits() throws {
        let samples: [Double] = [.nan, Double(bitPattern: 0x7FF8_0000_0000_0001), -.nan, .infinity, -.infinity, -0.0,
                                 .leastNonzeroMagnitude, .greatestFiniteMagnitude, .pi]
        let bytes = OTLPProtobufEncoder().encode([makeSpan(attributes: ["d": .doubleArray(samples), "one": .double(.infinity)])])
        #expect(bytes.contains(sequence: keyValueBytes("one", anyValue: [0x21, 0, 0, 0, 0, 0, 0, 0xF0, 0x7F])))
        let values = attributeValues(try onlySpan(decodeRequest(bytes)))
        let decoded = values["d"]?.object("arrayValue")?.array("values").compactMap { ($0["doubleValue"] as? DecodedDouble)?.value } ?? []
        #expect(decoded.map(\.bitPattern) == samples.map(\.bitPattern))
    }

    @Test("status: unset is omitted, ok is code 1 alone, error carries its message when it has one")
    func status() throws {
        func status(_ status: SpanStatus) throws -> [String: Any]? { try onlySpan(encodeProtobufAndDecode([makeSpan(status: status)])).object("status") }
        #expect(try status(.unset) == nil)
        let ok = try #require(try status(.ok))
        #expect(ok["code"] as? Int == 1 && ok["message"] == nil)
        let error = try #require(try status(.error(description: "boom")))
        #expect(error["code"] as? Int == 2 && error["message"] as? String == "boom")
        let bare = try #require(try status(.error(description: nil)))
        #expect(bare["code"] as? Int == 2 && bare["message"] == nil)
    }

    @Test("fields at their default are omitted; counts past UInt32.max are clamped")
    func defaults() throws {
        let span = try onlySpan(encodeProtobufAndDecode([makeSpan(name: "", start: 0, end: 0)]))
        #expect(Set(span.keys) == ["traceId", "spanId", "kind", "flags"])
        let clamped = try onlySpan(encodeProtobufAndDecode([makeSpan(droppedAttributes: Int(UInt32.max) + 5)]))
        #expect(clamped["droppedAttributesCount"] as? Int == Int(UInt32.max))
    }

    @Test("spans are grouped by resource, then scope, as the JSON encoder groups them")
    func grouping() throws {
        let first = Resource(attributes: ["service.name": "a"]), second = Resource(attributes: ["service.name": "b"])
        let scopeA = InstrumentationScope(name: "x"), scopeB = InstrumentationScope(name: "y")
        let spans = [
            makeSpan(name: "1", spanID: SpanID(1), resource: first, scope: scopeA),
            makeSpan(name: "2", spanID: SpanID(2), resource: second, scope: scopeA),
            makeSpan(name: "3", spanID: SpanID(3), resource: first, scope: scopeB),
            makeSpan(name: "4", spanID: SpanID(4), resource: first, scope: scopeA),
        ]
        let request = try encodeProtobufAndDecode(spans)
        let names = request.array("resourceSpans").map { $0.array("scopeSpans").map { $0.array("spans").compactMap { $0["name"] as? String } } }
        #expect(names == [[["1", "4"], ["3"]], [["2"]]])
        #expect(difference(json: try encodeAndParse(spans), protobuf: request) == nil)
    }

    @Test("encoding appends to the buffer it is given")
    func appends() throws {
        var buffer = Array("prefix".utf8)
        OTLPProtobufEncoder().encode([makeSpan()][...], into: &buffer)
        #expect(buffer.starts(with: Array("prefix".utf8)))
        #expect(Array(buffer.dropFirst(6)) == OTLPProtobufEncoder().encode([makeSpan()]))
        #expect(buffer[6] == 0x0A)  // resource_spans, length-delimited
    }

    @Test("no spans is an empty request: no bytes")
    func empty() throws {
        #expect(OTLPProtobufEncoder().encode([]).isEmpty)
        var buffer: [UInt8] = [1, 2]
        OTLPProtobufEncoder().encode([][...], into: &buffer)
        #expect(buffer == [1, 2])
    }

    @Test("large messages get multi-byte lengths, and strings in every script are copied as UTF-8")
    func largeAndUnicode() throws {
        let big = String(repeating: "x", count: 100_000)
        let unicode = "héllo 👋 \u{2028} \u{0} \u{10FFFF} 漢字"
        let spans = (0..<20).map { makeSpan(name: "s\($0) \(unicode)", spanID: SpanID(UInt64($0) + 1), attributes: ["big": .string(big), unicode: .string(unicode)]) }
        let request = try encodeProtobufAndDecode(spans)
        let decoded = allSpans(request)
        #expect(decoded.count == 20)
        #expect(decoded.allSatisfy { attributeValues($0)["big"]?["stringValue"] as? String == big })
        #expect(decoded.allSatisfy { attributeValues($0)[unicode]?["stringValue"] as? String == unicode })
        #expect(decoded.last?["name"] as? String == "s19 \(unicode)")
        #expect(difference(json: try encodeAndParse(spans), protobuf: request) == nil)
    }

    @Test("the body is half the size of the JSON body or less for typical spans")
    func smallerThanJSON() {
        let spans = (0..<100).map { makeSpan(spanID: SpanID(UInt64($0) + 1), attributes: ["gen_ai.system": "anthropic", "gen_ai.usage.input_tokens": .int(1200), "ok": true]) }
        #expect(OTLPProtobufEncoder().encode(spans).count * 2 <= OTLPJSONEncoder().encode(spans).count)
    }
}
