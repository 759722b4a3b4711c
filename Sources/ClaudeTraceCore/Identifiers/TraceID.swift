/// A 128-bit trace identifier. All-zero is invalid.
public struct TraceID: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Bytes 0–7, big-endian.
    public let high: UInt64
    /// Bytes 8–15, big-endian. Samplers read their randomness from here.
    public let low: UInt64

    /// The id whose big-endian bytes are `high` then `low`.
    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// The invalid, all-zero id.
    public static let invalid = TraceID(high: 0, low: 0)

    /// Whether it is not all-zero.
    public var isValid: Bool { high != 0 || low != 0 }

    /// 32 lowercase hex characters.
    public var hexString: String { HexCoding.string(high) + HexCoding.string(low) }
    /// The 32 hex characters.
    public var description: String { hexString }

    /// The 16 bytes, big-endian.
    public var bytes: [UInt8] { HexCoding.bytes(high) + HexCoding.bytes(low) }

    /// Parses exactly 32 hex characters. Lowercase only unless `allowUppercase` is set
    /// (W3C `traceparent` demands lowercase; OTLP-JSON readers accept either case).
    public init?<S: StringProtocol>(hexString: S, allowUppercase: Bool = false) {
        let utf8 = Array(hexString.utf8)
        guard utf8.count == 32,
              let high = HexCoding.parse(utf8[0..<16], allowUppercase: allowUppercase),
              let low = HexCoding.parse(utf8[16..<32], allowUppercase: allowUppercase)
        else { return nil }
        self.init(high: high, low: low)
    }

    /// Orders by the id's bytes.
    public static func < (a: TraceID, b: TraceID) -> Bool { (a.high, a.low) < (b.high, b.low) }
}

/// A 64-bit span identifier. Zero is invalid.
public struct SpanID: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The 8 bytes as a big-endian integer.
    public let value: UInt64

    /// The id whose big-endian bytes are `value`.
    public init(_ value: UInt64) { self.value = value }

    /// The invalid, all-zero id.
    public static let invalid = SpanID(0)

    /// Whether it is not zero.
    public var isValid: Bool { value != 0 }

    /// 16 lowercase hex characters.
    public var hexString: String { HexCoding.string(value) }
    /// The 16 hex characters.
    public var description: String { hexString }

    /// The 8 bytes, big-endian.
    public var bytes: [UInt8] { HexCoding.bytes(value) }

    /// Parses exactly 16 hex characters (lowercase only unless `allowUppercase`).
    public init?<S: StringProtocol>(hexString: S, allowUppercase: Bool = false) {
        let utf8 = Array(hexString.utf8)
        guard utf8.count == 16, let value = HexCoding.parse(utf8[...], allowUppercase: allowUppercase)
        else { return nil }
        self.init(value)
    }

    /// Orders by the id's value.
    public static func < (a: SpanID, b: SpanID) -> Bool { a.value < b.value }
}

/// Hex conversion shared by ids, `traceparent` and the environment's percent-decoding.
enum HexCoding {
    static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// The 16 lowercase hex digits of `value`.
    static func string(_ value: UInt64) -> String {
        String(unsafeUninitializedCapacity: 16) { out in
            var shift = 60
            for index in 0..<16 {
                out[index] = digits[Int((value >> UInt64(shift)) & 0xF)]
                shift -= 4
            }
            return 16
        }
    }

    static func bytes(_ value: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> UInt64(56 - 8 * $0)) }
    }

    /// Parses up to 16 hex digits; nil on any non-hex byte (or uppercase when not allowed).
    static func parse(_ digits: ArraySlice<UInt8>, allowUppercase: Bool = false) -> UInt64? {
        guard !digits.isEmpty, digits.count <= 16 else { return nil }
        var value: UInt64 = 0
        for byte in digits {
            let nibble: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F") where allowUppercase: nibble = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt64(nibble)
        }
        return value
    }
}
