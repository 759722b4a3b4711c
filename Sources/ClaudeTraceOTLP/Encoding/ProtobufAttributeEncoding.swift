import ClaudeTraceCore

// `KeyValue`, `AnyValue` and `ArrayValue` (opentelemetry-proto common/v1/common.proto): the
// size pass and the write pass side by side.

/// `KeyValue`
enum KeyValueField {
    static let key: UInt32 = 1
    static let value: UInt32 = 2
}

/// `AnyValue`: a `oneof`, so whichever member is set is written, whatever its value.
enum AnyValueField {
    static let stringValue: UInt32 = 1
    static let boolValue: UInt32 = 2
    static let intValue: UInt32 = 3
    static let doubleValue: UInt32 = 4
    static let arrayValue: UInt32 = 5
}

/// `ArrayValue`
enum ArrayValueField {
    static let values: UInt32 = 1
}

/// Sizes of the scalar `AnyValue`s: each holds one field, so its size takes constant time.
enum ScalarValueSize {
    @inline(__always)
    static func string(_ value: String) -> Int { ProtobufSize.string(AnyValueField.stringValue, value) }
    /// A bool is a one-byte varint.
    static let bool = 2
    @inline(__always)
    static func int(_ value: Int64) -> Int { 1 + ProtobufSize.varint(UInt64(bitPattern: value)) }
    /// A double is a fixed64.
    static let double = 9

    /// One element of an `ArrayValue`: the `values` field holding an `AnyValue` of `length`.
    @inline(__always)
    static func element(_ length: Int) -> Int { ProtobufSize.lengthDelimited(ArrayValueField.values, length: length) }
}

extension MessageLengths {
    /// Every attribute as a repeated `KeyValue` field numbered `field`.
    @inline(__always)
    mutating func measureAttributes(_ attributes: Attributes, field: UInt32) -> Int {
        var length = 0
        for (key, value) in attributes {
            length += ProtobufSize.lengthDelimited(field, length: keyValueLength(key, anyValueLength: measureAnyValue(value)))
        }
        return length
    }

    /// An `AnyValue`'s length. Arrays reserve a slot for their `ArrayValue`.
    @inline(__always)
    mutating func measureAnyValue(_ value: AttributeValue) -> Int {
        switch value {
        case .string(let string): return ScalarValueSize.string(string)
        case .bool: return ScalarValueSize.bool
        case .int(let int): return ScalarValueSize.int(int)
        case .double: return ScalarValueSize.double
        case .stringArray(let values):
            return measureArray { values.reduce(0) { $0 + ScalarValueSize.element(ScalarValueSize.string($1)) } }
        case .boolArray(let values):
            return measureArray { values.count * ScalarValueSize.element(ScalarValueSize.bool) }
        case .intArray(let values):
            return measureArray { values.reduce(0) { $0 + ScalarValueSize.element(ScalarValueSize.int($1)) } }
        case .doubleArray(let values):
            return measureArray { values.count * ScalarValueSize.element(ScalarValueSize.double) }
        }
    }

    /// `array_value` holding an `ArrayValue` of `elements()` bytes; the `ArrayValue`'s length
    /// is recorded.
    @inline(__always)
    private mutating func measureArray(_ elements: () -> Int) -> Int {
        let slot = reserve()
        return ProtobufSize.lengthDelimited(AnyValueField.arrayValue, length: record(elements(), in: slot))
    }
}

/// `KeyValue { key, value }`: the key (left out when empty) and the `AnyValue`, always there.
@inline(__always)
func keyValueLength(_ key: String, anyValueLength: Int) -> Int {
    (key.isEmpty ? 0 : ProtobufSize.string(KeyValueField.key, key))
        + ProtobufSize.lengthDelimited(KeyValueField.value, length: anyValueLength)
}

extension ProtobufWriter {
    @inline(__always)
    mutating func writeAttributes(_ attributes: Attributes, field: UInt32, lengths: inout MessageLengths) {
        for (key, value) in attributes {
            // An array's length comes from the size pass; it is read here, once, before the
            // `KeyValue`'s own length can be known.
            let arrayLength = value.isArray ? lengths.next() : 0
            let anyValueLength = value.isArray
                ? ProtobufSize.lengthDelimited(AnyValueField.arrayValue, length: arrayLength)
                : Self.scalarLength(value)
            writeLengthDelimitedHeader(field, length: keyValueLength(key, anyValueLength: anyValueLength))
            if !key.isEmpty { writeStringField(KeyValueField.key, key) }
            writeLengthDelimitedHeader(KeyValueField.value, length: anyValueLength)
            writeAnyValueMember(value, arrayLength: arrayLength)
        }
    }

    @inline(__always)
    static func scalarLength(_ value: AttributeValue) -> Int {
        switch value {
        case .string(let string): ScalarValueSize.string(string)
        case .bool: ScalarValueSize.bool
        case .int(let int): ScalarValueSize.int(int)
        default: ScalarValueSize.double
        }
    }

    /// The one `oneof` member of an `AnyValue`, without the `AnyValue`'s own header.
    @inline(__always)
    mutating func writeAnyValueMember(_ value: AttributeValue, arrayLength: Int) {
        switch value {
        case .string(let string): writeStringField(AnyValueField.stringValue, string)
        case .bool(let bool): writeVarintField(AnyValueField.boolValue, bool ? 1 : 0)
        case .int(let int): writeVarintField(AnyValueField.intValue, UInt64(bitPattern: int))
        case .double(let double): writeFixed64Field(AnyValueField.doubleValue, double.bitPattern)
        case .stringArray(let values):
            writeLengthDelimitedHeader(AnyValueField.arrayValue, length: arrayLength)
            for element in values {
                writeLengthDelimitedHeader(ArrayValueField.values, length: ScalarValueSize.string(element))
                writeStringField(AnyValueField.stringValue, element)
            }
        case .boolArray(let values):
            writeLengthDelimitedHeader(AnyValueField.arrayValue, length: arrayLength)
            for element in values {
                writeLengthDelimitedHeader(ArrayValueField.values, length: ScalarValueSize.bool)
                writeVarintField(AnyValueField.boolValue, element ? 1 : 0)
            }
        case .intArray(let values):
            writeLengthDelimitedHeader(AnyValueField.arrayValue, length: arrayLength)
            for element in values {
                writeLengthDelimitedHeader(ArrayValueField.values, length: ScalarValueSize.int(element))
                writeVarintField(AnyValueField.intValue, UInt64(bitPattern: element))
            }
        case .doubleArray(let values):
            writeLengthDelimitedHeader(AnyValueField.arrayValue, length: arrayLength)
            for element in values {
                writeLengthDelimitedHeader(ArrayValueField.values, length: ScalarValueSize.double)
                writeFixed64Field(AnyValueField.doubleValue, element.bitPattern)
            }
        }
    }
}

extension AttributeValue {
    var isArray: Bool {
        switch self {
        case .string, .bool, .int, .double: false
        case .stringArray, .boolArray, .intArray, .doubleArray: true
        }
    }
}
