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

    /// Seconds since the Unix epoch for an HTTP date (``HTTPDate``), nil when it is not one.
    static func httpDate(_ text: String) -> Int64? { HTTPDate.secondsSinceEpoch(text) }
}
