/// What the client knows about a call before sending it.
public struct ClaudeCallInfo: Sendable, Hashable {
    /// The model as requested.
    public var model: String
    /// Who the call is for and what feature made it.
    public var attribution: ClaudeAttribution
    /// The client's id for the call (`claude.request_id`).
    public var requestID: String
    /// The request's `max_tokens`.
    public var maxTokens: Int
    /// Whether the call streams its answer.
    public var isStreaming: Bool
    /// A rough prompt size: the request body's bytes / 4 (images and documents overcount).
    public var estimatedInputTokens: Int
    /// The worst case: ``estimatedInputTokens`` uncached plus `maxTokens` of output, at the
    /// model's price; nil when the price is unknown. For reserving budget, not for billing.
    public var estimatedMaximumCost: ClaudeCost?

    /// What the client knows before a call; the estimates default to none.
    public init(
        model: String, attribution: ClaudeAttribution, requestID: String, maxTokens: Int, isStreaming: Bool,
        estimatedInputTokens: Int = 0, estimatedMaximumCost: ClaudeCost? = nil
    ) {
        self.model = model
        self.attribution = attribution
        self.requestID = requestID
        self.maxTokens = maxTokens
        self.isStreaming = isStreaming
        self.estimatedInputTokens = estimatedInputTokens
        self.estimatedMaximumCost = estimatedMaximumCost
    }
}

/// An observer's answer: send the call, or block it.
public enum BudgetDecision: Sendable, Hashable {
    /// Send the call.
    case allow
    /// Do not send: the client throws a ``ClaudeError`` of category `budget_exceeded` with
    /// `message`, and the span records `claude.budget.limit = limit`.
    case block(limit: String, message: String)
}

/// The seam between the client and a monitor that enforces budgets (``ClaudeClient`` asks it
/// before every call).
///
/// `admit` runs on the caller's task before anything is sent, so it must be fast and must not
/// block: read counters, compare, answer. Spent money is learnt from ended spans (processors),
/// not from this protocol.
public protocol ClaudeCallObserver: Sendable {
    /// Whether the call may be sent.
    func admit(_ call: ClaudeCallInfo) -> BudgetDecision

    /// A warning to record on the span (as a `budget.warning` event) once the call's cost is
    /// known, e.g. when one call cost more than a per-request threshold; nil for none.
    func warning(for call: ClaudeCallInfo, cost: ClaudeCost) -> String?
}

extension ClaudeCallObserver {
    /// No warning: the default for an observer that only admits calls.
    public func warning(for call: ClaudeCallInfo, cost: ClaudeCost) -> String? { nil }
}
