/// One firing of an alert rule, as delivered to the handler and written as a JSON line.
public struct AlertNotification: Sendable, Hashable, Codable {
    /// The rule's name.
    public var rule: String
    /// The rule's severity.
    public var severity: AlertSeverity
    /// What crossed which threshold, e.g. `error rate 12.5% over the last 5 min (8 of 64 calls) > 5%`.
    public var message: String
    /// ISO 8601, UTC, by the monitor's clock.
    public var firedAt: String
    /// The same instant as Unix epoch nanoseconds.
    public var firedAtUnixNanoseconds: UInt64
    /// The call that fired a per-call rule (`claude.request_id`), if any.
    public var requestID: String?

    /// A notification fired at `firedAtUnixNanoseconds`; ``firedAt`` is derived from it.
    public init(rule: String, severity: AlertSeverity, message: String, firedAtUnixNanoseconds: UInt64, requestID: String? = nil) {
        self.rule = rule
        self.severity = severity
        self.message = message
        self.firedAt = UTCTime.timestamp(firedAtUnixNanoseconds)
        self.firedAtUnixNanoseconds = firedAtUnixNanoseconds
        self.requestID = requestID
    }

    /// The notification as one line of JSON (no trailing newline).
    package var jsonLine: String {
        var line = JSONLineWriter()
        line.field("type", string: "alert")
        line.field("rule", string: rule)
        line.field("severity", string: severity.rawValue)
        line.field("message", string: message)
        line.field("firedAt", string: firedAt)
        line.field("requestId", string: requestID)
        return line.finish()
    }
}
