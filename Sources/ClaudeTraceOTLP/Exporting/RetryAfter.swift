import ClaudeTraceCore

/// The `Retry-After` response header: a number of seconds, or an HTTP date.
/// https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3
enum RetryAfter {
    /// How long to wait, from `now` (Unix epoch nanoseconds); nil when the header is malformed.
    /// A date in the past means no wait.
    static func delay(_ header: String, now: UInt64 = WallClock.nanoseconds()) -> Duration? {
        let text = header.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
        if let seconds = UInt64(text) {
            return .seconds(min(seconds, UInt64(Int64.max / 1_000_000_000)))
        }
        guard let epochSeconds = httpDate(text) else { return nil }
        let nowSeconds = Double(now) / 1e9
        return .milliseconds(Int64(max(0, (Double(epochSeconds) - nowSeconds) * 1000).rounded(.up)))
    }

    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// Seconds since the Unix epoch for an HTTP date in any of its three forms:
    /// `Sun, 06 Nov 1994 08:49:37 GMT` (IMF-fixdate, the one servers send),
    /// `Sunday, 06-Nov-94 08:49:37 GMT` (RFC 850) and `Sun Nov  6 08:49:37 1994` (asctime).
    static func httpDate(_ text: String) -> Int64? {
        let tokens = text.split(whereSeparator: { " ,-:\t".contains($0) }).map { $0.lowercased() }
        guard tokens.count >= 7 else { return nil }
        let day: Int?, month: Int?, year: Int?, clock: ArraySlice<String>
        if let asctimeMonth = months.firstIndex(of: tokens[1]) {
            month = asctimeMonth + 1
            day = Int(tokens[2])
            clock = tokens[3...5]
            year = Int(tokens[6])
        } else {
            guard tokens.count >= 8, tokens[7] == "gmt" || tokens[7] == "ut" || tokens[7] == "utc" else { return nil }
            day = Int(tokens[1])
            month = months.firstIndex(of: tokens[2]).map { $0 + 1 }
            // RFC 850's two-digit years: RFC 9110 reads one more than 50 years ahead as past.
            year = Int(tokens[3]).map { $0 >= 100 ? $0 : ($0 < 70 ? 2000 + $0 : 1900 + $0) }
            clock = tokens[4...6]
        }
        let parts = clock.compactMap { Int($0) }
        guard let day, let month, let year, parts.count == 3, (1...31).contains(day),
              (0...23).contains(parts[0]), (0...59).contains(parts[1]), (0...60).contains(parts[2])
        else { return nil }
        return daysSinceEpoch(year: year, month: month, day: day) * 86_400
            + Int64(parts[0] * 3600 + parts[1] * 60 + parts[2])
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int64 {
        let shiftedYear = Int64(month <= 2 ? year - 1 : year)
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = Int64((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1)
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
