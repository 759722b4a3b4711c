import ClaudeTrace

/// The window of span start times a report covers: `since` inclusive, `until` exclusive
/// (the CLI's `--since` and `--until`).
///
/// Instants are written as ISO 8601 or Unix seconds:
/// - `2026-11-10`: midnight UTC starting that day (so `--since 2026-11-10 --until 2026-11-11`
///   is exactly that UTC day);
/// - `2026-11-10T13:07`, `2026-11-10T13:07:42`, `2026-11-10T13:07:42.125`, with `Z`, `+02:00`
///   or `-0530` after it, or nothing (read as UTC); a space may replace the `T`;
/// - `1794316800` or `1794316800.5`: Unix seconds (digits alone are always Unix seconds).
public struct ReportTimeRange: Hashable, Sendable, Codable {
    /// Unix epoch nanoseconds; spans that start earlier are left out.
    public var since: UInt64?
    /// Unix epoch nanoseconds; spans that start at or after it are left out.
    public var until: UInt64?

    /// A window between two instants in Unix epoch nanoseconds; nil leaves that side open.
    public init(since: UInt64? = nil, until: UInt64? = nil) {
        self.since = since
        self.until = until
    }

    /// Parses the CLI's `--since` and `--until` values (either may be nil).
    public init(since: String?, until: String?) throws(ReportTimeRangeError) {
        func parse(_ text: String?, _ option: String) throws(ReportTimeRangeError) -> UInt64? {
            guard let text else { return nil }
            guard let instant = Self.parseInstant(text) else { throw .invalidInstant(option: option, value: text) }
            return instant
        }
        self.init(since: try parse(since, "since"), until: try parse(until, "until"))
        if let since = self.since, let until = self.until, until <= since {
            throw .emptyRange(since: Self.format(since), until: Self.format(until))
        }
    }

    /// Whether a span that started at `startTimeNanoseconds` is in the window.
    @inline(__always)
    public func contains(_ startTimeNanoseconds: UInt64) -> Bool {
        if let since, startTimeNanoseconds < since { return false }
        if let until, startTimeNanoseconds >= until { return false }
        return true
    }

    /// Whether the range lets everything through.
    public var isUnbounded: Bool { since == nil && until == nil }

    /// An instant as Unix epoch nanoseconds, from ISO 8601 or Unix seconds (see the type's
    /// documentation); nil when `text` is neither, or is before 1970.
    package static func parseInstant(_ text: String) -> UInt64? {
        var scanner = InstantScanner(Array(text.utf8))
        scanner.skipSpaces()
        let result = scanner.isUnixSeconds ? scanner.unixSeconds() : scanner.isoInstant()
        scanner.skipSpaces()
        guard let result, scanner.isAtEnd, result >= 0 else { return nil }
        return UInt64(result)
    }

    /// `2026-11-10T13:07:42.123Z`.
    package static func format(_ nanoseconds: UInt64) -> String { UTCTime.timestamp(nanoseconds) }
}

/// A `--since`/`--until` value that could not be used.
public enum ReportTimeRangeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The value of `--option` is neither ISO 8601 nor Unix seconds.
    case invalidInstant(option: String, value: String)
    /// `--until` is not after `--since`, so no span could match.
    case emptyRange(since: String, until: String)

    /// The problem and what the option expects.
    public var description: String {
        switch self {
        case .invalidInstant(let option, let value):
            "--\(option) \(value): expected an ISO 8601 date or time (2026-11-10, 2026-11-10T13:07:42Z) or Unix seconds"
        case .emptyRange(let since, let until):
            "--until \(until) is not after --since \(since): nothing could match"
        }
    }
}

/// A cursor over an instant's text.
private struct InstantScanner {
    static let nanosecondsPerSecond: Int64 = 1_000_000_000
    static let secondsPerDay: Int64 = 86_400

    let bytes: [UInt8]
    var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { position == bytes.count }

    var isUnixSeconds: Bool {
        let rest = bytes[position...].prefix { $0 != UInt8(ascii: " ") }
        return !rest.isEmpty && rest.allSatisfy { isDigit($0) || $0 == UInt8(ascii: ".") }
            && rest.contains(where: isDigit)
    }

    mutating func skipSpaces() {
        while position < bytes.count, bytes[position] == UInt8(ascii: " ") { position += 1 }
    }

    func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

    mutating func consume(_ character: Character) -> Bool {
        guard position < bytes.count, bytes[position] == character.asciiValue else { return false }
        position += 1
        return true
    }

    /// Exactly `count` digits.
    mutating func digits(_ count: Int) -> Int64? {
        guard bytes.count - position >= count else { return nil }
        var value: Int64 = 0
        for _ in 0..<count {
            guard isDigit(bytes[position]) else { return nil }
            value = value * 10 + Int64(bytes[position] - UInt8(ascii: "0"))
            position += 1
        }
        return value
    }

    /// Nanoseconds from a `.fraction` (up to nine digits count; more are read and dropped).
    mutating func fraction() -> Int64? {
        guard consume(".") else { return 0 }
        var value: Int64 = 0
        var scale: Int64 = 100_000_000
        let start = position
        while position < bytes.count, isDigit(bytes[position]) {
            value += Int64(bytes[position] - UInt8(ascii: "0")) * scale
            scale /= 10
            position += 1
        }
        return position > start ? value : nil
    }

    mutating func unixSeconds() -> Int64? {
        var seconds: Int64 = 0
        while position < bytes.count, isDigit(bytes[position]) {
            let (shifted, overflow) = seconds.multipliedReportingOverflow(by: 10)
            guard !overflow, shifted < Int64.max / Self.nanosecondsPerSecond else { return nil }
            seconds = shifted + Int64(bytes[position] - UInt8(ascii: "0"))
            position += 1
        }
        guard let nanoseconds = fraction() else { return nil }
        return seconds * Self.nanosecondsPerSecond + nanoseconds
    }

    mutating func isoInstant() -> Int64? {
        guard let year = digits(4), consume("-"), let month = digits(2), consume("-"), let day = digits(2),
              (1...12).contains(month), (1...UTCTime.daysInMonth(year: year, month: month)).contains(day)
        else { return nil }
        var seconds = UTCTime.days(year: year, month: month, day: day) * Self.secondsPerDay
        var nanoseconds: Int64 = 0
        if consume("T") || consume("t") || (consume(" ") && position < bytes.count && isDigit(bytes[position])) {
            guard let hour = digits(2), consume(":"), let minute = digits(2), hour < 24, minute < 60 else { return nil }
            seconds += hour * 3600 + minute * 60
            if consume(":") {
                guard let second = digits(2), second < 61, let fraction = fraction() else { return nil }
                seconds += min(second, 59)
                nanoseconds = fraction
            }
            guard let offset = zoneOffset() else { return nil }
            seconds -= offset
        }
        return seconds * Self.nanosecondsPerSecond + nanoseconds
    }

    /// Seconds east of UTC: `Z`, `+HH:MM`, `+HHMM`, `+HH`, or nothing (UTC).
    mutating func zoneOffset() -> Int64? {
        if consume("Z") || consume("z") { return 0 }
        let sign: Int64
        if consume("+") { sign = 1 } else if consume("-") { sign = -1 } else { return 0 }
        guard let hours = digits(2), hours < 24 else { return nil }
        var minutes: Int64 = 0
        if consume(":") {
            guard let value = digits(2) else { return nil }
            minutes = value
        } else if position < bytes.count, isDigit(bytes[position]) {
            guard let value = digits(2) else { return nil }
            minutes = value
        }
        guard minutes < 60 else { return nil }
        return sign * (hours * 3600 + minutes * 60)
    }
}
