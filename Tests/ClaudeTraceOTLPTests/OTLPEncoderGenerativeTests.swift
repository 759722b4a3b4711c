import ClaudeTraceCore
@testable import ClaudeTraceOTLP
import Foundation
import Testing

@Suite("OTLP encoders, generative")
struct OTLPEncoderGenerativeTests {
    /// A random string: empty, huge, ASCII with control characters, or scalars from every
    /// Unicode plane (surrogates cannot be in a Swift string).
    static func randomString(_ random: inout SeededRandom) -> String {
        let shape = Int.random(in: 0..<64, using: &random)
        if shape < 6 { return "" }
        let length = shape == 6 ? Int.random(in: 1_000...10_000, using: &random) : Int.random(in: 1...24, using: &random)
        var scalars = String.UnicodeScalarView()
        for _ in 0..<length {
            let scalar: Unicode.Scalar?
            switch Int.random(in: 0..<6, using: &random) {
            case 0: scalar = Unicode.Scalar(UInt32.random(in: 0..<0x20, using: &random))
            case 1: scalar = Unicode.Scalar(UInt32.random(in: 0x20..<0x80, using: &random))
            case 2: scalar = ["\"", "\\", "/", "\u{2028}", "\u{2029}", "\u{7F}", "\u{FEFF}"].randomElement(using: &random)!
            case 3: scalar = Unicode.Scalar(UInt32.random(in: 0x80..<0x10000, using: &random))
            default:
                let plane = UInt32.random(in: 1...16, using: &random)
                scalar = Unicode.Scalar(plane << 16 | UInt32.random(in: 0...0xFFFF, using: &random))
            }
            // nil only for surrogates: skip them.
            if let scalar { scalars.append(scalar) }
        }
        return String(scalars)
    }

    static func randomDouble(_ random: inout SeededRandom) -> Double {
        switch Int.random(in: 0..<8, using: &random) {
        case 0: return [.nan, .infinity, -.infinity, 0, -0.0, .leastNonzeroMagnitude, -.greatestFiniteMagnitude].randomElement(using: &random)!
        case 1: return Double(bitPattern: UInt64.random(in: 1..<0x0010_0000_0000_0000, using: &random))  // subnormal
        case 2: return Double(Int64.random(in: Int64.min...Int64.max, using: &random))
        default:
            let value = Double(bitPattern: random.next())
            return value.isNaN ? .nan : value
        }
    }

    static func randomInt(_ random: inout SeededRandom) -> Int64 {
        [Int64.min, Int64.max, 0, -1].randomElement(using: &random)!
            &+ (Bool.random(using: &random) ? 0 : Int64.random(in: -1000...1000, using: &random))
    }

    static func randomValue(_ random: inout SeededRandom) -> AttributeValue {
        let count = Int.random(in: 0...4, using: &random)
        switch Int.random(in: 0..<8, using: &random) {
        case 0: return .string(randomString(&random))
        case 1: return .bool(Bool.random(using: &random))
        case 2: return .int(randomInt(&random))
        case 3: return .double(randomDouble(&random))
        case 4: return .stringArray((0..<count).map { _ in randomString(&random) })
        case 5: return .boolArray((0..<count).map { _ in Bool.random(using: &random) })
        case 6: return .intArray((0..<count).map { _ in randomInt(&random) })
        default: return .doubleArray((0..<count).map { _ in randomDouble(&random) })
        }
    }

    static func randomAttributes(_ random: inout SeededRandom) -> Attributes {
        var attributes = Attributes()
        for _ in 0..<Int.random(in: 0...5, using: &random) {
            attributes[randomString(&random)] = randomValue(&random)
        }
        return attributes
    }

    /// Whether `json` (parsed by Foundation, or decoded from protobuf into the same shape) is
    /// exactly `expected`: strings scalar by scalar, integers as decimal strings, doubles bit for
    /// bit (NaN as "NaN" in JSON). A missing string is the empty string, as in proto3.
    static func matches(_ json: [String: Any]?, _ expected: AttributeValue) -> Bool {
        guard let json else { return false }
        func double(_ any: Any?, _ value: Double) -> Bool {
            if let decoded = any as? DecodedDouble { return decoded.value.bitPattern == value.bitPattern }
            if value.isNaN { return any as? String == "NaN" }
            if value.isInfinite { return any as? String == (value < 0 ? "-Infinity" : "Infinity") }
            guard let parsed = exactDouble(any) else { return false }
            return parsed == value && parsed.sign == value.sign
        }
        func string(_ any: Any?, _ value: String) -> Bool {
            (any as? String).map { Array($0.unicodeScalars) == Array(value.unicodeScalars) } ?? false
        }
        func elements(_ count: Int) -> [[String: Any]]? {
            let array = json["arrayValue"] as? [String: Any]
            let values = array?["values"] as? [[String: Any]] ?? (array != nil && count == 0 ? [] : nil)
            return values?.count == count ? values : nil
        }
        switch expected {
        case .string(let value): return string(json["stringValue"], value)
        case .bool(let value): return json["boolValue"] as? Bool == value
        case .int(let value): return json["intValue"] as? String == String(value)
        case .double(let value): return double(json["doubleValue"], value)
        case .stringArray(let values):
            return elements(values.count).map { zip($0, values).allSatisfy { string($0["stringValue"], $1) } } ?? false
        case .boolArray(let values):
            return elements(values.count).map { zip($0, values).allSatisfy { $0["boolValue"] as? Bool == $1 } } ?? false
        case .intArray(let values):
            return elements(values.count).map { zip($0, values).allSatisfy { $0["intValue"] as? String == String($1) } } ?? false
        case .doubleArray(let values):
            return elements(values.count).map { zip($0, values).allSatisfy { double($0["doubleValue"], $1) } } ?? false
        }
    }

    static func matches(_ json: [[String: Any]], _ expected: Attributes) -> Bool {
        guard json.count == expected.count else { return false }
        return zip(json, expected).allSatisfy { attribute, pair in
            Array((attribute["key"] as? String ?? "").unicodeScalars) == Array(pair.key.unicodeScalars)
                && matches(attribute["value"] as? [String: Any], pair.value)
        }
    }

    /// How a test reads an encoder's output back: the OTLP-JSON shape either way.
    enum Encoding: String, CustomTestStringConvertible, CaseIterable {
        case json, protobuf

        var testDescription: String { rawValue }

        func encode(_ spans: [SpanData], into buffer: inout [UInt8]) {
            switch self {
            case .json: OTLPJSONEncoder().encode(spans[...], into: &buffer)
            case .protobuf: OTLPProtobufEncoder().encode(spans[...], into: &buffer)
            }
        }

        func decode(_ bytes: [UInt8]) throws -> [String: Any] {
            switch self {
            case .json: try parseObject(bytes)
            case .protobuf: try decodeProtobuf(bytes[...])
            }
        }
    }

    /// One to three random spans, each with random names, attributes, an event and an error.
    static func randomBatch(_ random: inout SeededRandom) -> [SpanData] {
        (0..<Int.random(in: 1...3, using: &random)).map { _ in
            makeSpan(
                name: randomString(&random),
                spanID: SpanID(random.next() | 1),
                attributes: randomAttributes(&random),
                events: [SpanEvent(name: randomString(&random), timeNanoseconds: random.next(), attributes: randomAttributes(&random))],
                status: .error(description: randomString(&random)),
                resource: Resource(attributes: randomAttributes(&random)))
        }
    }

    @Test("thousands of random spans encode to bodies that read back the same values",
          arguments: Encoding.allCases, 0..<4)
    func randomSpans(encoding: Encoding, seed: UInt64) async throws {
        var random = SeededRandom(seed: 0x5EED_0000 + seed)
        var buffer: [UInt8] = []
        for round in 0..<250 {
            // Give the cooperative threads back between rounds: the exporter tests running
            // alongside need them to meet their timeouts.
            await Task.yield()
            let spans = Self.randomBatch(&random)
            buffer.removeAll(keepingCapacity: true)
            encoding.encode(spans, into: &buffer)
            let parsed = allSpans(try encoding.decode(buffer))
            try #require(parsed.count == spans.count, "seed \(seed) round \(round)")
            // Grouping by resource may reorder the spans: pair them up by span id.
            let byID = Dictionary(parsed.map { ($0["spanId"] as? String ?? "", $0) }) { first, _ in first }
            for span in spans {
                let context = "seed \(seed) round \(round)"
                let json = try #require(byID[span.context.spanID.hexString], "\(context)")
                #expect(Array((json["name"] as? String ?? "").unicodeScalars) == Array(span.name.unicodeScalars), "\(context)")
                #expect(Self.matches(json.array("attributes"), span.attributes), "\(context): attributes")
                let event = json.array("events").first ?? [:]
                #expect(event["timeUnixNano"] as? String == String(span.events[0].timeNanoseconds), "\(context)")
                #expect(Self.matches(event.array("attributes"), span.events[0].attributes), "\(context): event attributes")
                if case .error(let description?) = span.status, !description.isEmpty {
                    #expect((json.object("status")?["message"] as? String).map { Array($0.unicodeScalars) } == Array(description.unicodeScalars), "\(context)")
                }
            }
        }
    }

    @Test("for thousands of random spans the protobuf body says exactly what the JSON body says", arguments: 0..<4)
    func protobufEqualsJSON(seed: UInt64) async throws {
        var random = SeededRandom(seed: 0xB0D1_0000 + seed)
        var json: [UInt8] = [], protobuf: [UInt8] = []
        for round in 0..<250 {
            await Task.yield()
            let spans = Self.randomBatch(&random)
            json.removeAll(keepingCapacity: true)
            protobuf.removeAll(keepingCapacity: true)
            Encoding.json.encode(spans, into: &json)
            Encoding.protobuf.encode(spans, into: &protobuf)
            let found = difference(json: try parseObject(json), protobuf: try decodeProtobuf(protobuf[...]))
            #expect(found == nil, "seed \(seed) round \(round): \(found ?? "")")
        }
    }
}
