/// HTTP dates, as `Retry-After` carries them (RFC 9110 §5.6.7,
/// https://www.rfc-editor.org/rfc/rfc9110#section-5.6.7): the OTLP exporter and the Claude
/// client's retry policy read them with this one parser.
package enum HTTPDate {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// Seconds since the Unix epoch for an HTTP date in any of its three forms:
    /// `Sun, 06 Nov 1994 08:49:37 GMT` (IMF-fixdate, the one servers send),
    /// `Sunday, 06-Nov-94 08:49:37 GMT` (RFC 850) and `Sun Nov  6 08:49:37 1994` (asctime);
    /// nil for anything else.
    package static func secondsSinceEpoch(_ text: String) -> Int64? {
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
        return UTCTime.days(year: Int64(year), month: Int64(month), day: Int64(day)) * 86_400
            + Int64(parts[0] * 3600 + parts[1] * 60 + parts[2])
    }
}
