/// What a user did with a Claude answer, reported with ``ClaudeMonitor/recordFeedback(requestID:action:)``.
public enum FeedbackAction: String, Sendable, Hashable, Codable, CaseIterable {
    /// Used as it was.
    case accept
    /// Discarded.
    case reject
    /// Used after changes.
    case edit
    /// Asked again.
    case retry
}
