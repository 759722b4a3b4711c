/// The optional request log: one JSON line per Claude call.
///
/// Every line has the same keys, `null` when a value is absent:
/// `requestId`, `timestamp` (the call's start, ISO 8601 UTC with milliseconds), `traceId`,
/// `spanId`, `model`, `userId`, `feature`, `inputTokens`, `outputTokens`, `cacheReadTokens`,
/// `cacheCreationTokens`, `latencyMs`, `ttftMs`, `statusCode`, `error`, `errorCategory`,
/// `retries`, `costUsd`, `priceUnknown`, `anthropicRequestId`.
///
/// `inputTokens` is the **uncached** input (`gen_ai.usage.input_tokens` minus the cache read
/// and cache creation counts): the four token fields add up to the prompt, and each is billed
/// at its own rate. `error` is the span's status description (the error message), else its
/// `error.type`. The API key is never on a span, so never here; prompt and reply text are left
/// out unless ``includeContent`` is set, and then come from the span's
/// `gen_ai.system_instructions`, `gen_ai.input.messages` and `gen_ai.output.messages` (present
/// only when the client captures content) as `system`, `prompt` and `reply`.
public struct RequestLogConfiguration: Sendable {
    /// Where the lines go.
    public var destination: LogDestination
    /// Adds `system`, `prompt` and `reply` to each line. Off by default: prompts are private.
    public var includeContent: Bool

    /// A request log to `destination`, without prompt and reply text unless `includeContent`.
    public init(destination: LogDestination, includeContent: Bool = false) {
        self.destination = destination
        self.includeContent = includeContent
    }
}
