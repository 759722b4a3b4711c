/// The attribute keys of the spans the monitor writes itself (feedback spans).
enum MonitorAttributeKey {
    static let requestID = ClaudeAttributeKey.requestID
    static let feature = ClaudeAttributeKey.feature
    /// `accept`, `reject`, `edit` or `retry`.
    static let feedbackAction = ClaudeFeedback.actionKey
}
