import ClaudeTrace

/// Token counts, split so that no token is counted twice.
///
/// `input` is the **uncached** part of the prompt: the span's `gen_ai.usage.input_tokens`
/// (which, by the GenAI conventions' Anthropic rule, includes the cache reads and writes) minus
/// `gen_ai.usage.cache_read.input_tokens` minus `gen_ai.usage.cache_creation.input_tokens`,
/// never below zero. It equals the Messages API's own `usage.input_tokens`.
public struct ClaudeTokenCounts: Hashable, Sendable, Codable {
    /// Uncached input tokens (the API's `usage.input_tokens`).
    public var input: Int64
    /// `gen_ai.usage.output_tokens` (thinking tokens included).
    public var output: Int64
    /// `gen_ai.usage.cache_read.input_tokens`.
    public var cacheRead: Int64
    /// `gen_ai.usage.cache_creation.input_tokens` (5-minute and 1-hour writes together).
    public var cacheCreation: Int64

    /// Counts; each defaults to zero.
    public init(input: Int64 = 0, output: Int64 = 0, cacheRead: Int64 = 0, cacheCreation: Int64 = 0) {
        self.input = input
        self.output = output
        self.cacheRead = cacheRead
        self.cacheCreation = cacheCreation
    }

    /// The whole prompt: `input + cacheRead + cacheCreation` (the span's `gen_ai.usage.input_tokens`).
    public var promptTokens: Int64 { input &+ cacheRead &+ cacheCreation }

    /// The counts `call` records.
    init(_ call: ClaudeCall) {
        self.init(
            input: call.uncachedInputTokens, output: call.outputTokens, cacheRead: call.cacheReadTokens,
            cacheCreation: call.cacheCreationTokens)
    }

    static func += (total: inout ClaudeTokenCounts, counts: ClaudeTokenCounts) {
        total.input &+= counts.input
        total.output &+= counts.output
        total.cacheRead &+= counts.cacheRead
        total.cacheCreation &+= counts.cacheCreation
    }
}
