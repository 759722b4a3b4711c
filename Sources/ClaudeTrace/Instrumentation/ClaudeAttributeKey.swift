/// The attribute keys of a Claude call span, in one place: the client writes them, and the
/// monitor and the report reader read them. Meanings and types are in
/// `reference/claude-spans.md` (OpenTelemetry GenAI conventions plus our `claude.*` keys).
public enum ClaudeAttributeKey {
    // Set when the span starts.
    /// The operation, `chat` for a Messages API call.
    public static let operationName = "gen_ai.operation.name"
    /// The provider, always `anthropic`.
    public static let providerName = "gen_ai.provider.name"
    /// The model the request asked for, such as `claude-sonnet-4-6`.
    public static let requestModel = "gen_ai.request.model"
    /// The API host the call went to.
    public static let serverAddress = "server.address"
    /// The API port the call went to (integer).
    public static let serverPort = "server.port"
    /// `true` when the call streamed its answer.
    public static let requestStream = "gen_ai.request.stream"
    /// The request's `max_tokens` (integer).
    public static let requestMaxTokens = "gen_ai.request.max_tokens"
    /// The request's `temperature`, when it set one.
    public static let requestTemperature = "gen_ai.request.temperature"
    /// The request's `top_p`, when it set one.
    public static let requestTopP = "gen_ai.request.top_p"
    /// The request's `top_k`, when it set one.
    public static let requestTopK = "gen_ai.request.top_k"
    /// The request's stop sequences (string array), when it set any.
    public static let requestStopSequences = "gen_ai.request.stop_sequences"
    /// The end user the call was made for, from ``ClaudeAttribution/userID``.
    public static let userID = "user.id"
    /// The product feature the call served, from ``ClaudeAttribution/feature``.
    public static let feature = "claude.feature"
    /// The client's own id for the call, on every attempt and in every error.
    public static let requestID = "claude.request_id"
    /// The conversation the call belongs to, from ``ClaudeAttribution/conversationID``.
    public static let conversationID = "gen_ai.conversation.id"

    // Set when the answer (or the failure) arrives.
    /// The message id the API returned (`msg_…`).
    public static let responseID = "gen_ai.response.id"
    /// The model that answered, as the API reported it.
    public static let responseModel = "gen_ai.response.model"
    /// The stop reason in the conventions' form: a one-element string array.
    public static let finishReasons = "gen_ai.response.finish_reasons"
    /// Why the model stopped, as the API said it (`end_turn`, `max_tokens`, …).
    public static let stopReason = "anthropic.stop_reason"
    /// Uncached input + cache reads + cache writes (the conventions' Anthropic rule).
    public static let inputTokens = "gen_ai.usage.input_tokens"
    /// Tokens the model generated (integer).
    public static let outputTokens = "gen_ai.usage.output_tokens"
    /// Prompt tokens read from the prompt cache (integer).
    public static let cacheReadInputTokens = "gen_ai.usage.cache_read.input_tokens"
    /// Prompt tokens written to the prompt cache (integer).
    public static let cacheCreationInputTokens = "gen_ai.usage.cache_creation.input_tokens"
    /// Output tokens spent on extended thinking, when the API reports them (integer).
    public static let reasoningOutputTokens = "gen_ai.usage.reasoning.output_tokens"
    /// Seconds from the call's start to the first content delta; streams only.
    public static let timeToFirstChunk = "gen_ai.response.time_to_first_chunk"
    /// The API's own request id (the `request-id` header), for Anthropic support.
    public static let serverRequestID = "anthropic.request_id"
    /// The service tier that served the call (`standard`, `priority`, `batch`).
    public static let serviceTier = "anthropic.service_tier"
    /// Requests left in the current rate-limit window, from the response headers.
    public static let rateLimitRequestsRemaining = "anthropic.ratelimit.requests.remaining"
    /// Tokens left in the current rate-limit window, from the response headers.
    public static let rateLimitTokensRemaining = "anthropic.ratelimit.tokens.remaining"
    /// Input tokens left in the current rate-limit window, from the response headers.
    public static let rateLimitInputTokensRemaining = "anthropic.ratelimit.input_tokens.remaining"
    /// Output tokens left in the current rate-limit window, from the response headers.
    public static let rateLimitOutputTokensRemaining = "anthropic.ratelimit.output_tokens.remaining"
    /// The call's cost in USD (double); absent when the price is unknown.
    public static let costUSD = "claude.cost.usd"
    /// The same cost in integer picodollars (10⁻¹² USD): sum this one, it never drifts.
    public static let costPicodollars = "claude.cost.picodollars"
    /// `true` when the model is not in the pricing table.
    public static let priceUnknown = "claude.cost.price_unknown"
    /// How many times the call was retried before it succeeded or gave up (integer).
    public static let retries = "claude.retries"
    /// The HTTP status of the last attempt.
    public static let httpStatusCode = "http.response.status_code"
    /// The failure's type: the API's error type, else the ``ClaudeErrorCategory`` (`_OTHER` for an unknown one).
    public static let errorType = "error.type"
    /// The failure's ``ClaudeErrorCategory`` raw value, such as `rate_limited`.
    public static let errorCategory = "claude.error.category"
    /// `true` when the caller stopped reading a stream before its end.
    public static let streamAbandoned = "claude.stream.abandoned"
    /// Which budget blocked the call (with `claude.error.category = budget_exceeded`).
    public static let budgetLimit = "claude.budget.limit"

    // Content capture (opt-in).
    /// The system prompt as JSON; only when content capture is on.
    public static let systemInstructions = "gen_ai.system_instructions"
    /// The request's messages as JSON; only when content capture is on.
    public static let inputMessages = "gen_ai.input.messages"
    /// The answer's content as JSON; only when content capture is on.
    public static let outputMessages = "gen_ai.output.messages"

    // On `retry` events.
    /// The attempt that failed and is retried, from 1.
    public static let retryAttempt = "claude.retry.attempt"
    /// How long the client waits before the retry, in milliseconds.
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
