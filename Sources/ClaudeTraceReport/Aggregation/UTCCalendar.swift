/// UTC dates from and to Unix epoch nanoseconds, in integer arithmetic (Howard Hinnant's
/// `days_from_civil`/`civil_from_days`, http://howardhinnant.github.io/date_algorithms.html).
/// Unix time has no leap seconds, so neither does this.
enum UTCCalendar {
    static let nanosecondsPerSecond: Int64 = 1_000_000_000
    static let secondsPerDay: Int64 = 86_400

    /// Days since 1970-01-01 of a proleptic Gregorian date.
    static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date of a day number.
    static func date(day: Int64) -> (year: Int64, month: Int64, day: Int64) {
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

    static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        days(year: month == 12 ? year + 1 : year, month: month == 12 ? 1 : month + 1, day: 1)
            - days(year: year, month: month, day: 1)
    }

    /// `2026-11-10`: the UTC date of an instant.
    static func dateString(nanoseconds: UInt64) -> String {
        let date = date(day: Int64(nanoseconds / UInt64(secondsPerDay * nanosecondsPerSecond)))
        return "\(pad(date.year, 4))-\(pad(date.month, 2))-\(pad(date.day, 2))"
    }

    /// `2026-11-10T13:07:42.123Z`: ISO 8601 with milliseconds.
    static func timestamp(nanoseconds: UInt64) -> String {
        let seconds = Int64(nanoseconds / UInt64(nanosecondsPerSecond))
        let inDay = seconds % secondsPerDay
        let milliseconds = Int64(nanoseconds % UInt64(nanosecondsPerSecond)) / 1_000_000
        return dateString(nanoseconds: nanoseconds)
            + "T\(pad(inDay / 3600, 2)):\(pad(inDay % 3600 / 60, 2)):\(pad(inDay % 60, 2)).\(pad(milliseconds, 3))Z"
    }

    static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
