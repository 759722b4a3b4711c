/// A prompt-caching breakpoint on a block, tool or system block: the prefix up to and including
/// it is cached. https://docs.claude.com/en/docs/build-with-claude/prompt-caching
public struct ClaudeCacheControl: Sendable, Hashable {
    /// How long the cache entry lives: `5m` (the default) or `1h`; nil sends no `ttl`.
    public var ttl: String?

    /// A breakpoint whose cache entry lives for `ttl` (`5m` or `1h`); nil uses the API's default, 5 minutes.
    public init(ttl: String? = nil) { self.ttl = ttl }

    /// A 5-minute breakpoint (the API's default TTL).
    public static let ephemeral = ClaudeCacheControl()
    /// A 1-hour breakpoint (billed at the higher 1-hour write price).
    public static let oneHour = ClaudeCacheControl(ttl: "1h")

    var json: ClaudeJSON {
        var members: [String: ClaudeJSON] = ["type": "ephemeral"]
        if let ttl { members["ttl"] = .string(ttl) }
        return .object(members)
    }

    init?(json: ClaudeJSON?) {
        guard let json, json.objectValue != nil else { return nil }
        self.ttl = json["ttl"]?.stringValue
    }
}

/// Where an image comes from.
public enum ClaudeImageSource: Sendable, Hashable {
    /// Base64 data with its media type (`image/png`, `image/jpeg`, `image/gif`, `image/webp`).
    case base64(mediaType: String, data: String)
    /// A URL the API fetches.
    case url(String)

    var json: ClaudeJSON {
        switch self {
        case .base64(let mediaType, let data): ["type": "base64", "media_type": .string(mediaType), "data": .string(data)]
        case .url(let url): ["type": "url", "url": .string(url)]
        }
    }

    init?(json: ClaudeJSON?) {
        switch json?["type"]?.stringValue {
        case "base64":
            guard let mediaType = json?["media_type"]?.stringValue, let data = json?["data"]?.stringValue else { return nil }
            self = .base64(mediaType: mediaType, data: data)
        case "url":
            guard let url = json?["url"]?.stringValue else { return nil }
            self = .url(url)
        default: return nil
        }
    }
}

/// Where a document comes from.
public enum ClaudeDocumentSource: Sendable, Hashable {
    /// A base64-encoded PDF.
    case pdf(base64: String)
    /// Plain text.
    case text(String)
    /// A URL the API fetches (PDF).
    case url(String)

    var json: ClaudeJSON {
        switch self {
        case .pdf(let data): ["type": "base64", "media_type": "application/pdf", "data": .string(data)]
        case .text(let text): ["type": "text", "media_type": "text/plain", "data": .string(text)]
        case .url(let url): ["type": "url", "url": .string(url)]
        }
    }

    init?(json: ClaudeJSON?) {
        switch json?["type"]?.stringValue {
        case "base64":
            guard let data = json?["data"]?.stringValue else { return nil }
            self = .pdf(base64: data)
        case "text":
            guard let data = json?["data"]?.stringValue else { return nil }
            self = .text(data)
        case "url":
            guard let url = json?["url"]?.stringValue else { return nil }
            self = .url(url)
        default: return nil
        }
    }
}

/// Who wrote a message.
public enum ClaudeRole: String, Sendable, Hashable {
    /// The person (or program) talking to Claude; tool results are sent as the user's.
    case user
    /// Claude.
    case assistant
}
