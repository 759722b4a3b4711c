/// A JSON number as written: sign, up to 19 significant digits, and a decimal exponent.
///
/// Kept in this form so integers (epoch nanoseconds, token counts) convert exactly, with no
/// trip through `Double` that would lose precision above 2⁵³.
struct JSONNumber {
    var isNegative = false
    /// The digits, without the decimal point, while they fit in 19 digits.
    var significand: UInt64 = 0
    /// The value is `significand × 10^exponent`.
    var exponent = 0
    /// More than 19 significant digits: only `double` (via the text) is exact enough.
    var isLong = false
    /// The original text, for the rare slow path.
    var text: UnsafeBufferPointer<UInt8>

    /// The value as a signed integer, when it is one and fits.
    var int64: Int64? {
        guard !isLong, let magnitude = integerMagnitude else { return nil }
        if isNegative {
            return magnitude <= UInt64(Int64.max) + 1 ? Int64(truncatingIfNeeded: 0 &- magnitude) : nil
        }
        return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
    }

    /// The value as an unsigned integer, when it is one and fits.
    var uint64: UInt64? {
        guard !isLong, !isNegative || significand == 0 else { return nil }
        return integerMagnitude
    }

    private var integerMagnitude: UInt64? {
        if exponent == 0 { return significand }
        if significand == 0 { return 0 }
        var value = significand
        if exponent > 0 {
            for _ in 0..<exponent {
                let (product, overflow) = value.multipliedReportingOverflow(by: 10)
                if overflow { return nil }
                value = product
            }
            return value
        }
        // A fraction: an integer only if the dropped digits are zeros ("12.000").
        for _ in 0..<(-exponent) {
            guard value % 10 == 0 else { return nil }
            value /= 10
        }
        return value
    }

    /// The value as a double, correctly rounded.
    var double: Double {
        // Clinger's fast path: an exact significand below 2⁵³ and a power of ten that is exact
        // in a double give a correctly rounded result with one multiplication or division.
        if !isLong, significand < 1 << 53, (-22...22).contains(exponent) {
            var value = Double(significand)
            if exponent < 0 { value /= Self.powersOfTen[-exponent] } else { value *= Self.powersOfTen[exponent] }
            return isNegative ? -value : value
        }
        return Double(String(decoding: text, as: UTF8.self)) ?? .nan
    }

    private static let powersOfTen: [Double] = (0...22).map { power in
        var value = 1.0
        for _ in 0..<power { value *= 10 }
        return value
    }
}

extension JSONScanner {
    /// Reads a number by the JSON grammar: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    mutating func readNumber() throws(JSONSyntaxError) -> JSONNumber {
        skipWhitespace()
        let start = position
        var number = JSONNumber(text: UnsafeBufferPointer(start: base + start, count: 0))
        if position < end, base[position] == UInt8(ascii: "-") {
            number.isNegative = true
            position += 1
        }
        var digits = 0
        let integerStart = position
        while position < end, let digit = digitValue(base[position]) {
            accumulate(digit, into: &number, digits: &digits)
            position += 1
        }
        let integerDigits = position - integerStart
        guard integerDigits > 0 else { throw error("expected a value") }
        if integerDigits > 1, base[integerStart] == UInt8(ascii: "0") { throw error("leading zero in a number") }
        if position < end, base[position] == UInt8(ascii: ".") {
            position += 1
            let fractionStart = position
            while position < end, let digit = digitValue(base[position]) {
                accumulate(digit, into: &number, digits: &digits)
                number.exponent -= 1
                position += 1
            }
            guard position > fractionStart else { throw error("expected digits after '.'") }
        }
        if position < end, base[position] | 0x20 == UInt8(ascii: "e") {
            position += 1
            var negativeExponent = false
            if position < end, base[position] == UInt8(ascii: "-") || base[position] == UInt8(ascii: "+") {
                negativeExponent = base[position] == UInt8(ascii: "-")
                position += 1
            }
            let exponentStart = position
            var exponent = 0
            while position < end, let digit = digitValue(base[position]) {
                if exponent < 100_000 { exponent = exponent * 10 + Int(digit) }
                position += 1
            }
            guard position > exponentStart else { throw error("expected digits in an exponent") }
            number.exponent += negativeExponent ? -exponent : exponent
        }
        number.text = UnsafeBufferPointer(start: base + start, count: position - start)
        return number
    }

    @inline(__always)
    private func digitValue(_ byte: UInt8) -> UInt8? {
        let digit = byte &- UInt8(ascii: "0")
        return digit < 10 ? digit : nil
    }

    /// Adds a digit to the significand; past 19 digits only the exponent grows (leading zeros
    /// never count, so "0.000…1" stays exact).
    @inline(__always)
    private func accumulate(_ digit: UInt8, into number: inout JSONNumber, digits: inout Int) {
        if digits < 19 {
            number.significand = number.significand &* 10 &+ UInt64(digit)
            if number.significand != 0 { digits += 1 }
        } else {
            number.exponent += 1
            if digit != 0 { number.isLong = true }
        }
    }
}
