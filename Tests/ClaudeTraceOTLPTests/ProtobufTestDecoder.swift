import Foundation
import Testing

// A strict protobuf decoder for the tests, written from the .proto files and independent of
// the library's encoder and reader: it turns an `ExportTraceServiceRequest` into the OTLP-JSON
// shape (`[String: Any]`, lowerCamelCase keys, hex ids, 64-bit integers as decimal strings), so
// that a protobuf body can be checked with the JSON helpers and compared with the JSON
// encoder's output for the same spans.
//
// Strict: a field number the schema does not know, a wire type that does not match the
// field's type, a singular field written twice, a truncated value, an over-long varint or
// invalid UTF-8 in a string all throw.

struct ProtobufDecodingError: Error, CustomStringConvertible {
    let description: String
}

/// A decoded double, kept apart from JSON's numbers so that comparisons are bit-exact.
struct DecodedDouble {
    let value: Double
}

/// The OTLP messages a trace export holds, with each field's number, JSON name and type.
enum OTLPMessage {
    case request, resourceSpans, resource, scopeSpans, scope, span, event, link, status
    case keyValue, anyValue, arrayValue, keyValueList

    enum Kind {
        case string, ids, bytes, int64, fixed64, uint32, fixed32, enumeration, double, bool
        case message(OTLPMessage)
    }

    struct Field {
        let name: String
        let kind: Kind
        var repeated = false
    }

    var fields: [UInt32: Field] {
        switch self {
        case .request: [1: Field(name: "resourceSpans", kind: .message(.resourceSpans), repeated: true)]
        case .resourceSpans: [
            1: Field(name: "resource", kind: .message(.resource)),
            2: Field(name: "scopeSpans", kind: .message(.scopeSpans), repeated: true),
            3: Field(name: "schemaUrl", kind: .string),
        ]
        case .resource: [
            1: Field(name: "attributes", kind: .message(.keyValue), repeated: true),
            2: Field(name: "droppedAttributesCount", kind: .uint32),
        ]
        case .scopeSpans: [
            1: Field(name: "scope", kind: .message(.scope)),
            2: Field(name: "spans", kind: .message(.span), repeated: true),
            3: Field(name: "schemaUrl", kind: .string),
        ]
        case .scope: [
            1: Field(name: "name", kind: .string), 2: Field(name: "version", kind: .string),
            3: Field(name: "attributes", kind: .message(.keyValue), repeated: true),
            4: Field(name: "droppedAttributesCount", kind: .uint32),
        ]
        case .span: [
            1: Field(name: "traceId", kind: .ids), 2: Field(name: "spanId", kind: .ids),
            3: Field(name: "traceState", kind: .string), 4: Field(name: "parentSpanId", kind: .ids),
            5: Field(name: "name", kind: .string), 6: Field(name: "kind", kind: .enumeration),
            7: Field(name: "startTimeUnixNano", kind: .fixed64), 8: Field(name: "endTimeUnixNano", kind: .fixed64),
            9: Field(name: "attributes", kind: .message(.keyValue), repeated: true),
            10: Field(name: "droppedAttributesCount", kind: .uint32),
            11: Field(name: "events", kind: .message(.event), repeated: true),
            12: Field(name: "droppedEventsCount", kind: .uint32),
            13: Field(name: "links", kind: .message(.link), repeated: true),
            14: Field(name: "droppedLinksCount", kind: .uint32),
            15: Field(name: "status", kind: .message(.status)), 16: Field(name: "flags", kind: .fixed32),
        ]
        case .event: [
            1: Field(name: "timeUnixNano", kind: .fixed64), 2: Field(name: "name", kind: .string),
            3: Field(name: "attributes", kind: .message(.keyValue), repeated: true),
            4: Field(name: "droppedAttributesCount", kind: .uint32),
        ]
        case .link: [
            1: Field(name: "traceId", kind: .ids), 2: Field(name: "spanId", kind: .ids),
            3: Field(name: "traceState", kind: .string),
            4: Field(name: "attributes", kind: .message(.keyValue), repeated: true),
            5: Field(name: "droppedAttributesCount", kind: .uint32), 6: Field(name: "flags", kind: .fixed32),
        ]
        case .status: [2: Field(name: "message", kind: .string), 3: Field(name: "code", kind: .enumeration)]
        case .keyValue: [1: Field(name: "key", kind: .string), 2: Field(name: "value", kind: .message(.anyValue))]
        case .anyValue: [
            1: Field(name: "stringValue", kind: .string), 2: Field(name: "boolValue", kind: .bool),
            3: Field(name: "intValue", kind: .int64), 4: Field(name: "doubleValue", kind: .double),
            5: Field(name: "arrayValue", kind: .message(.arrayValue)),
            6: Field(name: "kvlistValue", kind: .message(.keyValueList)), 7: Field(name: "bytesValue", kind: .bytes),
        ]
        case .arrayValue: [1: Field(name: "values", kind: .message(.anyValue), repeated: true)]
        case .keyValueList: [1: Field(name: "values", kind: .message(.keyValue), repeated: true)]
        }
    }
}

/// Decodes `bytes` as `message`, in the OTLP-JSON shape. `fieldOrder` receives the field
/// numbers of every message in the order they were met, per message.
func decodeProtobuf(_ bytes: ArraySlice<UInt8>, as message: OTLPMessage = .request, fieldOrder: ((OTLPMessage, [UInt32]) -> Void)? = nil) throws -> [String: Any] {
    var result: [String: Any] = [:]
    var position = bytes.startIndex
    var order: [UInt32] = []

    func fail(_ text: String) -> ProtobufDecodingError { ProtobufDecodingError(description: "\(message): \(text) at byte \(position)") }

    func varint() throws -> UInt64 {
        var value: UInt64 = 0
        for index in 0..<10 {
            guard position < bytes.endIndex else { throw fail("truncated varint") }
            let byte = bytes[position]
            position += 1
            value |= UInt64(byte & 0x7F) << (7 * UInt64(index))
            if byte & 0x80 == 0 { return value }
        }
        throw fail("varint longer than ten bytes")
    }

    func fixed(_ count: Int) throws -> UInt64 {
        guard bytes.endIndex - position >= count else { throw fail("truncated fixed\(count * 8)") }
        var value: UInt64 = 0
        for index in 0..<count { value |= UInt64(bytes[position + index]) << (8 * UInt64(index)) }
        position += count
        return value
    }

    func lengthDelimited() throws -> ArraySlice<UInt8> {
        let length = try varint()
        guard length <= UInt64(bytes.endIndex - position) else { throw fail("length \(length) past the end") }
        defer { position += Int(length) }
        return bytes[position..<position + Int(length)]
    }

    let schema = message.fields
    while position < bytes.endIndex {
        let tag = try varint()
        let number = UInt32(truncatingIfNeeded: tag >> 3), wireType = tag & 7
        guard let field = schema[number] else { throw fail("unknown field \(number)") }
        order.append(number)
        let value: Any
        switch field.kind {
        case .string, .ids, .bytes, .message:
            guard wireType == 2 else { throw fail("\(field.name) has wire type \(wireType), expected 2") }
            let payload = try lengthDelimited()
            switch field.kind {
            case .string:
                guard let string = String(validating: payload, as: UTF8.self) else { throw fail("\(field.name) is not UTF-8") }
                value = string
            case .ids:
                value = payload.map { String(format: "%02x", $0) }.joined()
            case .bytes:
                value = Data(payload).base64EncodedString()
            case .message(let nested):
                value = try decodeProtobuf(payload, as: nested, fieldOrder: fieldOrder)
            default:
                fatalError("unreachable")
            }
        case .int64, .uint32, .enumeration, .bool:
            guard wireType == 0 else { throw fail("\(field.name) has wire type \(wireType), expected 0") }
            let raw = try varint()
            switch field.kind {
            case .int64: value = String(Int64(bitPattern: raw))
            case .bool:
                guard raw <= 1 else { throw fail("\(field.name) bool is \(raw)") }
                value = raw == 1
            default:
                guard raw <= UInt64(UInt32.max) else { throw fail("\(field.name) is over 32 bits") }
                value = Int(raw)
            }
        case .fixed64, .double:
            guard wireType == 1 else { throw fail("\(field.name) has wire type \(wireType), expected 1") }
            let raw = try fixed(8)
            value = field.kind.isDouble ? DecodedDouble(value: Double(bitPattern: raw)) : String(raw) as Any
        case .fixed32:
            guard wireType == 5 else { throw fail("\(field.name) has wire type \(wireType), expected 5") }
            value = Int(try fixed(4))
        }
        if field.repeated {
            result[field.name] = (result[field.name] as? [Any] ?? []) + [value]
        } else {
            guard result[field.name] == nil else { throw fail("singular field \(field.name) written twice") }
            result[field.name] = value
        }
    }
    fieldOrder?(message, order)
    return result
}

extension OTLPMessage.Kind {
    var isDouble: Bool { if case .double = self { true } else { false } }
}

/// Where a protobuf body decoded by ``decodeProtobuf(_:as:fieldOrder:)`` and a JSON body parsed
/// by Foundation differ, by proto3 rules: a field at its default counts as absent (but the set
/// member of an `AnyValue` never does), doubles are compared bit for bit (`"NaN"`,
/// `"Infinity"`, `"-Infinity"` on the JSON side), repeated fields in order. Nil when they say
/// the same.
func difference(json: Any?, protobuf: Any?, path: String = "") -> String? {
    guard let protobuf else { return json == nil ? nil : "\(path): only in the JSON" }
    guard let json else { return "\(path): only in the protobuf" }
    switch protobuf {
    case let protobuf as [String: Any]:
        guard let json = json as? [String: Any] else { return "\(path): a message in the protobuf, \(json) in the JSON" }
        let left = withoutDefaults(json), right = withoutDefaults(protobuf)
        for key in Set(left.keys).union(right.keys).sorted() {
            if let found = difference(json: left[key], protobuf: right[key], path: path + "." + key) { return found }
        }
        return nil
    case let protobuf as [Any]:
        guard let json = json as? [Any], json.count == protobuf.count else {
            return "\(path): \(protobuf.count) elements in the protobuf, JSON has \(json)"
        }
        for (index, (left, right)) in zip(json, protobuf).enumerated() {
            if let found = difference(json: left, protobuf: right, path: "\(path)[\(index)]") { return found }
        }
        return nil
    case let protobuf as DecodedDouble:
        let value = protobuf.value
        let same: Bool =
            if value.isNaN {
                json as? String == "NaN"
            } else if value.isInfinite {
                json as? String == (value < 0 ? "-Infinity" : "Infinity")
            } else {
                exactDouble(json).map { $0.bitPattern == value.bitPattern } ?? false
            }
        return same ? nil : "\(path): JSON \(json), protobuf \(value)"
    case let protobuf as String:
        let same = (json as? String).map { Array($0.unicodeScalars) == Array(protobuf.unicodeScalars) } ?? false
        return same ? nil : "\(path): JSON \(json), protobuf \"\(protobuf)\""
    default:
        let same: Bool =
            if type(of: protobuf) == Bool.self {
                json as? Bool == (protobuf as? Bool)
            } else if let protobuf = protobuf as? Int {
                (json as? NSNumber)?.int64Value == Int64(protobuf)
            } else {
                false
            }
        return same ? nil : "\(path): JSON \(json), protobuf \(protobuf)"
    }
}

/// `object` without the keys holding a default: `""`, `0`, `"0"` for the 64-bit timestamps,
/// `[]`. The set member of an `AnyValue` is kept whatever its value.
private func withoutDefaults(_ object: [String: Any]) -> [String: Any] {
    let oneofMembers: Set<String> = ["stringValue", "boolValue", "intValue", "doubleValue", "arrayValue", "kvlistValue", "bytesValue"]
    let timestamps: Set<String> = ["startTimeUnixNano", "endTimeUnixNano", "timeUnixNano"]
    return object.filter { key, value in
        if oneofMembers.contains(key) { return true }
        switch value {
        case let string as String: return !string.isEmpty && !(timestamps.contains(key) && string == "0")
        case let array as [Any]: return !array.isEmpty
        case let number as Int: return number != 0
        case let number as NSNumber: return number.int64Value != 0
        default: return true
        }
    }
}

/// The request a protobuf body holds, as OTLP-JSON; the test fails when it does not decode.
func decodeRequest(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
    do {
        return try decodeProtobuf(bytes[...])
    } catch {
        Issue.record("the protobuf body does not decode: \(error)", sourceLocation: sourceLocation)
        throw error
    }
}
