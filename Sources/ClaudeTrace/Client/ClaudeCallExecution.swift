import Foundation

/// One logical call in flight: the request as it will be sent, its span and its ids.
struct PreparedCall: Sendable {
    let request: ClaudeMessageRequest
    let requestID: String
    let info: ClaudeCallInfo
    let span: ClaudeCallSpan
    let httpRequest: ClaudeHTTPRequest
    /// When the call started, which decides the pricing row in force.
    let startDate: Date
    let deadline: ContinuousClock.Instant?
    let monitor: (any ClaudeCallObserver)?
}

/// A failed attempt, and whether the retry policy may try again.
private struct AttemptFailure: Error {
    var error: ClaudeError
    var headers: ClaudeHTTPHeaders?
    var isRetryable: Bool
}

extension ClaudeClient {
    /// Starts the span and prepares the HTTP request. The body is encoded once: every attempt
    /// sends the same bytes.
    func begin(
        _ request: ClaudeMessageRequest, attribution: ClaudeAttribution, parent: SpanParent, isStreaming: Bool,
        tracer: Tracer? = nil, requestID: String? = nil
    ) -> PreparedCall {
        let requestID = requestID ?? ClaudeRequestID.make()
        let span = ClaudeCallSpan.start(
            tracer: tracer ?? self.tracer(), parent: parent, request: request, attribution: attribution, requestID: requestID,
            server: configuration.server, isStreaming: isStreaming, captureContent: configuration.captureMessageContent ? .init(apiKey: configuration.apiKey) : nil,
            metrics: configuration.metrics ?? ClaudeMetrics.current, recordsUserIDInMetrics: configuration.recordsUserIDInMetrics)
        var headers: ClaudeHTTPHeaders = [
            "content-type": "application/json",
            "accept": isStreaming ? "text/event-stream" : "application/json",
            "anthropic-version": configuration.anthropicVersion,
        ]
        if let key = configuration.apiKey, !key.isEmpty { headers["x-api-key"] = key }
        if !request.betas.isEmpty { headers["anthropic-beta"] = request.betas.joined(separator: ",") }
        let httpRequest = ClaudeHTTPRequest(
            url: configuration.messagesURL, headers: headers, body: request.json(stream: isStreaming).serializedBytes(),
            timeout: configuration.requestTimeout, isStreaming: isStreaming)
        let startDate = Date()
        let monitor = configuration.monitor ?? Telemetry.current?.monitor
        let estimatedInput = httpRequest.body.count / 4
        // Only a monitor reads the estimate: without one, skip the table lookup.
        let estimate = monitor == nil ? nil : configuration.pricing.cost(
            model: request.model, usage: ClaudeUsage(inputTokens: estimatedInput, outputTokens: request.maxTokens), at: startDate)
        return PreparedCall(
            request: request, requestID: requestID,
            info: ClaudeCallInfo(
                model: request.model, attribution: attribution, requestID: requestID, maxTokens: request.maxTokens,
                isStreaming: isStreaming, estimatedInputTokens: estimatedInput, estimatedMaximumCost: estimate),
            span: span, httpRequest: httpRequest, startDate: startDate,
            deadline: configuration.overallTimeout.map { ContinuousClock.now + $0 },
            monitor: monitor)
    }

    /// Refuses a call before sending it: no key, or the monitor's budget says no. The span
    /// ends with the reason.
    func admit(_ call: PreparedCall) throws(ClaudeError) {
        if configuration.apiKey?.isEmpty ?? true {
            let error = ClaudeError(
                category: .authError, message: "no API key: pass apiKey: to ClaudeClient or set ANTHROPIC_API_KEY",
                requestID: call.requestID)
            call.span.fail(error)
            throw error
        }
        guard let monitor = call.monitor, case .block(let limit, let message) = monitor.admit(call.info) else { return }
        let error = ClaudeError(category: .budgetExceeded, message: redacted(message), requestID: call.requestID)
        call.span.fail(error, budgetLimit: limit)
        throw error
    }

    /// Runs attempts until one succeeds (`handle` accepted a 2xx answer), a failure may not be
    /// retried, or the retries run out. Returns the result and the number of retries; a final
    /// failure ends the span and is thrown.
    nonisolated(nonsending) func execute<T>(
        _ call: PreparedCall, handle: nonisolated(nonsending) (ClaudeHTTPResponse) async throws(ClaudeError) -> T
    ) async throws(ClaudeError) -> (T, retries: Int) {
        let policy = configuration.retryPolicy
        var retries = 0
        while true {
            var failure: AttemptFailure
            do {
                let result = try await attempt(call, handle: handle)
                return (result, retries)
            } catch {
                failure = error
            }
            failure.error.retries = retries
            if failure.isRetryable, retries < policy.maxRetries, !Task.isCancelled {
                let delay = policy.delay(beforeRetry: retries, headers: failure.headers, random: configuration.random())
                if call.deadline.map({ ContinuousClock.now + delay < $0 }) ?? true {
                    retries += 1
                    call.span.recordRetry(attempt: retries, failure: failure.error, delay: delay)
                    do {
                        try await configuration.sleep(delay)
                        continue
                    } catch {
                        failure.error = cancelledError(call, retries: retries)
                    }
                }
            }
            call.span.fail(failure.error)
            throw failure.error
        }
    }

    private nonisolated(nonsending) func attempt<T>(
        _ call: PreparedCall, handle: nonisolated(nonsending) (ClaudeHTTPResponse) async throws(ClaudeError) -> T
    ) async throws(AttemptFailure) -> T {
        if Task.isCancelled { throw AttemptFailure(error: cancelledError(call, retries: 0), isRetryable: false) }
        var request = call.httpRequest
        if let deadline = call.deadline {
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else {
                let error = ClaudeError(category: .timeout, message: "the call's overall timeout passed", requestID: call.requestID)
                throw AttemptFailure(error: error, isRetryable: false)
            }
            request.timeout = min(request.timeout, remaining)
        }
        var response: ClaudeHTTPResponse
        do {
            response = try await transport.send(request)
        } catch {
            let failure = transportFailure(error, call: call)
            throw AttemptFailure(error: failure, isRetryable: failure.category == .timeout || failure.category == .connection)
        }
        // The one header that reaches spans and errors as text: a server or proxy echoing the key in it.
        if let id = response.headers["request-id"] { response.headers["request-id"] = redacted(id) }
        call.span.recordResponse(status: response.status, headers: response.headers)
        // A stream answered with a JSON body instead of events is an error body, whatever the status.
        let jsonInsteadOfStream = call.httpRequest.isStreaming
            && response.headers["content-type"]?.lowercased().hasPrefix("application/json") == true
        guard (200..<300).contains(response.status), !jsonInsteadOfStream else {
            let body = (try? await collect(response, limit: 1 << 20)) ?? []
            let error = httpFailure(status: response.status, headers: response.headers, body: body, call: call)
            throw AttemptFailure(
                error: error, headers: response.headers,
                isRetryable: !jsonInsteadOfStream && configuration.retryPolicy.isRetryable(status: response.status, headers: response.headers))
        }
        do {
            return try await handle(response)
        } catch {
            // A body cut off mid-way is a connection failure, and is retried like one.
            throw AttemptFailure(error: error, isRetryable: error.category == .timeout || error.category == .connection)
        }
    }

    /// Reads a whole plain (non-streamed) answer.
    nonisolated(nonsending) func readMessage(_ response: ClaudeHTTPResponse, call: PreparedCall) async throws(ClaudeError) -> ClaudeMessageResponse {
        let bytes: [UInt8]
        do {
            bytes = try await collect(response, limit: 256 << 20, deadline: call.deadline)
        } catch {
            throw transportFailure(error, call: call, status: response.status, headers: response.headers)
        }
        guard let json = try? ClaudeJSON.parse(bytes), var message = ClaudeMessageResponse(json: json) else {
            throw ClaudeError(
                category: .unknown, statusCode: response.status, message: "the answer is not a Messages API message",
                requestID: call.requestID, serverRequestID: response.headers["request-id"])
        }
        message.serverRequestID = response.headers["request-id"]
        return message
    }

    /// The typed error for an HTTP error answer, from its body (`{"type":"error","error":{…}}`)
    /// and headers.
    func httpFailure(status: Int, headers: ClaudeHTTPHeaders, body: [UInt8], call: PreparedCall) -> ClaudeError {
        let json = try? ClaudeJSON.parse(body)
        let apiType = json?["error"]?["type"]?.stringValue.map(redacted)
        var message = json?["error"]?["message"]?.stringValue ?? ""
        if message.isEmpty {
            let text = String(decoding: body.prefix(200), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            message = text.isEmpty || json == nil && text.hasPrefix("<") ? "HTTP \(status)" : text
        }
        return ClaudeError(
            category: ClaudeError.category(status: status, apiErrorType: apiType, message: message),
            statusCode: status, apiErrorType: apiType, message: redacted(message), requestID: call.requestID,
            serverRequestID: headers["request-id"] ?? json?["request_id"]?.stringValue.map(redacted),
            retryAfter: ClaudeRetryPolicy.retryAfter(headers))
    }

    /// The typed error for a transport failure (or a cancellation).
    func transportFailure(_ error: any Error, call: PreparedCall, status: Int? = nil, headers: ClaudeHTTPHeaders? = nil) -> ClaudeError {
        if let error = error as? ClaudeError { return error }
        if Task.isCancelled || error is CancellationError || (error as? ClaudeTransportError) == .cancelled {
            return cancelledError(call, retries: 0)
        }
        let (category, message): (ClaudeErrorCategory, String) = switch error as? ClaudeTransportError {
        case .timedOut: (.timeout, "no answer within \(call.httpRequest.timeout)")
        case .connectionFailed(let reason): (.connection, reason)
        default: (.unknown, String(describing: error))
        }
        return ClaudeError(
            category: category, statusCode: status, message: redacted(message), requestID: call.requestID,
            serverRequestID: headers?["request-id"])
    }

    func cancelledError(_ call: PreparedCall, retries: Int) -> ClaudeError {
        ClaudeError(category: .cancelled, message: "the call was cancelled", requestID: call.requestID, retries: retries)
    }

    /// `text` with the API key replaced, in case a server or a proxy echoed it back.
    func redacted(_ text: String) -> String {
        configuration.redacted(text)
    }

    /// The whole body, at most `limit` bytes; past `deadline` (checked as each chunk arrives) it
    /// fails as timed out. A body given whole is taken as it is, without a stream to await.
    private nonisolated(nonsending) func collect(
        _ response: ClaudeHTTPResponse, limit: Int, deadline: ContinuousClock.Instant? = nil
    ) async throws -> [UInt8] {
        func tooLarge() -> ClaudeTransportError { .connectionFailed("the answer is larger than \(limit) bytes") }
        var bytes: [UInt8] = []
        switch response.content {
        case .bytes(let whole):
            if whole.count > limit { throw tooLarge() }
            bytes = whole
        case .stream(let body):
            for try await chunk in body {
                bytes.append(contentsOf: chunk)
                if bytes.count > limit { throw tooLarge() }
                if let deadline, ContinuousClock.now >= deadline { throw ClaudeTransportError.timedOut }
            }
        }
        if Task.isCancelled { throw CancellationError() }
        return bytes
    }
}
