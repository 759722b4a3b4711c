/// What a user did with a Claude answer, as the monitor's `claude.feedback` span records it
/// (``ClaudeMonitor/recordFeedback(requestID:action:)``): the monitor counts feedback as it is
/// given, the report reads it back from these spans.
package struct ClaudeFeedback: Sendable {
    /// The span's name.
    package static let spanName = "claude.feedback"
    /// `accept`, `reject`, `edit` or `retry`.
    package static let actionKey = "claude.feedback.action"

    package var action: FeedbackAction
    /// `claude.feature` of the call the feedback is about, when the monitor knew it.
    package var feature: String?

    /// The feedback `span` records; nil when it is not a feedback span.
    package init?(_ span: SpanData) {
        guard span.name == Self.spanName, let text = span.attributes[Self.actionKey]?.stringValue,
              let action = FeedbackAction(rawValue: text) else { return nil }
        self.action = action
        feature = span.attributes[ClaudeAttributeKey.feature]?.stringValue
    }
}
