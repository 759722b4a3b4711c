/// The token counts of one call, as the API reports them.
///
/// `inputTokens` counts only the tokens after the last cache breakpoint: cached tokens are in
/// `cacheCreationInputTokens` and `cacheReadInputTokens`, never in it. The prompt's size is
/// ``promptTokens``. Missing or null fields read as zero (counts) or nil (the rest).
public struct ClaudeUsage: Sendable, Hashable {
    /// Uncached input tokens: those after the last cache breakpoint.
    public var inputTokens: Int
    /// Tokens Claude generated, thinking included.
    public var outputTokens: Int
    /// Prompt tokens written to the cache.
    public var cacheCreationInputTokens: Int
    /// Prompt tokens read from the cache.
    public var cacheReadInputTokens: Int
    /// Cache writes with a 5-minute TTL; nil when the server gave no breakdown.
    public var cacheCreation5mInputTokens: Int?
    /// Cache writes with a 1-hour TTL; nil when the server gave no breakdown.
    public var cacheCreation1hInputTokens: Int?
    /// `output_tokens_details.thinking_tokens`: the part of `outputTokens` spent thinking.
    public var thinkingTokens: Int?
    /// `standard`, `priority` or `batch`.
    public var serviceTier: String?
    /// Where inference ran: `global` or `us`.
    public var inferenceGeo: String?
    /// `standard` or `fast`.
    public var speed: String?
    /// Web searches the server tool ran; nil when none were reported.
    public var webSearchRequests: Int?
    /// Web fetches the server tool ran; nil when none were reported.
    public var webFetchRequests: Int?

    /// Token counts; every count defaults to zero and the rest to nil.
    public init(
        inputTokens: Int = 0, outputTokens: Int = 0, cacheCreationInputTokens: Int = 0, cacheReadInputTokens: Int = 0,
        cacheCreation5mInputTokens: Int? = nil, cacheCreation1hInputTokens: Int? = nil, thinkingTokens: Int? = nil,
        serviceTier: String? = nil, inferenceGeo: String? = nil, speed: String? = nil,
        webSearchRequests: Int? = nil, webFetchRequests: Int? = nil
    ) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.cacheCreationInputTokens = cacheCreationInputTokens
        self.cacheReadInputTokens = cacheReadInputTokens
        self.cacheCreation5mInputTokens = cacheCreation5mInputTokens
        self.cacheCreation1hInputTokens = cacheCreation1hInputTokens
        self.thinkingTokens = thinkingTokens
        self.serviceTier = serviceTier
        self.inferenceGeo = inferenceGeo
        self.speed = speed
        self.webSearchRequests = webSearchRequests
        self.webFetchRequests = webFetchRequests
    }

    /// The whole prompt: uncached input plus cache writes plus cache reads. This is the
    /// GenAI conventions' `gen_ai.usage.input_tokens` for Anthropic; never price it at the
    /// input rate.
    public var promptTokens: Int { inputTokens + cacheCreationInputTokens + cacheReadInputTokens }

    /// Reads the API's `usage` object.
    package init(json: ClaudeJSON) {
        self.init()
        merge(json)
    }

    /// Overwrites every count `json` carries and leaves the others: a stream's `message_delta`
    /// usage is cumulative, so its values replace those of `message_start`.
    package mutating func merge(_ json: ClaudeJSON) {
        if let value = json["input_tokens"]?.intValue { inputTokens = value }
        if let value = json["output_tokens"]?.intValue { outputTokens = value }
        if let value = json["cache_creation_input_tokens"]?.intValue { cacheCreationInputTokens = value }
        if let value = json["cache_read_input_tokens"]?.intValue { cacheReadInputTokens = value }
        if let breakdown = json["cache_creation"], breakdown.objectValue != nil {
            if let value = breakdown["ephemeral_5m_input_tokens"]?.intValue { cacheCreation5mInputTokens = value }
            if let value = breakdown["ephemeral_1h_input_tokens"]?.intValue { cacheCreation1hInputTokens = value }
        }
        if let value = json["output_tokens_details"]?["thinking_tokens"]?.intValue { thinkingTokens = value }
        if let value = json["service_tier"]?.stringValue { serviceTier = value }
        if let value = json["inference_geo"]?.stringValue { inferenceGeo = value }
        if let value = json["speed"]?.stringValue { speed = value }
        if let tools = json["server_tool_use"], tools.objectValue != nil {
            if let value = tools["web_search_requests"]?.intValue { webSearchRequests = value }
            if let value = tools["web_fetch_requests"]?.intValue { webFetchRequests = value }
        }
    }

    /// The usage as the API's JSON.
    public var json: ClaudeJSON {
        var members: [String: ClaudeJSON] = [
            "input_tokens": .integer(inputTokens), "output_tokens": .integer(outputTokens),
            "cache_creation_input_tokens": .integer(cacheCreationInputTokens),
            "cache_read_input_tokens": .integer(cacheReadInputTokens),
        ]
        if cacheCreation5mInputTokens != nil || cacheCreation1hInputTokens != nil {
            members["cache_creation"] = [
                "ephemeral_5m_input_tokens": .integer(cacheCreation5mInputTokens ?? 0),
                "ephemeral_1h_input_tokens": .integer(cacheCreation1hInputTokens ?? 0),
            ]
        }
        if let thinkingTokens { members["output_tokens_details"] = ["thinking_tokens": .integer(thinkingTokens)] }
        if let serviceTier { members["service_tier"] = .string(serviceTier) }
        if let inferenceGeo { members["inference_geo"] = .string(inferenceGeo) }
        if let speed { members["speed"] = .string(speed) }
        if webSearchRequests != nil || webFetchRequests != nil {
            members["server_tool_use"] = [
                "web_search_requests": .integer(webSearchRequests ?? 0), "web_fetch_requests": .integer(webFetchRequests ?? 0),
            ]
        }
        return .object(members)
    }
}
