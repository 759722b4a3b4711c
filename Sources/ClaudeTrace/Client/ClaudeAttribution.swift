/// Who a call is for and what feature made it: the span's `user.id`, `claude.feature` and
/// `gen_ai.conversation.id`, which the monitor aggregates by.
public struct ClaudeAttribution: Sendable, Hashable {
    public var userID: String?
    public var feature: String?
    public var conversationID: String?

    public init(userID: String? = nil, feature: String? = nil, conversationID: String? = nil) {
        self.userID = userID
        self.feature = feature
        self.conversationID = conversationID
    }

    public static let none = ClaudeAttribution()
}
