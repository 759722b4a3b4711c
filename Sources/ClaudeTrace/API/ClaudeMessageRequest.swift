/// A Messages API request (`POST /v1/messages`).
///
/// ```swift
/// let request = ClaudeMessageRequest(
///     model: "claude-sonnet-4-6", maxTokens: 512,
///     messages: [.user("Summarize this ticket: …")],
///     system: .blocks([.text(longInstructions, cacheControl: .ephemeral)]))
/// ```
/// Whether the answer streams is decided by the call (`createMessage` or `streamMessage`), not
/// by the request.
public struct ClaudeMessageRequest: Sendable, Hashable {
    /// The model id or alias, e.g. `claude-sonnet-4-6`.
    public var model: String
    /// `max_tokens`: the most tokens Claude may generate, thinking included.
    public var maxTokens: Int
    /// The conversation so far, oldest first, ending with the user's turn.
    public var messages: [ClaudeInputMessage]
    /// The system prompt; nil sends none.
    public var system: ClaudeSystemPrompt?
    /// The tools Claude may call; nil sends none.
    public var tools: [ClaudeTool]?
    /// Whether and which tool Claude must call; nil leaves it to Claude.
    public var toolChoice: ClaudeToolChoice?
    /// Sampling temperature, 0 to 1; nil uses the API's default (1).
    public var temperature: Double?
    /// Nucleus sampling threshold; nil uses the API's default.
    public var topP: Double?
    /// Sample only from the `topK` likeliest tokens; nil uses the API's default.
    public var topK: Int?
    /// Texts that stop generation when Claude writes one.
    public var stopSequences: [String]?
    /// `metadata.user_id`: an opaque id for the end user, which Anthropic uses against abuse.
    /// (The span's `user.id` comes from the call's ``ClaudeAttribution`` instead.)
    public var metadataUserID: String?
    /// Extended thinking; nil uses the model's default.
    public var thinking: ClaudeThinking?
    /// `service_tier`: `auto` or `standard_only`.
    public var serviceTier: String?
    /// `inference_geo`: `global` or `us` (4.6-and-later models; `us` is billed at 1.1×).
    public var inferenceGeo: String?
    /// `speed`: `fast` for fast mode where the model offers it (needs its beta).
    public var speed: String?
    /// Sent as the `anthropic-beta` header, comma-separated.
    public var betas: [String]
    /// More body members sent as they are, for API fields this type does not name yet.
    public var additionalFields: [String: ClaudeJSON]

    /// A request for `model`; every optional field left nil is not sent.
    public init(
        model: String, maxTokens: Int, messages: [ClaudeInputMessage], system: ClaudeSystemPrompt? = nil,
        tools: [ClaudeTool]? = nil, toolChoice: ClaudeToolChoice? = nil, temperature: Double? = nil,
        topP: Double? = nil, topK: Int? = nil, stopSequences: [String]? = nil, metadataUserID: String? = nil,
        thinking: ClaudeThinking? = nil, serviceTier: String? = nil, inferenceGeo: String? = nil,
        speed: String? = nil, betas: [String] = [], additionalFields: [String: ClaudeJSON] = [:]
    ) {
        self.model = model
        self.maxTokens = maxTokens
        self.messages = messages
        self.system = system
        self.tools = tools
        self.toolChoice = toolChoice
        self.temperature = temperature
        self.topP = topP
        self.topK = topK
        self.stopSequences = stopSequences
        self.metadataUserID = metadataUserID
        self.thinking = thinking
        self.serviceTier = serviceTier
        self.inferenceGeo = inferenceGeo
        self.speed = speed
        self.betas = betas
        self.additionalFields = additionalFields
    }

    /// The request body as the API's JSON; `stream` adds `"stream": true`.
    package func json(stream: Bool = false) -> ClaudeJSON {
        var body = additionalFields
        body["model"] = .string(model)
        body["max_tokens"] = .integer(maxTokens)
        body["messages"] = .array(messages.map(\.json))
        if let system { body["system"] = system.json }
        if let tools { body["tools"] = .array(tools.map(\.json)) }
        if let toolChoice { body["tool_choice"] = toolChoice.json }
        if let temperature { body["temperature"] = .number(temperature) }
        if let topP { body["top_p"] = .number(topP) }
        if let topK { body["top_k"] = .integer(topK) }
        if let stopSequences { body["stop_sequences"] = .array(stopSequences.map(ClaudeJSON.string)) }
        if let metadataUserID { body["metadata"] = ["user_id": .string(metadataUserID)] }
        if let thinking { body["thinking"] = thinking.json }
        if let serviceTier { body["service_tier"] = .string(serviceTier) }
        if let inferenceGeo { body["inference_geo"] = .string(inferenceGeo) }
        if let speed { body["speed"] = .string(speed) }
        if stream { body["stream"] = true }
        return .object(body)
    }
}
