/// The monitor as the client's budget seam: ``ClaudeClient`` asks it before every call.
extension ClaudeMonitor: ClaudeCallObserver {
    /// Whether the call may be sent, by ``checkBudget(userID:requestID:estimatedCostUSD:)`` for
    /// the call's user. With ``BudgetConfiguration/reservesEstimatedCost`` the client's
    /// worst-case estimate (`estimatedMaximumCost`) is reserved until the call's span ends.
    /// A block names its limit (`daily` or `per_user_daily`, the span's `claude.budget.limit`).
    public func admit(_ call: ClaudeCallInfo) -> BudgetDecision {
        let estimate = core.reservesEstimatedCost ? call.estimatedMaximumCost?.usd : nil
        switch checkBudget(userID: call.attribution.userID, requestID: call.requestID, estimatedCostUSD: estimate) {
        case .allow: return .allow
        case .block(let error): return .block(limit: error.limit.name, message: error.message)
        }
    }

    /// A `budget.warning` message when the call cost more than
    /// ``BudgetConfiguration/perRequestWarningUSD``.
    public func warning(for call: ClaudeCallInfo, cost: ClaudeCost) -> String? {
        guard let threshold = budget.perRequestWarningUSD, exceedsPerRequestWarning(costUSD: cost.usd) else { return nil }
        return "call cost $\(formatUSD(cost.usd)) > per-request warning threshold $\(formatUSD(threshold))"
    }
}
