/// A JSON value: tool inputs and schemas, content blocks this library does not know yet, and
/// every body the client sends or receives.
///
/// The client parses and writes JSON itself (``parse(_:)-(String)``, ``serialized()``): one pass over the
/// bytes per body or stream event, objects written with sorted keys so the same request always
/// has the same bytes (a retry resends exactly what was sent, and prompt caching sees a stable
/// prefix).
public enum ClaudeJSON: Sendable, Hashable {
    /// JSON `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// Every number, as a double: exact for integers up to 2^53.
    case number(Double)
    /// A string.
    case string(String)
    /// An array.
    case array([ClaudeJSON])
    /// An object; written with its keys sorted.
    case object([String: ClaudeJSON])

    /// The member `key` of an object; nil for a missing key and for non-objects.
    public subscript(key: String) -> ClaudeJSON? {
        if case .object(let members) = self { members[key] } else { nil }
    }

    /// The string; nil for other values.
    public var stringValue: String? { if case .string(let value) = self { value } else { nil } }
    /// The boolean; nil for other values.
    public var boolValue: Bool? { if case .bool(let value) = self { value } else { nil } }
    /// The number; nil for other values.
    public var doubleValue: Double? { if case .number(let value) = self { value } else { nil } }
    /// The number as an `Int` when it is integral and in range.
    public var intValue: Int? {
        guard case .number(let value) = self, value.rounded() == value, abs(value) < 9.0e15 else { return nil }
        return Int(value)
    }
    /// The elements of an array; nil for other values.
    public var arrayValue: [ClaudeJSON]? { if case .array(let value) = self { value } else { nil } }
    /// The members of an object; nil for other values.
    public var objectValue: [String: ClaudeJSON]? { if case .object(let value) = self { value } else { nil } }
    /// Whether the value is `null`.
    public var isNull: Bool { if case .null = self { true } else { false } }

    /// An integer as JSON.
    public static func integer(_ value: Int) -> ClaudeJSON { .number(Double(value)) }
}

extension ClaudeJSON: ExpressibleByStringLiteral, ExpressibleByStringInterpolation, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    /// A string: `"text"`.
    public init(stringLiteral value: String) { self = .string(value) }
    /// A number from an integer literal: `3`.
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    /// A number from a floating-point literal: `0.5`.
    public init(floatLiteral value: Double) { self = .number(value) }
    /// A boolean: `true`.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// An array: `[1, "two"]`.
    public init(arrayLiteral elements: ClaudeJSON...) { self = .array(elements) }
    /// `null`: `nil`.
    public init(nilLiteral: ()) { self = .null }
    /// An object: `["type": "object"]`; a repeated key keeps its last value.
    public init(dictionaryLiteral elements: (String, ClaudeJSON)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

// MARK: Writing

extension ClaudeJSON {
    /// The value as compact JSON text, object keys sorted.
    public func serialized() -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)
        write(into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The value as compact UTF-8 JSON bytes, object keys sorted.
    package func serializedBytes() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)
        write(into: &bytes)
        return bytes
    }

    /// Appends the value as compact JSON to `bytes`.
    package func write(into bytes: inout [UInt8]) {
        switch self {
        case .null: bytes.append(contentsOf: "null".utf8)
        case .bool(let value): bytes.append(contentsOf: (value ? "true" : "false").utf8)
        case .number(let value): Self.writeNumber(value, into: &bytes)
        case .string(let value): Self.writeString(value, into: &bytes)
        case .array(let elements):
            bytes.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                element.write(into: &bytes)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            bytes.append(UInt8(ascii: "{"))
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                Self.writeString(key, into: &bytes)
                bytes.append(UInt8(ascii: ":"))
                members[key]!.write(into: &bytes)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    static func writeNumber(_ value: Double, into bytes: inout [UInt8]) {
        guard value.isFinite else {
            // JSON has no NaN or infinity; null is what JavaScript's JSON.stringify writes.
            bytes.append(contentsOf: "null".utf8)
            return
        }
        if value.rounded() == value && abs(value) < 9.0e15 {
            bytes.append(contentsOf: String(Int64(value)).utf8)
        } else {
            // Swift's description is the shortest text that reads back as the same double, and
            // its exponent form (`1e-05`) is valid JSON.
            bytes.append(contentsOf: value.description.utf8)
        }
    }

    static func writeString(_ value: String, into bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                          hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

extension ClaudeJSON: CustomStringConvertible {
    /// The value as compact JSON text, as ``serialized()`` writes it.
    public var description: String { serialized() }
}

// MARK: Codable, for apps that store these values with their own coders

extension ClaudeJSON: Codable {
    /// Decodes any JSON value from a `Decoder`, so a `Codable` type can hold one.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([ClaudeJSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: ClaudeJSON].self))
        }
    }

    /// Encodes the value as the JSON value it is.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}
