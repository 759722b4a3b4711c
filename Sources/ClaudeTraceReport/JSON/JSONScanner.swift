#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a line is not valid JSON (or not the JSON shape we expect), and where.
package struct JSONSyntaxError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Byte offset in the line where the problem was found.
    package let offset: Int
    package let reason: String

    package init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    package var description: String { "\(reason) at byte \(offset)" }
}

/// A strict, allocation-free cursor over one JSON text held in a mutable byte buffer.
///
/// Hand-written because `JSONSerialization` and `JSONDecoder` build a whole object tree (or
/// box every value) and run at a few tens of MB/s; the OTLP reader walks the bytes once and
/// builds `SpanData` directly. Strings are unescaped *in place* (an escape sequence is never
/// shorter than what it decodes to), so a string costs no scratch buffer: the caller's buffer
/// must therefore be writable and must not be read again as JSON afterwards.
///
/// Objects and arrays are walked with `openObject`/`openArray` and `nextMember`:
/// ```swift
/// var more = try scanner.openObject()
/// while more {
///     let key = try scanner.readKey()
///     if key.equals("traceId") { … } else { try scanner.skipValue() }
///     more = try scanner.nextMember(closing: .closeBrace)
/// }
/// ```
struct JSONScanner {
    let base: UnsafeMutablePointer<UInt8>
    let end: Int
    var position = 0

    /// Nesting allowed inside a skipped value before a line is rejected.
    static let maximumDepth = 512

    init(base: UnsafeMutablePointer<UInt8>, count: Int) {
        self.base = base
        self.end = count
    }

    // MARK: Structure

    @inline(__always)
    mutating func skipWhitespace() {
        while position < end {
            switch base[position] {
            case .space, .tab, .newline, .carriageReturn: position += 1
            default: return
            }
        }
    }

    /// The next non-whitespace byte, not consumed; nil at the end of the text.
    @inline(__always)
    mutating func peek() -> UInt8? {
        skipWhitespace()
        return position < end ? base[position] : nil
    }

    func error(_ reason: String) -> JSONSyntaxError { JSONSyntaxError(offset: position, reason: reason) }

    @inline(__always)
    mutating func expect(_ byte: UInt8, _ what: String) throws(JSONSyntaxError) {
        guard peek() == byte else { throw error("expected \(what)") }
        position += 1
    }

    /// Consumes `{` and says whether a member follows; `null` reads as an empty object.
    @inline(__always)
    mutating func openObject() throws(JSONSyntaxError) -> Bool {
        if try consumeNull() { return false }
        try expect(.openBrace, "'{'")
        if peek() == .closeBrace {
            position += 1
            return false
        }
        return true
    }

    /// Consumes `[` and says whether an element follows; `null` reads as an empty array.
    @inline(__always)
    mutating func openArray() throws(JSONSyntaxError) -> Bool {
        if try consumeNull() { return false }
        try expect(.openBracket, "'['")
        if peek() == .closeBracket {
            position += 1
            return false
        }
        return true
    }

    /// After a member or element: consumes `,` (true: another follows) or the closing byte.
    @inline(__always)
    mutating func nextMember(closing: UInt8) throws(JSONSyntaxError) -> Bool {
        switch peek() {
        case .comma:
            position += 1
            return true
        case closing:
            position += 1
            return false
        default:
            throw error(closing == .closeBrace ? "expected ',' or '}'" : "expected ',' or ']'")
        }
    }

    /// Reads a member's key and the `:` after it.
    @inline(__always)
    mutating func readKey() throws(JSONSyntaxError) -> JSONKey {
        let bytes = try readStringBytes()
        try expect(.colon, "':'")
        return JSONKey(bytes: bytes)
    }

    /// Consumes a `null` literal if one comes next.
    @inline(__always)
    mutating func consumeNull() throws(JSONSyntaxError) -> Bool {
        guard peek() == UInt8(ascii: "n") else { return false }
        try consumeLiteral("null")
        return true
    }

    mutating func consumeLiteral(_ literal: StaticString) throws(JSONSyntaxError) {
        let count = literal.utf8CodeUnitCount
        guard end - position >= count, memcmp(base + position, literal.utf8Start, count) == 0 else {
            throw error("invalid literal")
        }
        position += count
    }

    /// Reads `true` or `false`.
    mutating func readBool() throws(JSONSyntaxError) -> Bool {
        switch peek() {
        case UInt8(ascii: "t"):
            try consumeLiteral("true")
            return true
        case UInt8(ascii: "f"):
            try consumeLiteral("false")
            return false
        default:
            throw error("expected a boolean")
        }
    }

    // MARK: Strings

    /// Reads a string and returns its unescaped UTF-8 bytes (a view into the buffer, valid
    /// until the buffer changes). Invalid UTF-8 is left for `String(decoding:)` to repair.
    mutating func readStringBytes() throws(JSONSyntaxError) -> UnsafeBufferPointer<UInt8> {
        try expect(.quote, "a string")
        let start = position
        // Fast path: most strings have no escapes, so the bytes are used where they lie.
        while position < end {
            let byte = base[position]
            if byte == .quote {
                position += 1
                return UnsafeBufferPointer(start: base + start, count: position - 1 - start)
            }
            if byte == .backslash { break }
            if byte < 0x20 { throw error("control character in a string") }
            position += 1
        }
        guard position < end else { throw error("unterminated string") }
        var write = position
        while position < end {
            let byte = base[position]
            if byte == .quote {
                position += 1
                return UnsafeBufferPointer(start: base + start, count: write - start)
            }
            if byte < 0x20 { throw error("control character in a string") }
            if byte != .backslash {
                base[write] = byte
                write += 1
                position += 1
                continue
            }
            guard position + 1 < end else { throw error("unterminated escape") }
            let escaped = base[position + 1]
            position += 2
            let simple: UInt8
            switch escaped {
            case .quote, .backslash, .slash: simple = escaped
            case UInt8(ascii: "b"): simple = 0x08
            case UInt8(ascii: "f"): simple = 0x0C
            case UInt8(ascii: "n"): simple = 0x0A
            case UInt8(ascii: "r"): simple = 0x0D
            case UInt8(ascii: "t"): simple = 0x09
            case UInt8(ascii: "u"):
                let scalar = try readUnicodeEscape()
                write = encodeUTF8(scalar, at: write)
                continue
            default:
                throw error("invalid escape")
            }
            base[write] = simple
            write += 1
        }
        throw error("unterminated string")
    }

    /// Reads a string as a Swift `String`.
    @inline(__always)
    mutating func readString() throws(JSONSyntaxError) -> String {
        String(decoding: try readStringBytes(), as: UTF8.self)
    }

    /// After `\u`: four hex digits, joined with a following `\uDC00`–`\uDFFF` when they are a
    /// high surrogate. A lone surrogate becomes U+FFFD, as `JSON.parse` in browsers would.
    private mutating func readUnicodeEscape() throws(JSONSyntaxError) -> UInt32 {
        let first = try readHex4()
        switch first {
        case 0xD800...0xDBFF:
            if end - position >= 6, base[position] == .backslash, base[position + 1] == UInt8(ascii: "u") {
                let saved = position
                position += 2
                let second = try readHex4()
                if (0xDC00...0xDFFF).contains(second) {
                    return 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
                }
                position = saved
            }
            return 0xFFFD
        case 0xDC00...0xDFFF:
            return 0xFFFD
        default:
            return first
        }
    }

    private mutating func readHex4() throws(JSONSyntaxError) -> UInt32 {
        guard end - position >= 4 else { throw error("short \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = base[position]
            let nibble: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = byte - UInt8(ascii: "A") + 10
            default: throw error("invalid \\u escape")
            }
            value = value << 4 | UInt32(nibble)
            position += 1
        }
        return value
    }

    /// Writes `scalar` as UTF-8 at `index` (always behind the read position: `\uXXXX` is six
    /// bytes and decodes to at most three; a surrogate pair is twelve and decodes to four).
    private func encodeUTF8(_ scalar: UInt32, at index: Int) -> Int {
        switch scalar {
        case 0..<0x80:
            base[index] = UInt8(scalar)
            return index + 1
        case 0x80..<0x800:
            base[index] = UInt8(0xC0 | scalar >> 6)
            base[index + 1] = UInt8(0x80 | scalar & 0x3F)
            return index + 2
        case 0x800..<0x10000:
            base[index] = UInt8(0xE0 | scalar >> 12)
            base[index + 1] = UInt8(0x80 | (scalar >> 6) & 0x3F)
            base[index + 2] = UInt8(0x80 | scalar & 0x3F)
            return index + 3
        default:
            base[index] = UInt8(0xF0 | scalar >> 18)
            base[index + 1] = UInt8(0x80 | (scalar >> 12) & 0x3F)
            base[index + 2] = UInt8(0x80 | (scalar >> 6) & 0x3F)
            base[index + 3] = UInt8(0x80 | scalar & 0x3F)
            return index + 4
        }
    }

    // MARK: Skipping

    /// Skips any value, checking that it is valid JSON. Iterative (a stack of the open
    /// containers' closing bytes), so hostile nesting cannot overflow the thread's stack.
    mutating func skipValue() throws(JSONSyntaxError) {
        var closers: [UInt8] = []
        while true {
            // One value: a scalar, or the opening of a container.
            switch peek() {
            case .quote:
                _ = try readStringBytes()
            case .openBrace:
                if try openObject() {
                    guard closers.count < Self.maximumDepth else { throw error("nested too deeply") }
                    closers.append(.closeBrace)
                    _ = try readKey()
                    continue
                }
            case .openBracket:
                if try openArray() {
                    guard closers.count < Self.maximumDepth else { throw error("nested too deeply") }
                    closers.append(.closeBracket)
                    continue
                }
            case UInt8(ascii: "t"), UInt8(ascii: "f"):
                _ = try readBool()
            case UInt8(ascii: "n"):
                try consumeLiteral("null")
            case .some:
                _ = try readNumber()
            case nil:
                throw error("expected a value")
            }
            // After a value: the next member or element, or close containers until one has more.
            while let closer = closers.last {
                if try nextMember(closing: closer) {
                    if closer == .closeBrace { _ = try readKey() }
                    break
                }
                closers.removeLast()
            }
            if closers.isEmpty { return }
        }
    }

    /// Checks that nothing but whitespace follows the value just read.
    mutating func expectEnd() throws(JSONSyntaxError) {
        if peek() != nil { throw error("unexpected bytes after the value") }
    }
}

/// An object key: a view into the scanner's buffer, compared without making a `String`.
struct JSONKey {
    let bytes: UnsafeBufferPointer<UInt8>

    @inline(__always)
    func equals(_ literal: StaticString) -> Bool {
        bytes.count == literal.utf8CodeUnitCount
            && memcmp(bytes.baseAddress!, literal.utf8Start, bytes.count) == 0
    }
}

extension UInt8 {
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let newline = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")
    static let quote = UInt8(ascii: "\"")
    static let backslash = UInt8(ascii: "\\")
    static let slash = UInt8(ascii: "/")
    static let colon = UInt8(ascii: ":")
    static let comma = UInt8(ascii: ",")
    static let openBrace = UInt8(ascii: "{")
    static let closeBrace = UInt8(ascii: "}")
    static let openBracket = UInt8(ascii: "[")
    static let closeBracket = UInt8(ascii: "]")
}
