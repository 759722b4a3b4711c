/// An attribute value: a string, bool, 64-bit integer or double, or a homogeneous array of one
/// of those. Literals work directly: `span.attributes["retries"] = 2`.
public enum AttributeValue: Hashable, Sendable, CustomStringConvertible {
    /// A string.
    case string(String)
    /// A boolean.
    case bool(Bool)
    /// A 64-bit integer; `.int(i)` also takes an `Int`.
    case int(Int64)
    /// A double.
    case double(Double)
    /// An array of strings.
    case stringArray([String])
    /// An array of booleans.
    case boolArray([Bool])
    /// An array of 64-bit integers.
    case intArray([Int64])
    /// An array of doubles.
    case doubleArray([Double])

    /// An integer attribute from an `Int`, so that `.int(count)` needs no conversion.
    public static func int(_ value: Int) -> AttributeValue { .int(Int64(value)) }

    /// The value as text: a string as is, an array as Swift prints it.
    public var description: String {
        switch self {
        case .string(let value): value
        case .bool(let value): String(value)
        case .int(let value): String(value)
        case .double(let value): String(value)
        case .stringArray(let value): value.description
        case .boolArray(let value): value.description
        case .intArray(let value): value.description
        case .doubleArray(let value): value.description
        }
    }

    /// The string, if the value is a `.string`.
    public var stringValue: String? { if case .string(let value) = self { value } else { nil } }
    /// The boolean, if the value is a `.bool`.
    public var boolValue: Bool? { if case .bool(let value) = self { value } else { nil } }
    /// The integer, if the value is an `.int`.
    public var intValue: Int64? { if case .int(let value) = self { value } else { nil } }
    /// The value as a double: a `.double`, or an `.int` widened.
    public var doubleValue: Double? {
        switch self {
        case .double(let value): value
        case .int(let value): Double(value)
        default: nil
        }
    }

    /// The value with every string cut to `limit` characters (`nil`: no limit). Strings are
    /// cut on `Character` boundaries, so no grapheme or UTF-8 sequence is split.
    func truncated(to limit: Int?) -> AttributeValue {
        guard let limit else { return self }
        switch self {
        case .string(let value) where value.utf8.count > limit:
            return .string(value.truncated(toCharacters: limit))
        case .stringArray(let values) where values.contains(where: { $0.utf8.count > limit }):
            return .stringArray(values.map { $0.truncated(toCharacters: limit) })
        default:
            return self
        }
    }
}

extension String {
    /// At most `limit` characters (checked cheaply: a string of no more than `limit` UTF-8 bytes
    /// has no more than `limit` characters).
    func truncated(toCharacters limit: Int) -> String {
        guard utf8.count > limit, count > limit else { return self }
        return String(prefix(limit))
    }
}

extension AttributeValue: ExpressibleByStringLiteral, ExpressibleByStringInterpolation {
    /// A `.string` from a string literal (interpolation included).
    public init(stringLiteral value: String) { self = .string(value) }
}

extension AttributeValue: ExpressibleByIntegerLiteral {
    /// An `.int` from an integer literal.
    public init(integerLiteral value: Int64) { self = .int(value) }
}

extension AttributeValue: ExpressibleByFloatLiteral {
    /// A `.double` from a floating-point literal.
    public init(floatLiteral value: Double) { self = .double(value) }
}

extension AttributeValue: ExpressibleByBooleanLiteral {
    /// A `.bool` from `true` or `false`.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension AttributeValue: ExpressibleByArrayLiteral {
    /// An array literal of strings: `["stop", "length"]`. Use `.intArray`, `.doubleArray` or
    /// `.boolArray` for the others.
    public init(arrayLiteral elements: String...) { self = .stringArray(elements) }
}
