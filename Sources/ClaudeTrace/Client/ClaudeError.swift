/// A failed Claude call.
///
/// Carries everything needed to act on it without a debugger: our ``category``, the HTTP
/// ``statusCode``, the API's error ``apiErrorType`` and ``message``, the server's
/// ``serverRequestID`` (quote it to Anthropic support) and the client's ``requestID`` (find the
/// span with it). The API key never appears in it: the client redacts it from every message.
public struct ClaudeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure it is: decide on this to retry, back off or alert.
    public var category: ClaudeErrorCategory
    /// The final attempt's HTTP status; nil when no response arrived. A stream's `error` event
    /// arrives inside a 200.
    public var statusCode: Int?
    /// The API's `error.type`, e.g. `rate_limit_error`; nil when the answer had no error body.
    public var apiErrorType: String?
    /// What went wrong, from the API's error body or the client; the API key redacted.
    public var message: String
    /// The client's id for the logical call (a lowercase UUID), also on the span.
    public var requestID: String
    /// The `request-id` response header, `req_…`.
    public var serverRequestID: String?
    /// How long the server asked to wait before retrying (`retry-after-ms` / `retry-after`).
    public var retryAfter: Duration?
    /// Failed attempts that were retried before this final failure.
    public var retries: Int
    /// Whether the failure happened after a stream had delivered content.
    public var duringStream: Bool

    /// A failure, for tests and custom transports; the client fills in ids and retries for its own.
    public init(
        category: ClaudeErrorCategory, statusCode: Int? = nil, apiErrorType: String? = nil, message: String,
        requestID: String = "", serverRequestID: String? = nil, retryAfter: Duration? = nil, retries: Int = 0,
        duringStream: Bool = false
    ) {
        self.category = category
        self.statusCode = statusCode
        self.apiErrorType = apiErrorType
        self.message = message
        self.requestID = requestID
        self.serverRequestID = serverRequestID
        self.retryAfter = retryAfter
        self.retries = retries
        self.duringStream = duringStream
    }

    /// The span's `error.type`: the API's error type when there is one, else our category for
    /// the failures that have no API type (`timeout`, `connection`, `cancelled`,
    /// `budget_exceeded`, …), else `_OTHER`.
    public var errorType: String {
        if let apiErrorType, !apiErrorType.isEmpty { return apiErrorType }
        return category == .unknown ? "_OTHER" : category.rawValue
    }

    /// `claude rate_limit (HTTP 429 rate_limit_error): Rate limit exceeded [request-id req_…, claude.request_id …]`
    public var description: String {
        var detail: [String] = []
        if let statusCode { detail.append("HTTP \(statusCode)") }
        if let apiErrorType { detail.append(apiErrorType) }
        var ids: [String] = []
        if let serverRequestID { ids.append("request-id \(serverRequestID)") }
        if !requestID.isEmpty { ids.append("claude.request_id \(requestID)") }
        if retries > 0 { ids.append("after \(retries) \(retries == 1 ? "retry" : "retries")") }
        let status = detail.isEmpty ? "" : " (\(detail.joined(separator: " ")))"
        let suffix = ids.isEmpty ? "" : " [\(ids.joined(separator: ", "))]"
        return "claude \(category.rawValue)\(status): \(message)\(suffix)"
    }
}

extension ClaudeError {
    /// The category of an answer with this status and error body, by the rules in
    /// `reference/claude-spans.md`. The API's error type decides when there is one (it is what
    /// a stream's `error` event has); the status decides otherwise.
    package static func category(status: Int?, apiErrorType: String?, message: String) -> ClaudeErrorCategory {
        let lowered = message.lowercased()
        if lowered.contains("content filtering") || lowered.contains("content_filter") || apiErrorType == "content_filter_error" {
            return .contentFilter
        }
        switch apiErrorType {
        case "rate_limit_error": return .rateLimit
        case "overloaded_error": return .overloaded
        case "api_error": return status.map { $0 == 504 || $0 == 408 ? .timeout : $0 == 529 ? .overloaded : .serverError } ?? .serverError
        case "timeout_error": return .timeout
        case "authentication_error": return .authError
        case "permission_error": return .permission
        case "not_found_error": return .notFound
        case "invalid_request_error", "request_too_large":
            return isContextTooLong(lowered) ? .contextTooLong : .invalidRequest
        default: break
        }
        guard let status else { return .unknown }
        switch status {
        case 429: return .rateLimit
        case 529: return .overloaded
        case 408, 504: return .timeout
        case 401: return .authError
        case 403: return .permission
        case 404: return .notFound
        case 400, 413, 422: return isContextTooLong(lowered) ? .contextTooLong : .invalidRequest
        case 500...599: return .serverError
        default: return .unknown
        }
    }

    /// The API's two wordings: "prompt is too long: N tokens > M maximum" and "input length and
    /// `max_tokens` exceed context limit: …".
    static func isContextTooLong(_ lowered: String) -> Bool {
        lowered.contains("prompt is too long") || lowered.contains("exceed context limit")
            || lowered.contains("exceeds the context") || lowered.contains("context window")
    }
}
