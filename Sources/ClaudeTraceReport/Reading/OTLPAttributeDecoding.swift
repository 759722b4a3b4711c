import ClaudeTrace

/// An OTLP `AnyValue` as read, before it becomes an `AttributeValue` (which has no maps, no
/// nested arrays and no bytes).
enum DecodedAnyValue {
    case scalar(AttributeValue)
    case array([DecodedAnyValue])
    case keyValueList([(key: String, value: DecodedAnyValue)])
    case empty

    /// The attribute value; `nil` for the empty value. Maps are flattened by the caller.
    var attributeValue: AttributeValue? {
        switch self {
        case .scalar(let value): value
        case .array(let elements): Self.homogeneousArray(elements)
        case .keyValueList: .string(jsonText)
        case .empty: nil
        }
    }

    /// A typed array when every element has the same scalar type (ints and doubles mixed give
    /// doubles); otherwise each element's JSON text.
    private static func homogeneousArray(_ elements: [DecodedAnyValue]) -> AttributeValue {
        var strings: [String] = [], bools: [Bool] = [], ints: [Int64] = [], doubles: [Double] = []
        for element in elements {
            guard case .scalar(let value) = element else { return .stringArray(elements.map(\.elementText)) }
            switch value {
            case .string(let string): strings.append(string)
            case .bool(let bool): bools.append(bool)
            case .int(let int): ints.append(int); doubles.append(Double(int))
            case .double(let double): doubles.append(double)
            default: return .stringArray(elements.map(\.elementText))
            }
        }
        let count = elements.count
        if strings.count == count { return .stringArray(strings) }
        if bools.count == count { return .boolArray(bools) }
        if ints.count == count { return .intArray(ints) }
        if doubles.count == count, strings.isEmpty, bools.isEmpty { return .doubleArray(doubles) }
        return .stringArray(elements.map(\.elementText))
    }

    /// An element of a mixed array: strings as themselves, everything else as JSON text.
    private var elementText: String {
        if case .scalar(.string(let string)) = self { return string }
        return jsonText
    }

    /// Compact JSON text of the value (doubles that JSON cannot hold are quoted, as OTLP does).
    var jsonText: String {
        switch self {
        case .scalar(.string(let string)): return Self.quoted(string)
        case .scalar(.double(let double)) where !double.isFinite:
            return double.isNaN ? "\"NaN\"" : double > 0 ? "\"Infinity\"" : "\"-Infinity\""
        case .scalar(let value): return value.description
        case .array(let elements): return "[" + elements.map(\.jsonText).joined(separator: ",") + "]"
        case .keyValueList(let members):
            return "{" + members.map { Self.quoted($0.key) + ":" + $0.value.jsonText }.joined(separator: ",") + "}"
        case .empty: return "null"
        }
    }

    private static func quoted(_ string: String) -> String {
        var result = ""
        JSONLineWriter.appendQuoted(string, to: &result)
        return result
    }
}

extension OTLPLineDecoder {
    /// How deeply attribute values may nest (arrays and maps in arrays and maps) before a line
    /// is rejected: the decoding recursion stays well within a thread's stack. The spec's
    /// `AttributeValueDepthLimit` default is 64, and real attributes are flat.
    static let maximumValueDepth = 64

    /// The longest dotted key a `kvlistValue` is flattened into; a member past it is dropped.
    /// Every leaf of a map carries its ancestors' keys, so without a bound one long key over
    /// many small leaves would cost their product (a 1 MiB key over 30,000 leaves: 30 GB).
    static let maximumFlattenedKeyLength = 256

    /// Reads a `[KeyValue]` list into `attributes`; a `kvlistValue` is flattened into dotted
    /// keys, an empty value is dropped, a repeated key keeps its last value.
    mutating func decodeAttributes(into attributes: inout Attributes) throws(JSONSyntaxError) {
        var element = try scanner.openArray()
        while element {
            let (key, value) = try decodeKeyValue(depth: 0)
            Self.store(value, at: key, in: &attributes)
            element = try scanner.nextMember(closing: .closeBracket)
        }
    }

    private static func store(_ value: DecodedAnyValue, at key: String, in attributes: inout Attributes) {
        if case .keyValueList(let members) = value {
            for member in members where key.utf8.count + 1 + member.key.utf8.count <= maximumFlattenedKeyLength {
                store(member.value, at: key + "." + member.key, in: &attributes)
            }
        } else if let attribute = value.attributeValue {
            attributes[key] = attribute
        }
    }

    private mutating func decodeKeyValue(depth: Int) throws(JSONSyntaxError) -> (String, DecodedAnyValue) {
        var key = ""
        var value = DecodedAnyValue.empty
        var more = try scanner.openObject()
        while more {
            let field = try scanner.readKey()
            if field.equals("key") {
                key = try readOptionalString()
            } else if field.equals("value") {
                value = try decodeAnyValue(depth: depth)
            } else {
                try scanner.skipValue()
            }
            more = try scanner.nextMember(closing: .closeBrace)
        }
        return (key, value)
    }

    private mutating func decodeAnyValue(depth: Int) throws(JSONSyntaxError) -> DecodedAnyValue {
        guard depth < Self.maximumValueDepth else { throw scanner.error("attribute value nested too deeply") }
        var value = DecodedAnyValue.empty
        var more = try scanner.openObject()
        while more {
            let field = try scanner.readKey()
            if field.equals("stringValue") {
                value = .scalar(.string(try readOptionalString()))
            } else if field.equals("intValue") {
                value = try readIntValue()
            } else if field.equals("doubleValue") {
                value = .scalar(.double(try readDouble()))
            } else if field.equals("boolValue") {
                value = .scalar(.bool(try readBoolValue()))
            } else if field.equals("arrayValue") {
                value = .array(try decodeValueList(depth: depth + 1))
            } else if field.equals("kvlistValue") {
                value = .keyValueList(try decodeKeyValueList(depth: depth + 1))
            } else if field.equals("bytesValue") {
                value = .scalar(.string(try readOptionalString()))
            } else {
                try scanner.skipValue()
            }
            more = try scanner.nextMember(closing: .closeBrace)
        }
        return value
    }

    /// `{"values":[AnyValue]}`.
    private mutating func decodeValueList(depth: Int) throws(JSONSyntaxError) -> [DecodedAnyValue] {
        var values: [DecodedAnyValue] = []
        var more = try scanner.openObject()
        while more {
            if try scanner.readKey().equals("values") {
                var element = try scanner.openArray()
                while element {
                    values.append(try decodeAnyValue(depth: depth))
                    element = try scanner.nextMember(closing: .closeBracket)
                }
            } else {
                try scanner.skipValue()
            }
            more = try scanner.nextMember(closing: .closeBrace)
        }
        return values
    }

    /// `{"values":[KeyValue]}`.
    private mutating func decodeKeyValueList(depth: Int) throws(JSONSyntaxError) -> [(key: String, value: DecodedAnyValue)] {
        var members: [(key: String, value: DecodedAnyValue)] = []
        var more = try scanner.openObject()
        while more {
            if try scanner.readKey().equals("values") {
                var element = try scanner.openArray()
                while element {
                    let (key, value) = try decodeKeyValue(depth: depth)
                    members.append((key, value))
                    element = try scanner.nextMember(closing: .closeBracket)
                }
            } else {
                try scanner.skipValue()
            }
            more = try scanner.nextMember(closing: .closeBrace)
        }
        return members
    }

    /// An int64 as a string or a number; one too large for Int64 is kept as a double.
    private mutating func readIntValue() throws(JSONSyntaxError) -> DecodedAnyValue {
        guard let number = try readIntegerNumber() else { return .empty }
        if let int = number.int64 { return .scalar(.int(int)) }
        return .scalar(.double(number.double))
    }

    /// A double: a number, `"NaN"`, `"Infinity"`, `"-Infinity"`, or a numeric string.
    private mutating func readDouble() throws(JSONSyntaxError) -> Double {
        switch scanner.peek() {
        case .quote:
            let text = try scanner.readStringBytes()
            let key = JSONKey(bytes: text)
            if key.equals("NaN") { return .nan }
            if key.equals("Infinity") { return .infinity }
            if key.equals("-Infinity") { return -.infinity }
            return Self.parseNumber(in: text)?.double ?? .nan
        case UInt8(ascii: "n"):
            try scanner.consumeLiteral("null")
            return 0
        default:
            return try scanner.readNumber().double
        }
    }

    /// A boolean, or the strings `"true"`/`"false"` some writers produce.
    private mutating func readBoolValue() throws(JSONSyntaxError) -> Bool {
        if scanner.peek() == .quote { return JSONKey(bytes: try scanner.readStringBytes()).equals("true") }
        if try scanner.consumeNull() { return false }
        return try scanner.readBool()
    }
}
