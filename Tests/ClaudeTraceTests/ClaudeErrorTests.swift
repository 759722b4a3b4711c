import Foundation
import Testing
@testable import ClaudeTrace

@Suite("Error classification")
struct ClaudeErrorTests {
    /// One answer for each rule of reference/claude-spans.md: status, API error type, message → category and error.type.
    static let answers: [(status: Int, type: String?, message: String, category: ClaudeErrorCategory, errorType: String)] = [
        (429, "rate_limit_error", "Rate limit exceeded", .rateLimit, "rate_limit_error"),
        (529, "overloaded_error", "Overloaded", .overloaded, "overloaded_error"),
        (500, "api_error", "Internal server error", .serverError, "api_error"),
        (502, nil, "<html>Bad gateway</html>", .serverError, "server_error"),
        (503, "api_error", "Service unavailable", .serverError, "api_error"),
        (504, "timeout_error", "Gateway timeout", .timeout, "timeout_error"),
        (408, "timeout_error", "Request timeout", .timeout, "timeout_error"),
        (400, "invalid_request_error", "messages.0.content: Field required", .invalidRequest, "invalid_request_error"),
        (400, "invalid_request_error", "prompt is too long: 210000 tokens > 200000 maximum", .contextTooLong, "invalid_request_error"),
        (400, "invalid_request_error", "input length and `max_tokens` exceed context limit: 195000 + 8192 > 200000", .contextTooLong, "invalid_request_error"),
        (400, "invalid_request_error", "Output blocked by content filtering policy", .contentFilter, "invalid_request_error"),
        (413, "request_too_large", "Request exceeds the maximum allowed number of bytes", .invalidRequest, "request_too_large"),
        (422, nil, "Unprocessable", .invalidRequest, "invalid_request"),
        (401, "authentication_error", "invalid x-api-key", .authError, "authentication_error"),
        (403, "permission_error", "no permission", .permission, "permission_error"),
        (404, "not_found_error", "model: claude-nope", .notFound, "not_found_error"),
        (402, "billing_error", "Your credit balance is too low", .unknown, "billing_error"),
        (409, "conflict_error", "Conflict", .unknown, "conflict_error"),
        (418, nil, "teapot", .unknown, "_OTHER"),
    ]

    @Test("every HTTP error answer gets its category, error.type, status and server request id")
    func httpAnswers() async throws {
        for answer in Self.answers {
            let (provider, exporter) = makeProvider()
            let reply: ScriptedTransport.Answer = answer.type.map { .error(answer.status, type: $0, message: answer.message) }
                ?? .response(status: answer.status, headers: ["request-id": "req_plain"], chunks: [Array(answer.message.utf8)])
            let client = makeClient(ScriptedTransport([reply]), retryPolicy: .none)
            let error = await #expect(throws: ClaudeError.self) {
                try await withTracerProvider(provider) { try await client.createMessage(simpleRequest()) }
            }
            #expect(error?.category == answer.category, "\(answer.status) \(answer.message)")
            #expect(error?.errorType == answer.errorType, "\(answer.status)")
            #expect(error?.statusCode == answer.status)
            #expect(error?.serverRequestID?.hasPrefix("req_") == true)
            let chat = try #require(await finishedSpans(provider, exporter).first)
            #expect(chat["claude.error.category"] == .string(answer.category.rawValue))
            #expect(chat["error.type"] == .string(answer.errorType))
        }
    }

    @Test("an HTML error page becomes a short message, not the page")
    func htmlBody() async throws {
        let client = makeClient(ScriptedTransport([.response(status: 502, headers: [:], chunks: [Array("<html><body>Bad gateway</body></html>".utf8)])]), retryPolicy: .none)
        let error = await #expect(throws: ClaudeError.self) { try await client.createMessage(simpleRequest()) }
        #expect(error?.message == "HTTP 502")
    }

    @Test("an error event inside a stream is classified by its type, not by the 200 status")
    func streamErrorTypes() {
        let expectations: [(String, ClaudeErrorCategory)] = [
            ("overloaded_error", .overloaded), ("rate_limit_error", .rateLimit), ("api_error", .serverError),
            ("timeout_error", .timeout), ("invalid_request_error", .invalidRequest), ("authentication_error", .authError),
            ("permission_error", .permission), ("not_found_error", .notFound), ("something_new", .unknown),
        ]
        for (type, category) in expectations {
            #expect(ClaudeError.category(status: nil, apiErrorType: type, message: "x") == category, "\(type)")
        }
    }

    @Test("transport failures become timeout, connection and cancelled")
    func transportFailures() async throws {
        for (failure, category) in [(ClaudeTransportError.timedOut, ClaudeErrorCategory.timeout),
                                    (.connectionFailed("refused"), .connection), (.cancelled, .cancelled)] {
            let client = makeClient(ScriptedTransport([.failure(failure)]), retryPolicy: .none)
            let error = await #expect(throws: ClaudeError.self) { try await client.createMessage(simpleRequest()) }
            #expect(error?.category == category)
            #expect(error?.statusCode == nil)
            #expect(error?.errorType == category.rawValue)
        }
    }

    @Test("the overall timeout stops a call whose attempts keep failing")
    func overallTimeout() async throws {
        let client = makeClient(
            ScriptedTransport([.error(529, type: "overloaded_error"), .error(529, type: "overloaded_error"), .message()]),
            overallTimeout: .milliseconds(100))
        let error = await #expect(throws: ClaudeError.self) { try await client.createMessage(simpleRequest()) }
        // The first retry's 0.5 s wait would end past the 100 ms deadline, so there is none.
        #expect(error?.category == .overloaded && error?.retries == 0)
    }

    @Test("every category is reachable and has the spec's name")
    func categoryNames() {
        #expect(ClaudeErrorCategory.allCases.map(\.rawValue) == [
            "rate_limit", "overloaded", "server_error", "timeout", "connection", "invalid_request", "context_too_long",
            "auth_error", "permission", "not_found", "content_filter", "budget_exceeded", "cancelled", "unknown",
        ])
    }

    @Test("the description names the category, status, API type, message and both request ids")
    func description() {
        let error = ClaudeError(
            category: .rateLimit, statusCode: 429, apiErrorType: "rate_limit_error", message: "Rate limit exceeded",
            requestID: "0b9d…", serverRequestID: "req_011", retries: 2)
        #expect(error.description == "claude rate_limit (HTTP 429 rate_limit_error): Rate limit exceeded [request-id req_011, claude.request_id 0b9d…, after 2 retries]")
    }
}
