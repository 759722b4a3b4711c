/// A failure the simulated Claude plays instead of answering (see ``SimulatedClaude/script(_:model:times:)``).
public enum SimulatedFailure: Sendable, Hashable {
    /// An HTTP error answer with the API's error body. Without `errorType`/`message` the API's
    /// usual ones for the status are used.
    case status(Int, errorType: String? = nil, message: String? = nil, headers: ClaudeHTTPHeaders = [:])
    /// A 200 stream that sends `afterDeltas` content deltas, then an `error` event, then ends.
    /// A plain call gets a 529 instead (as the API does when it cannot stream the failure).
    case errorInStream(errorType: String = "overloaded_error", message: String = "Overloaded", afterDeltas: Int = 1)
    /// The connection drops after `afterDeltas` content deltas (plain calls: mid-body).
    case dropStream(afterDeltas: Int = 3)
    /// No answer at all: the request waits until its timeout (or its cancellation).
    case hang
    /// The connection is refused before anything is sent.
    case connectionRefused

    /// 429 `rate_limit_error`, with `retry-after` when given.
    public static func rateLimited(retryAfterSeconds: Int? = nil) -> SimulatedFailure {
        var headers = ClaudeHTTPHeaders()
        if let retryAfterSeconds { headers["retry-after"] = String(retryAfterSeconds) }
        return .status(429, headers: headers)
    }

    /// 529 `overloaded_error`.
    public static let overloaded = SimulatedFailure.status(529)
    /// 500 `api_error`.
    public static let serverError = SimulatedFailure.status(500)
    /// 400 "prompt is too long: 210000 tokens > 200000 maximum".
    public static let contextTooLong = SimulatedFailure.status(
        400, errorType: "invalid_request_error", message: "prompt is too long: 210000 tokens > 200000 maximum")
    /// 400 "Output blocked by content filtering policy".
    public static let contentFiltered = SimulatedFailure.status(
        400, errorType: "invalid_request_error", message: "Output blocked by content filtering policy")
    /// 401 `authentication_error`.
    public static let authentication = SimulatedFailure.status(401)

    /// The API's error type and message for a status (as the real API words them).
    static func standardError(for status: Int) -> (type: String, message: String) {
        switch status {
        case 400: ("invalid_request_error", "Invalid request")
        case 401: ("authentication_error", "invalid x-api-key")
        case 402: ("billing_error", "Your credit balance is too low")
        case 403: ("permission_error", "Your API key does not have permission to use the specified resource")
        case 404: ("not_found_error", "Not found")
        case 408: ("timeout_error", "Request timeout")
        case 409: ("conflict_error", "Conflict")
        case 413: ("request_too_large", "Request exceeds the maximum allowed number of bytes")
        case 429: ("rate_limit_error", "Rate limit exceeded")
        case 504: ("timeout_error", "Gateway timeout")
        case 529: ("overloaded_error", "Overloaded")
        case 500...599: ("api_error", "Internal server error")
        default: ("invalid_request_error", "Error")
        }
    }
}
