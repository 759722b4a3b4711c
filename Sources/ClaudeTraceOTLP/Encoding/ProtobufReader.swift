/// Reads the fields of one protobuf message, in order, for the few small messages a collector
/// sends back (`ExportTraceServiceResponse`, `google.rpc.Status`).
///
/// Unknown fields are skipped by their wire type, as protobuf requires. Malformed input (a
/// varint over ten bytes, a length past the end, a group or an unknown wire type) ends the
/// reading: ``next()`` returns nil and ``isMalformed`` is set.
struct ProtobufReader {
    /// One field: its number and its value.
    enum Field {
        case varint(field: UInt32, value: UInt64)
        case fixed64(field: UInt32, value: UInt64)
        case fixed32(field: UInt32, value: UInt32)
        case lengthDelimited(field: UInt32, bytes: ArraySlice<UInt8>)
    }

    private let bytes: ArraySlice<UInt8>
    private var position: Int
    private(set) var isMalformed = false

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        position = bytes.startIndex
    }

    /// The next field; nil at the end of the message or at malformed input.
    mutating func next() -> Field? {
        guard !isMalformed, position < bytes.endIndex else { return nil }
        guard let tag = readVarint(), tag >> 3 > 0, tag >> 3 <= UInt64(UInt32.max >> 3) else { return malformed() }
        let field = UInt32(tag >> 3)
        switch ProtobufWireType(rawValue: UInt8(tag & 7)) {
        case .varint:
            guard let value = readVarint() else { return malformed() }
            return .varint(field: field, value: value)
        case .fixed64:
            guard let value = readLittleEndian(8) else { return malformed() }
            return .fixed64(field: field, value: value)
        case .fixed32:
            guard let value = readLittleEndian(4) else { return malformed() }
            return .fixed32(field: field, value: UInt32(value))
        case .lengthDelimited:
            guard let length = readVarint(), length <= UInt64(bytes.endIndex - position) else { return malformed() }
            let start = position
            position += Int(length)
            return .lengthDelimited(field: field, bytes: bytes[start..<position])
        case .startGroup, .endGroup, nil:
            // Groups are deprecated and never in OTLP messages.
            return malformed()
        }
    }

    private mutating func malformed() -> Field? {
        isMalformed = true
        return nil
    }

    private mutating func readVarint() -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while position < bytes.endIndex, shift < 64 {
            let byte = bytes[position]
            position += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
        return nil
    }

    private mutating func readLittleEndian(_ count: Int) -> UInt64? {
        guard bytes.endIndex - position >= count else { return nil }
        var value: UInt64 = 0
        for offset in 0..<count { value |= UInt64(bytes[position + offset]) << (8 * UInt64(offset)) }
        position += count
        return value
    }
}
