/// One block of a message's content, in a request or a response.
///
/// The same type serves both directions, so an assistant reply can be appended to the next
/// request's messages as it is. A block of a type this library does not know (a server tool's
/// result, a newer block type) is kept whole as ``unknown(type:json:)`` and sent back unchanged.
public enum ClaudeContentBlock: Sendable, Hashable {
    /// Text, optionally ending a cached prefix.
    case text(String, cacheControl: ClaudeCacheControl? = nil)
    /// An image, from base64 data or a URL.
    case image(ClaudeImageSource, cacheControl: ClaudeCacheControl? = nil)
    /// A document (PDF or plain text) with an optional title.
    case document(ClaudeDocumentSource, title: String? = nil, cacheControl: ClaudeCacheControl? = nil)
    /// A tool call: in a response, Claude asks for it; in a request, it is history.
    case toolUse(id: String, name: String, input: ClaudeJSON, cacheControl: ClaudeCacheControl? = nil)
    /// The result of a tool call, answering the `tool_use` with the same id.
    case toolResult(toolUseID: String, content: [ClaudeContentBlock], isError: Bool = false, cacheControl: ClaudeCacheControl? = nil)
    /// Extended thinking, with the signature the API needs when the block is sent back.
    case thinking(String, signature: String)
    /// Thinking the API encrypted; send it back as it came.
    case redactedThinking(data: String)
    /// A block of another type, kept as received.
    case unknown(type: String, json: ClaudeJSON)

    /// The block's `type` on the wire.
    public var type: String {
        switch self {
        case .text: "text"
        case .image: "image"
        case .document: "document"
        case .toolUse: "tool_use"
        case .toolResult: "tool_result"
        case .thinking: "thinking"
        case .redactedThinking: "redacted_thinking"
        case .unknown(let type, _): type
        }
    }

    /// The text of a text block; nil for other blocks.
    public var text: String? { if case .text(let text, _) = self { text } else { nil } }

    /// The block as the API's JSON.
    package var json: ClaudeJSON {
        var members: [String: ClaudeJSON]
        var cache: ClaudeCacheControl?
        switch self {
        case .text(let text, let cacheControl):
            members = ["type": "text", "text": .string(text)]
            cache = cacheControl
        case .image(let source, let cacheControl):
            members = ["type": "image", "source": source.json]
            cache = cacheControl
        case .document(let source, let title, let cacheControl):
            members = ["type": "document", "source": source.json]
            if let title { members["title"] = .string(title) }
            cache = cacheControl
        case .toolUse(let id, let name, let input, let cacheControl):
            members = ["type": "tool_use", "id": .string(id), "name": .string(name), "input": input]
            cache = cacheControl
        case .toolResult(let toolUseID, let content, let isError, let cacheControl):
            members = ["type": "tool_result", "tool_use_id": .string(toolUseID), "content": .array(content.map(\.json))]
            if isError { members["is_error"] = true }
            cache = cacheControl
        case .thinking(let thinking, let signature):
            members = ["type": "thinking", "thinking": .string(thinking), "signature": .string(signature)]
        case .redactedThinking(let data):
            members = ["type": "redacted_thinking", "data": .string(data)]
        case .unknown(_, let json):
            return json
        }
        if let cache { members["cache_control"] = cache.json }
        return .object(members)
    }

    /// Reads a block from the API's JSON. Never fails: a block of an unknown type, or a known
    /// type missing a required field, is kept as ``unknown(type:json:)``.
    package init(json: ClaudeJSON) {
        let type = json["type"]?.stringValue ?? ""
        let cache = ClaudeCacheControl(json: json["cache_control"])
        switch type {
        case "text":
            if let text = json["text"]?.stringValue { self = .text(text, cacheControl: cache); return }
        case "image":
            if let source = ClaudeImageSource(json: json["source"]) { self = .image(source, cacheControl: cache); return }
        case "document":
            if let source = ClaudeDocumentSource(json: json["source"]) {
                self = .document(source, title: json["title"]?.stringValue, cacheControl: cache)
                return
            }
        case "tool_use":
            if let id = json["id"]?.stringValue, let name = json["name"]?.stringValue {
                self = .toolUse(id: id, name: name, input: json["input"] ?? [:], cacheControl: cache)
                return
            }
        case "tool_result":
            if let id = json["tool_use_id"]?.stringValue {
                let content: [ClaudeContentBlock] = switch json["content"] {
                case .string(let text): [.text(text)]
                case .array(let blocks): blocks.map(ClaudeContentBlock.init(json:))
                default: []
                }
                self = .toolResult(toolUseID: id, content: content, isError: json["is_error"]?.boolValue ?? false, cacheControl: cache)
                return
            }
        case "thinking":
            if let thinking = json["thinking"]?.stringValue {
                self = .thinking(thinking, signature: json["signature"]?.stringValue ?? "")
                return
            }
        case "redacted_thinking":
            if let data = json["data"]?.stringValue { self = .redactedThinking(data: data); return }
        default:
            break
        }
        self = .unknown(type: type, json: json)
    }
}

extension ClaudeContentBlock: ExpressibleByStringLiteral {
    /// A text block: `["Describe this image", .image(…)]`.
    public init(stringLiteral value: String) { self = .text(value) }
}
