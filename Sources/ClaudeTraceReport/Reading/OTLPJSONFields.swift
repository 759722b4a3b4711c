import ClaudeTrace

/// Readers for OTLP-JSON's scalar fields, each accepting the forms real files use.
extension OTLPLineDecoder {
    /// A string, or `null` as `""`.
    mutating func readOptionalString() throws(JSONSyntaxError) -> String {
        if try scanner.consumeNull() { return "" }
        return try scanner.readString()
    }

    /// A 64-bit integer as OTLP writes it (a decimal string) or as a JSON number; the parsed
    /// number is exact (no trip through `Double`).
    mutating func readIntegerNumber() throws(JSONSyntaxError) -> JSONNumber? {
        switch scanner.peek() {
        case .quote:
            let text = try scanner.readStringBytes()
            return Self.parseNumber(in: text)
        case UInt8(ascii: "n"):
            try scanner.consumeLiteral("null")
            return nil
        default:
            return try scanner.readNumber()
        }
    }

    /// An unsigned count or timestamp; `null` or an unreadable string reads as 0, a negative
    /// or fractional value is clamped.
    mutating func readUnsigned() throws(JSONSyntaxError) -> UInt64 {
        guard let number = try readIntegerNumber() else { return 0 }
        if let value = number.uint64 { return value }
        let double = number.double
        return double.isNaN || double <= 0 ? 0 : UInt64(exactly: double.rounded(.down)) ?? UInt64.max
    }

    /// An enum: its number, or its proto name (an index in `names`); unknown names read as 0.
    mutating func readEnum(names: [StaticString]) throws(JSONSyntaxError) -> Int {
        if scanner.peek() == .quote {
            let text = try scanner.readStringBytes()
            if let index = names.firstIndex(where: { name in JSONKey(bytes: text).equals(name) }) { return index }
            return Self.parseNumber(in: text)?.int64.map { Int(clamping: $0) } ?? 0
        }
        if try scanner.consumeNull() { return 0 }
        return try scanner.readNumber().int64.map { Int(clamping: $0) } ?? 0
    }

    /// A trace id: 32 hex digits (either case) or base64 of 16 bytes; anything else is the
    /// invalid id, as OTLP says an empty id is.
    mutating func readTraceID() throws(JSONSyntaxError) -> TraceID {
        if try scanner.consumeNull() { return .invalid }
        let text = try scanner.readStringBytes()
        if text.count == 32, let high = Self.parseHex(text, from: 0, count: 16),
           let low = Self.parseHex(text, from: 16, count: 16) {
            return TraceID(high: high, low: low)
        }
        if (22...24).contains(text.count), let bytes = Base64.decode(text), bytes.count == 16 {
            return TraceID(high: Self.bigEndian(bytes[0..<8]), low: Self.bigEndian(bytes[8..<16]))
        }
        return .invalid
    }

    /// A span id: 16 hex digits (either case) or base64 of 8 bytes; else the invalid id.
    mutating func readSpanID() throws(JSONSyntaxError) -> SpanID {
        if try scanner.consumeNull() { return .invalid }
        let text = try scanner.readStringBytes()
        if text.count == 16, let value = Self.parseHex(text, from: 0, count: 16) { return SpanID(value) }
        if (11...12).contains(text.count), let bytes = Base64.decode(text), bytes.count == 8 {
            return SpanID(Self.bigEndian(bytes[0..<8]))
        }
        return .invalid
    }

    static func parseNumber(in text: UnsafeBufferPointer<UInt8>) -> JSONNumber? {
        guard let base = text.baseAddress, !text.isEmpty else { return nil }
        var scanner = JSONScanner(base: UnsafeMutablePointer(mutating: base), count: text.count)
        guard let number = try? scanner.readNumber(), (try? scanner.expectEnd()) != nil else { return nil }
        return number
    }

    @inline(__always)
    static func parseHex(_ text: UnsafeBufferPointer<UInt8>, from start: Int, count: Int) -> UInt64? {
        var value: UInt64 = 0
        for index in start..<(start + count) {
            let byte = text[index]
            let nibble: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = byte &- UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = byte &- UInt8(ascii: "a") &+ 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = byte &- UInt8(ascii: "A") &+ 10
            default: return nil
            }
            value = value << 4 | UInt64(nibble)
        }
        return value
    }

    static func bigEndian(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        bytes.reduce(0) { $0 << 8 | UInt64($1) }
    }
}
