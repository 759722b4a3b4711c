// The byte-level JSON writing the OTLP encoder is built from.
//
// Why not append to the `[UInt8]` directly: a span is ~60 small writes (keys, quotes, digits),
// and each `Array.append` pays a uniqueness check, a capacity check and a `memmove` call.
// Measured on batches of 512 spans with 8 attributes and one event, ~1 KB of JSON each
// (release build, 2-core x86_64 VM, idle): appending to the array directly, 575 MB/s; staging
// the bytes in a fixed scratch block moved into the array 32 KiB at a time, 910 MB/s; and
// scanning strings eight ASCII bytes at a time, 1,010 MB/s (about a million spans a second).
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes JSON text into a caller-owned `[UInt8]`, through a scratch block of
/// ``JSONWriter/scratchSize`` bytes. Allocates nothing per field: keys are `StaticString`s,
/// numbers and hex ids are formatted in place, and strings are copied in runs between the
/// bytes that need escaping.
struct JSONWriter: ~Copyable {
    static let scratchSize = 32 * 1024

    private let scratch: UnsafeMutablePointer<UInt8>
    private var count = 0
    /// Everything flushed so far; handed back by ``finish()``.
    private var output: [UInt8]

    /// Writes after the bytes already in `output`.
    init(appendingTo output: consuming [UInt8]) {
        self.output = output
        scratch = .allocate(capacity: Self.scratchSize)
    }

    deinit { scratch.deallocate() }

    /// The output, with every byte written.
    consuming func finish() -> [UInt8] {
        flush()
        return output
    }

    @inline(__always)
    private mutating func flush() {
        guard count > 0 else { return }
        output.append(contentsOf: UnsafeBufferPointer(start: scratch, count: count))
        count = 0
    }

    @inline(__always)
    mutating func write(_ byte: UInt8) {
        if count == Self.scratchSize { flush() }
        scratch[count] = byte
        count &+= 1
    }

    /// Copies `bytes`: into the scratch block when they fit, straight to the output otherwise.
    @inline(__always)
    mutating func write(_ bytes: UnsafeBufferPointer<UInt8>) {
        let length = bytes.count
        if count &+ length > Self.scratchSize {
            flush()
            if length > Self.scratchSize / 2 {
                output.append(contentsOf: bytes)
                return
            }
        }
        if length > 0 { (scratch + count).update(from: bytes.baseAddress!, count: length) }
        count &+= length
    }

    /// A compile-time constant: a key or punctuation.
    @inline(__always)
    mutating func write(_ text: StaticString) {
        write(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// `value` in decimal.
    @inline(__always)
    mutating func writeDecimal(_ value: UInt64) {
        if value < 10 {
            write(UInt8(truncatingIfNeeded: value) &+ 0x30)
            return
        }
        if count &+ 20 > Self.scratchSize { flush() }
        // Count the digits, then fill them in from the right.
        var length = 1
        var probe = value
        while probe >= 10 {
            probe /= 10
            length &+= 1
        }
        var rest = value
        var position = count &+ length
        while position > count {
            position &-= 1
            scratch[position] = UInt8(truncatingIfNeeded: rest % 10) &+ 0x30
            rest /= 10
        }
        count &+= length
    }

    /// `value` in decimal, with a leading `-` when negative (`Int64.min` included).
    @inline(__always)
    mutating func writeDecimal(_ value: Int64) {
        if value < 0 { write(UInt8(ascii: "-")) }
        writeDecimal(value.magnitude)
    }

    /// The 16 lowercase hex digits of `value`, most significant first.
    @inline(__always)
    mutating func writeHex(_ value: UInt64) {
        if count &+ 16 > Self.scratchSize { flush() }
        var shift: UInt64 = 60
        for offset in 0..<16 {
            let nibble = UInt8(truncatingIfNeeded: (value >> shift) & 0xF)
            // 0–9 → '0'…'9' (0x30…), 10–15 → 'a'…'f' (0x61…).
            scratch[count &+ offset] = nibble < 10 ? nibble &+ 0x30 : nibble &+ 0x57
            shift &-= 4
        }
        count &+= 16
    }

    /// `value` as a JSON number, or as the protobuf JSON mapping's strings `"NaN"`,
    /// `"Infinity"` and `"-Infinity"`. Finite values use Swift's shortest round-trip form
    /// (`0.1`, `3.0`, `1e+20`, `5e-324`), which is always a valid JSON number.
    mutating func writeDouble(_ value: Double) {
        if value.isFinite {
            // At most 24 bytes: usually a small String, which does not allocate.
            var text = value.description
            text.withUTF8 { write($0) }
        } else if value.isNaN {
            write("\"NaN\"")
        } else if value < 0 {
            write("\"-Infinity\"")
        } else {
            write("\"Infinity\"")
        }
    }

    /// `string` as a quoted JSON string.
    ///
    /// Escapes `"`, `\` and every control character below U+0020 (the short forms `\b \f \n
    /// \r \t`, `\u00XX` for the rest); U+2028 and U+2029, which are valid JSON but end a line
    /// in JavaScript; and U+FEFF, which some decoders (Foundation's `JSONSerialization`) drop
    /// when it is raw at the start of a string or after an escape. Everything else, every
    /// non-ASCII scalar included, is copied as UTF-8 (Swift strings are always valid UTF-8, so
    /// the output is too).
    @inline(__always)
    mutating func writeString(_ string: String) {
        write(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { writeEscaped($0) }
        write(UInt8(ascii: "\""))
    }

    private mutating func writeEscaped(_ bytes: UnsafeBufferPointer<UInt8>) {
        var runStart = 0
        var index = 0
        let end = bytes.count
        let raw = UnsafeRawPointer(bytes.baseAddress)
        while index < end {
            // Eight plain ASCII bytes at a time (most keys and values are): a quarter of the
            // encoder's time went to this scan when it went byte by byte.
            if index &+ 8 <= end, let raw, Self.isPlainASCII(raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)) {
                index &+= 8
                continue
            }
            let byte = bytes[index]
            // Control characters, `"`, `\`, and the lead bytes of U+2028/U+2029 (0xE2) and of
            // U+FEFF (0xEF) end a run.
            guard byte < 0x20 || byte == 0x22 || byte == 0x5C || byte == 0xE2 || byte == 0xEF else {
                index &+= 1
                continue
            }
            if byte >= 0xE2 {
                // U+2028 is E2 80 A8, U+2029 is E2 80 A9 and U+FEFF is EF BB BF; any other
                // sequence with these lead bytes is copied.
                let escape: StaticString?
                if index &+ 2 < end {
                    switch (byte, bytes[index &+ 1], bytes[index &+ 2]) {
                    case (0xE2, 0x80, 0xA8): escape = "\\u2028"
                    case (0xE2, 0x80, 0xA9): escape = "\\u2029"
                    case (0xEF, 0xBB, 0xBF): escape = "\\ufeff"
                    default: escape = nil
                    }
                } else {
                    escape = nil
                }
                guard let escape else {
                    index &+= 1
                    continue
                }
                write(UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                write(escape)
                index &+= 3
                runStart = index
                continue
            }
            write(UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
            writeEscape(for: byte)
            index &+= 1
            runStart = index
        }
        write(UnsafeBufferPointer(rebasing: bytes[runStart..<end]))
    }

    /// Whether none of the eight bytes in `word` needs a closer look: all ASCII, none a control
    /// character, `"` or `\`. (The classic SWAR "has a byte less than n" and "has a zero byte"
    /// tests, exact here because no byte has its high bit set.)
    @inline(__always)
    static func isPlainASCII(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, high: UInt64 = 0x8080_8080_8080_8080
        guard word & high == 0 else { return false }
        let control = (word &- ones &* 0x20) & ~word
        let quote = word ^ (ones &* 0x22), backslash = word ^ (ones &* 0x5C)
        let hasQuote = (quote &- ones) & ~quote, hasBackslash = (backslash &- ones) & ~backslash
        return (control | hasQuote | hasBackslash) & high == 0
    }

    private mutating func writeEscape(for byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): write("\\\"")
        case UInt8(ascii: "\\"): write("\\\\")
        case 0x08: write("\\b")
        case 0x0C: write("\\f")
        case 0x0A: write("\\n")
        case 0x0D: write("\\r")
        case 0x09: write("\\t")
        default:
            write("\\u00")
            let high = byte >> 4, low = byte & 0xF
            write(high &+ 0x30)
            write(low < 10 ? low &+ 0x30 : low &+ 0x57)
        }
    }
}
