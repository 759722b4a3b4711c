/// What kind of failure a call met: the `claude.error.category` span attribute.
public enum ClaudeErrorCategory: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// 429, or `rate_limit_error`.
    case rateLimit = "rate_limit"
    /// 529, or `overloaded_error` (also inside a stream).
    case overloaded
    /// Another 5xx, or `api_error`.
    case serverError = "server_error"
    /// 408, 504, `timeout_error`, or no answer within the client's timeout.
    case timeout
    /// No response: refused, reset, DNS, or a connection that broke mid-answer.
    case connection
    /// Another 400, 413 or 422.
    case invalidRequest = "invalid_request"
    /// A 400 saying the prompt is too long or exceeds the context window.
    case contextTooLong = "context_too_long"
    /// 401: a missing or bad key.
    case authError = "auth_error"
    /// 403.
    case permission
    /// 404: an unknown model or path.
    case notFound = "not_found"
    /// A content-filtering error.
    case contentFilter = "content_filter"
    /// Blocked before sending by the monitor's budget.
    case budgetExceeded = "budget_exceeded"
    /// The task was cancelled.
    case cancelled
    /// Anything else (e.g. 402 billing, a malformed answer).
    case unknown

    /// The raw value, as on spans (`claude.error.category`).
    public var description: String { rawValue }
}

extension ClaudeErrorCategory {
    /// The category a span records in `claude.error.category`; `unknown` for a value outside
    /// the list (a newer or foreign writer's), so every failure counts in exactly one category.
    package init(spanValue: String) {
        self = ClaudeErrorCategory(rawValue: spanValue) ?? .unknown
    }

    /// The category of a failed span that has no `claude.error.category` (another SDK wrote
    /// it), from its `error.type`: an API error type (`rate_limit_error`), an HTTP status
    /// (`429`) or a client-side name (`timeout`); `unknown` otherwise.
    package init(errorType: String?) {
        self = errorType.flatMap { Self.byErrorType[$0] } ?? .unknown
    }

    private static let byErrorType: [String: ClaudeErrorCategory] = [
        "rate_limit_error": .rateLimit, "429": .rateLimit,
        "overloaded_error": .overloaded, "529": .overloaded,
        "api_error": .serverError, "500": .serverError, "502": .serverError, "503": .serverError,
        "timeout": .timeout, "timeout_error": .timeout, "408": .timeout, "504": .timeout,
        "connection": .connection, "connection_error": .connection,
        "invalid_request_error": .invalidRequest, "request_too_large": .invalidRequest,
        "400": .invalidRequest, "413": .invalidRequest, "422": .invalidRequest,
        "authentication_error": .authError, "401": .authError,
        "permission_error": .permission, "403": .permission,
        "not_found_error": .notFound, "404": .notFound,
        "budget_exceeded": .budgetExceeded, "cancelled": .cancelled,
    ]

    /// Whether the client retries a failure of this kind: a final failure with one of them
    /// means the client gave up after its retries.
    package var isRetryable: Bool {
        switch self {
        case .rateLimit, .overloaded, .serverError, .timeout, .connection: true
        default: false
        }
    }

    /// The category's position in ``allCases``: a fixed counter slot.
    package var index: Int { Self.indices[self]! }

    private static let indices = Dictionary(uniqueKeysWithValues: allCases.enumerated().map { ($0.element, $0.offset) })
}
