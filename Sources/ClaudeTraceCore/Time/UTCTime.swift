/// UTC calendar arithmetic on Unix epoch nanoseconds: the minute, hour and day a call falls in,
/// dates to day numbers and back, and ISO 8601 text for timestamps. Integer arithmetic only
/// (Howard Hinnant's `days_from_civil`/`civil_from_days`,
/// http://howardhinnant.github.io/date_algorithms.html; no time zones, no leap seconds: Unix time
/// has none), so it is cheap enough for the monitor's hot path. The monitor, the report reader
/// and the HTTP-date parser (``HTTPDate``) share it.
package enum UTCTime {
    package static let nanosecondsPerMinute: UInt64 = 60_000_000_000
    package static let nanosecondsPerHour: UInt64 = 3_600_000_000_000
    package static let nanosecondsPerDay: UInt64 = 86_400_000_000_000

    /// Minutes since the epoch.
    @inline(__always) package static func minute(_ nanoseconds: UInt64) -> Int64 { Int64(nanoseconds / nanosecondsPerMinute) }
    /// Hours since the epoch.
    @inline(__always) package static func hour(_ nanoseconds: UInt64) -> Int64 { Int64(nanoseconds / nanosecondsPerHour) }
    /// Days since the epoch (the UTC day number).
    @inline(__always) package static func day(_ nanoseconds: UInt64) -> Int64 { Int64(nanoseconds / nanosecondsPerDay) }

    /// The day number of a proleptic Gregorian date (`days_from_civil`).
    package static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    package static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        days(year: month == 12 ? year + 1 : year, month: month == 12 ? 1 : month + 1, day: 1)
            - days(year: year, month: month, day: 1)
    }

    /// The civil date of a day number (`civil_from_days`).
    package static func civilDate(day: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = day + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthPrime = (5 * dayOfYear + 2) / 153
        let dayOfMonth = dayOfYear - (153 * monthPrime + 2) / 5 + 1
        let month = monthPrime < 10 ? monthPrime + 3 : monthPrime - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, dayOfMonth)
    }

    /// `2026-11-10`
    package static func dateString(day: Int64) -> String {
        let date = civilDate(day: day)
        return "\(pad(date.year, 4))-\(pad(date.month, 2))-\(pad(date.day, 2))"
    }

    /// `2026-11-10T13:00:00Z`: the start of an hour number.
    package static func hourString(hour: Int64) -> String {
        "\(dateString(day: floorDivide(hour, 24)))T\(pad(hour - floorDivide(hour, 24) * 24, 2)):00:00Z"
    }

    /// `2026-11-10T13:07:00Z`: the start of a minute number.
    package static func minuteString(minute: Int64) -> String {
        let hour = floorDivide(minute, 60)
        let day = floorDivide(hour, 24)
        return "\(dateString(day: day))T\(pad(hour - day * 24, 2)):\(pad(minute - hour * 60, 2)):00Z"
    }

    /// `2026-11-10T13:07:42.123Z`: ISO 8601 with milliseconds.
    package static func timestamp(_ nanoseconds: UInt64) -> String {
        let day = Int64(nanoseconds / nanosecondsPerDay)
        let inDay = nanoseconds % nanosecondsPerDay
        let hour = inDay / nanosecondsPerHour
        let minute = (inDay % nanosecondsPerHour) / nanosecondsPerMinute
        let second = (inDay % nanosecondsPerMinute) / 1_000_000_000
        let millisecond = (inDay % 1_000_000_000) / 1_000_000
        return "\(dateString(day: day))T\(pad(Int64(hour), 2)):\(pad(Int64(minute), 2)):\(pad(Int64(second), 2)).\(pad(Int64(millisecond), 3))Z"
    }

    private static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        a >= 0 ? a / b : (a - b + 1) / b
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
