/// Who a call is for and what feature made it: the span's `user.id`, `claude.feature` and
/// `gen_ai.conversation.id`, which the monitor aggregates by.
public struct ClaudeAttribution: Sendable, Hashable {
    /// The end user the call is for (`user.id`); nil for none.
    public var userID: String?
    /// The product feature that made the call (`claude.feature`), such as `ticket-summary`.
    public var feature: String?
    /// The conversation the call belongs to (`gen_ai.conversation.id`).
    public var conversationID: String?

    /// An attribution; each part left nil is not recorded.
    public init(userID: String? = nil, feature: String? = nil, conversationID: String? = nil) {
        self.userID = userID
        self.feature = feature
        self.conversationID = conversationID
    }

    /// No user, feature or conversation.
    public static let none = ClaudeAttribution()
}
