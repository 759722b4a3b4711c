/// The attribute keys of a Claude call span, in one place: the client writes them, and the
/// monitor and the report reader read them. Meanings and types are in
/// `reference/claude-spans.md` (OpenTelemetry GenAI conventions plus our `claude.*` keys).
public enum ClaudeAttributeKey {
    // Set when the span starts.
    public static let operationName = "gen_ai.operation.name"
    public static let providerName = "gen_ai.provider.name"
    public static let requestModel = "gen_ai.request.model"
    public static let serverAddress = "server.address"
    public static let serverPort = "server.port"
    public static let requestStream = "gen_ai.request.stream"
    public static let requestMaxTokens = "gen_ai.request.max_tokens"
    public static let requestTemperature = "gen_ai.request.temperature"
    public static let requestTopP = "gen_ai.request.top_p"
    public static let requestTopK = "gen_ai.request.top_k"
    public static let requestStopSequences = "gen_ai.request.stop_sequences"
    public static let userID = "user.id"
    public static let feature = "claude.feature"
    public static let requestID = "claude.request_id"
    public static let conversationID = "gen_ai.conversation.id"

    // Set when the answer (or the failure) arrives.
    public static let responseID = "gen_ai.response.id"
    public static let responseModel = "gen_ai.response.model"
    public static let finishReasons = "gen_ai.response.finish_reasons"
    public static let stopReason = "anthropic.stop_reason"
    /// Uncached input + cache reads + cache writes (the conventions' Anthropic rule).
    public static let inputTokens = "gen_ai.usage.input_tokens"
    public static let outputTokens = "gen_ai.usage.output_tokens"
    public static let cacheReadInputTokens = "gen_ai.usage.cache_read.input_tokens"
    public static let cacheCreationInputTokens = "gen_ai.usage.cache_creation.input_tokens"
    public static let reasoningOutputTokens = "gen_ai.usage.reasoning.output_tokens"
    /// Seconds from the call's start to the first content delta; streams only.
    public static let timeToFirstChunk = "gen_ai.response.time_to_first_chunk"
    public static let serverRequestID = "anthropic.request_id"
    public static let serviceTier = "anthropic.service_tier"
    public static let rateLimitRequestsRemaining = "anthropic.ratelimit.requests.remaining"
    public static let rateLimitTokensRemaining = "anthropic.ratelimit.tokens.remaining"
    public static let rateLimitInputTokensRemaining = "anthropic.ratelimit.input_tokens.remaining"
    public static let rateLimitOutputTokensRemaining = "anthropic.ratelimit.output_tokens.remaining"
    /// The call's cost in USD (double); absent when the price is unknown.
    public static let costUSD = "claude.cost.usd"
    /// The same cost in integer picodollars (10⁻¹² USD): sum this one, it never drifts.
    public static let costPicodollars = "claude.cost.picodollars"
    /// `true` when the model is not in the pricing table.
    public static let priceUnknown = "claude.cost.price_unknown"
    public static let retries = "claude.retries"
    public static let httpStatusCode = "http.response.status_code"
    public static let errorType = "error.type"
    public static let errorCategory = "claude.error.category"
    /// `true` when the caller stopped reading a stream before its end.
    public static let streamAbandoned = "claude.stream.abandoned"
    /// Which budget blocked the call (with `claude.error.category = budget_exceeded`).
    public static let budgetLimit = "claude.budget.limit"

    // Content capture (opt-in).
    public static let systemInstructions = "gen_ai.system_instructions"
    public static let inputMessages = "gen_ai.input.messages"
    public static let outputMessages = "gen_ai.output.messages"

    // On `retry` events.
    public static let retryAttempt = "claude.retry.attempt"
    public static let retryDelayMilliseconds = "claude.retry.delay_ms"
}

/// The event names on a Claude call span.
public enum ClaudeSpanEventName {
    /// One per failed attempt that was retried.
    public static let retry = "retry"
    /// The final failure.
    public static let exception = "exception"
    /// The call's cost passed a per-request warning threshold.
    public static let budgetWarning = "budget.warning"
}
