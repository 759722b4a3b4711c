/// A tool Claude may call.
///
/// A client tool has a name, a description and a JSON Schema for its input. Server tools
/// (web search, code execution…) have a versioned `type` and their own fields: pass those in
/// `type` and `additionalFields`.
public struct ClaudeTool: Sendable, Hashable {
    /// The name Claude calls the tool by.
    public var name: String
    /// What the tool does and when to use it, for Claude to read.
    public var description: String?
    /// The JSON Schema of the tool's input (`{"type":"object","properties":{…}}`).
    public var inputSchema: ClaudeJSON?
    /// The tool's type for server tools, e.g. `web_search_20250305`; nil for client tools.
    public var type: String?
    /// A cache breakpoint after this tool's definition.
    public var cacheControl: ClaudeCacheControl?
    /// More members sent as they are (e.g. `max_uses`).
    public var additionalFields: [String: ClaudeJSON]

    /// A tool; the defaults make a client tool with an empty object schema.
    public init(
        name: String, description: String? = nil, inputSchema: ClaudeJSON? = ["type": "object"],
        type: String? = nil, cacheControl: ClaudeCacheControl? = nil, additionalFields: [String: ClaudeJSON] = [:]
    ) {
        self.name = name
        self.description = description
        self.inputSchema = inputSchema
        self.type = type
        self.cacheControl = cacheControl
        self.additionalFields = additionalFields
    }

    var json: ClaudeJSON {
        var members = additionalFields
        members["name"] = .string(name)
        if let description { members["description"] = .string(description) }
        if let inputSchema { members["input_schema"] = inputSchema }
        if let type { members["type"] = .string(type) }
        if let cacheControl { members["cache_control"] = cacheControl.json }
        return .object(members)
    }
}

/// How Claude may use the tools.
public enum ClaudeToolChoice: Sendable, Hashable {
    /// Claude decides (the API's default when tools are given).
    case auto(disableParallelToolUse: Bool = false)
    /// Claude must use one of the tools.
    case any(disableParallelToolUse: Bool = false)
    /// Claude must use this tool.
    case tool(name: String, disableParallelToolUse: Bool = false)
    /// Claude must not use tools.
    case none

    var json: ClaudeJSON {
        var members: [String: ClaudeJSON]
        let disable: Bool
        switch self {
        case .auto(let flag): members = ["type": "auto"]; disable = flag
        case .any(let flag): members = ["type": "any"]; disable = flag
        case .tool(let name, let flag): members = ["type": "tool", "name": .string(name)]; disable = flag
        case .none: return ["type": "none"]
        }
        if disable { members["disable_parallel_tool_use"] = true }
        return .object(members)
    }
}

/// Extended thinking.
public enum ClaudeThinking: Sendable, Hashable {
    /// Think with at most `budgetTokens` tokens (at least 1024, below `max_tokens`).
    case enabled(budgetTokens: Int)
    /// The model decides how much to think (newer models).
    case adaptive
    /// No extended thinking.
    case disabled

    var json: ClaudeJSON {
        switch self {
        case .enabled(let budget): ["type": "enabled", "budget_tokens": .integer(budget)]
        case .adaptive: ["type": "adaptive"]
        case .disabled: ["type": "disabled"]
        }
    }
}

/// The system prompt: a string, or text blocks (which can carry cache breakpoints).
public enum ClaudeSystemPrompt: Sendable, Hashable, ExpressibleByStringLiteral {
    /// One string.
    case text(String)
    /// Text blocks, each of which can carry a cache breakpoint.
    case blocks([ClaudeContentBlock])

    /// A prompt written as a literal: `"You are terse."`.
    public init(stringLiteral value: String) { self = .text(value) }

    /// The prompt's text, blocks joined by newlines.
    public var text: String {
        switch self {
        case .text(let text): text
        case .blocks(let blocks): blocks.compactMap(\.text).joined(separator: "\n")
        }
    }

    var json: ClaudeJSON {
        switch self {
        case .text(let text): .string(text)
        case .blocks(let blocks): .array(blocks.map(\.json))
        }
    }
}

/// One message of the conversation.
public struct ClaudeInputMessage: Sendable, Hashable {
    /// Who wrote it.
    public var role: ClaudeRole
    /// Its blocks.
    public var content: [ClaudeContentBlock]

    /// A message from `role` with `content`.
    public init(role: ClaudeRole, content: [ClaudeContentBlock]) {
        self.role = role
        self.content = content
    }

    /// A user message of one text block.
    public static func user(_ text: String) -> ClaudeInputMessage { .init(role: .user, content: [.text(text)]) }
    /// A user message of several blocks (text, images, documents, tool results).
    public static func user(_ content: [ClaudeContentBlock]) -> ClaudeInputMessage { .init(role: .user, content: content) }
    /// An assistant message of one text block (a prefill or history).
    public static func assistant(_ text: String) -> ClaudeInputMessage { .init(role: .assistant, content: [.text(text)]) }
    /// An assistant message of several blocks, e.g. a previous reply's content.
    public static func assistant(_ content: [ClaudeContentBlock]) -> ClaudeInputMessage { .init(role: .assistant, content: content) }

    var json: ClaudeJSON {
        ["role": .string(role.rawValue), "content": .array(content.map(\.json))]
    }
}
