/// Builds one JSON object on one line: strings escaped per RFC 8259, non-finite numbers as
/// `null`.
package struct JSONLineWriter {
    private var text = "{"
    private var first = true

    init() { text.reserveCapacity(512) }

    private mutating func key(_ name: String) {
        if !first { text += "," }
        first = false
        Self.appendQuoted(name, to: &text)
        text += ":"
    }

    mutating func field(_ name: String, string value: String?) {
        key(name)
        if let value { Self.appendQuoted(value, to: &text) } else { text += "null" }
    }

    mutating func field(_ name: String, integer value: Int64?) {
        key(name)
        text += value.map { String($0) } ?? "null"
    }

    mutating func field(_ name: String, number value: Double?) {
        key(name)
        guard let value, value.isFinite else {
            text += "null"
            return
        }
        // Fixed notation with up to 9 decimals: exact for nanodollars and for milliseconds
        // to the nanosecond, and never an exponent some log tools mis-read.
        text += formatFixed(value, decimals: 9)
    }

    mutating func field(_ name: String, bool value: Bool) {
        key(name)
        text += value ? "true" : "false"
    }

    mutating func finish() -> String {
        text += "}"
        return text
    }

    /// `value` as a JSON string literal. The report reader quotes with it too (`package`).
    package static func appendQuoted(_ value: String, to text: inout String) {
        text += "\""
        var needsEscaping = false
        for byte in value.utf8 where byte < 0x20 || byte == 0x22 || byte == 0x5C {
            needsEscaping = true
            break
        }
        guard needsEscaping else {
            text += value
            text += "\""
            return
        }
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case let control where control.value < 0x20:
                let hex = String(control.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }
}
