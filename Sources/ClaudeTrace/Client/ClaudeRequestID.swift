import ClaudeTraceCore

/// The client's id for a logical call (`claude.request_id`): a random version-4 UUID in
/// lowercase, e.g. `3f2b8c1e-9a4d-4e6f-b1c2-7d8e9f0a1b2c`.
///
/// Foundation's `UUID()` reads the system's random source on every call (a syscall on Linux,
/// about 2 µs: a tenth of the per-call budget); Core's lock-free generator, seeded once from
/// that source, makes the same 122 random bits for the cost of two atomic adds.
enum ClaudeRequestID {
    private static let generator = RandomIDGenerator()
    private static let hexDigits = Array("0123456789abcdef".utf8)

    static func make() -> String {
        var hex = Array(generator.makeTraceID().hexString.utf8)
        hex[12] = UInt8(ascii: "4")
        let variant = Int(hex[16] >= UInt8(ascii: "a") ? hex[16] - UInt8(ascii: "a") + 10 : hex[16] - UInt8(ascii: "0"))
        hex[16] = hexDigits[(variant & 0x3) | 0x8]
        var text = [UInt8]()
        text.reserveCapacity(36)
        for (index, digit) in hex.enumerated() {
            if index == 8 || index == 12 || index == 16 || index == 20 { text.append(UInt8(ascii: "-")) }
            text.append(digit)
        }
        return String(decoding: text, as: UTF8.self)
    }
}
