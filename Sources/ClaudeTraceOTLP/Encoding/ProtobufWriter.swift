// The protobuf wire format, as much of it as OTLP's trace messages use.
// https://protobuf.dev/programming-guides/encoding/
//
// A field is a tag (`field_number << 3 | wire_type`, as a varint) and a value: a varint
// (int64, uint32, bool, enum), 8 little-endian bytes (fixed64, double), 4 (fixed32), or a
// varint length followed by that many bytes (string, bytes, nested message).

/// How a field's value is laid out after its tag.
enum ProtobufWireType: UInt8 {
    case varint = 0
    case fixed64 = 1
    case lengthDelimited = 2
    case startGroup = 3
    case endGroup = 4
    case fixed32 = 5
}

/// Byte counts of the wire format, for the size pass that runs before anything is written.
enum ProtobufSize {
    /// Bytes in the varint encoding of `value`: 1 for 0…127, up to 10 for the top bit set
    /// (every negative int64).
    @inline(__always)
    static func varint(_ value: UInt64) -> Int {
        // 7 payload bits per byte; `| 1` makes zero take one byte.
        (70 - (value | 1).leadingZeroBitCount) / 7
    }

    @inline(__always)
    static func varint(_ value: Int) -> Int { varint(UInt64(truncatingIfNeeded: value)) }

    /// Bytes of a field's tag.
    @inline(__always)
    static func tag(_ field: UInt32) -> Int { varint(UInt64(field) << 3) }

    /// A length-delimited field: its tag, the varint length, and `length` bytes.
    @inline(__always)
    static func lengthDelimited(_ field: UInt32, length: Int) -> Int {
        tag(field) + varint(length) + length
    }

    /// A string field holding `string` (empty strings included: callers omit them).
    @inline(__always)
    static func string(_ field: UInt32, _ string: String) -> Int {
        lengthDelimited(field, length: string.utf8.count)
    }
}

/// Writes the wire format into memory sized beforehand, front to back.
///
/// Every write checks that it stays inside that memory (a size pass that disagreed with the
/// write pass must not write past it); the check is one comparison, and the encoder verifies
/// at the end that the memory was filled exactly.
struct ProtobufWriter {
    private var cursor: UnsafeMutablePointer<UInt8>
    private let end: UnsafeMutablePointer<UInt8>

    /// Writes into `memory`, from its start.
    init(into memory: UnsafeMutableBufferPointer<UInt8>) {
        cursor = memory.baseAddress!
        end = cursor + memory.count
    }

    /// Whether exactly the whole memory has been written.
    var isAtEnd: Bool { cursor == end }

    @inline(__always)
    private func ensure(_ count: Int) {
        precondition(end - cursor >= count, "protobuf size pass and write pass disagree")
    }

    @inline(__always)
    mutating func writeVarint(_ value: UInt64) {
        if value < 0x80 {
            ensure(1)
            cursor.pointee = UInt8(truncatingIfNeeded: value)
            cursor += 1
            return
        }
        ensure(ProtobufSize.varint(value))
        var value = value
        while value >= 0x80 {
            cursor.pointee = UInt8(truncatingIfNeeded: value) | 0x80
            cursor += 1
            value >>= 7
        }
        cursor.pointee = UInt8(truncatingIfNeeded: value)
        cursor += 1
    }

    @inline(__always)
    mutating func writeTag(_ field: UInt32, _ wireType: ProtobufWireType) {
        writeVarint(UInt64(field) << 3 | UInt64(wireType.rawValue))
    }

    /// A varint field. Zero is written too: callers leave out default values themselves,
    /// because a set `oneof` member (`int_value: 0`) must be written.
    @inline(__always)
    mutating func writeVarintField(_ field: UInt32, _ value: UInt64) {
        writeTag(field, .varint)
        writeVarint(value)
    }

    /// A fixed64 (or double) field: eight bytes, little-endian.
    @inline(__always)
    mutating func writeFixed64Field(_ field: UInt32, _ value: UInt64) {
        writeTag(field, .fixed64)
        ensure(8)
        UnsafeMutableRawPointer(cursor).storeBytes(of: value.littleEndian, as: UInt64.self)
        cursor += 8
    }

    /// A fixed32 field: four bytes, little-endian.
    @inline(__always)
    mutating func writeFixed32Field(_ field: UInt32, _ value: UInt32) {
        writeTag(field, .fixed32)
        ensure(4)
        UnsafeMutableRawPointer(cursor).storeBytes(of: value.littleEndian, as: UInt32.self)
        cursor += 4
    }

    /// The tag and length of a length-delimited field whose `length` bytes come next.
    @inline(__always)
    mutating func writeLengthDelimitedHeader(_ field: UInt32, length: Int) {
        writeTag(field, .lengthDelimited)
        writeVarint(UInt64(length))
    }

    /// A string field: its UTF-8 bytes, copied as they are.
    @inline(__always)
    mutating func writeStringField(_ field: UInt32, _ string: String) {
        writeLengthDelimitedHeader(field, length: string.utf8.count)
        writeUTF8(string)
    }

    /// The UTF-8 bytes of `string`, with no tag or length.
    @inline(__always)
    mutating func writeUTF8(_ string: String) {
        let copied: Void? = string.utf8.withContiguousStorageIfAvailable { bytes in
            guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
            ensure(bytes.count)
            cursor.update(from: base, count: bytes.count)
            cursor += bytes.count
        }
        if copied == nil {
            ensure(string.utf8.count)
            for byte in string.utf8 {
                cursor.pointee = byte
                cursor += 1
            }
        }
    }

    /// One byte, with no tag.
    @inline(__always)
    mutating func writeByte(_ byte: UInt8) {
        ensure(1)
        cursor.pointee = byte
        cursor += 1
    }

    /// A bytes field holding `values`' bytes, each big-endian: trace ids (two) and span ids
    /// (one) are their bytes in network order.
    @inline(__always)
    mutating func writeBigEndianBytesField(_ field: UInt32, _ first: UInt64, _ second: UInt64? = nil) {
        let length = second == nil ? 8 : 16
        writeLengthDelimitedHeader(field, length: length)
        ensure(length)
        UnsafeMutableRawPointer(cursor).storeBytes(of: first.bigEndian, as: UInt64.self)
        if let second {
            UnsafeMutableRawPointer(cursor + 8).storeBytes(of: second.bigEndian, as: UInt64.self)
        }
        cursor += length
    }
}
