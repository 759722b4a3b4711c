import Foundation

/// The span of one logical Claude call, retries included: `chat {model}`, kind client, with the
/// attributes and events of `reference/claude-spans.md`.
///
/// Every method is cheap on a non-recording span (sampled out, or no provider installed): the
/// attribute sets are skipped, not built.
struct ClaudeCallSpan: Sendable {
    let span: Span
    let requestID: String
    /// When set, prompt and reply text go on the span, with the API key cut out of them.
    let captureContent: APIKeyRedactor?
    let startMonotonic: UInt64
    /// Where the call's metrics go; nil when no meter provider is set up.
    let metrics: ClaudeCallMetrics?

    /// Starts the span with the request attributes (the sampler sees them).
    static func start(
        tracer: Tracer, parent: SpanParent, request: ClaudeMessageRequest, attribution: ClaudeAttribution,
        requestID: String, server: (host: String, port: Int), isStreaming: Bool, captureContent: APIKeyRedactor?,
        metrics: ClaudeMetrics? = nil, recordsUserIDInMetrics: Bool = false
    ) -> ClaudeCallSpan {
        typealias Key = ClaudeAttributeKey
        var attributes: Attributes = [
            Key.operationName: "chat",
            Key.providerName: "anthropic",
            Key.requestModel: .string(request.model),
            Key.serverAddress: .string(server.host),
            Key.serverPort: .int(server.port),
            Key.requestMaxTokens: .int(request.maxTokens),
            Key.requestID: .string(requestID),
        ]
        if isStreaming { attributes[Key.requestStream] = true }
        if let value = request.temperature { attributes[Key.requestTemperature] = .double(value) }
        if let value = request.topP { attributes[Key.requestTopP] = .double(value) }
        if let value = request.topK { attributes[Key.requestTopK] = .int(value) }
        if let value = request.stopSequences { attributes[Key.requestStopSequences] = .stringArray(value) }
        if let value = attribution.userID { attributes[Key.userID] = .string(value) }
        if let value = attribution.feature { attributes[Key.feature] = .string(value) }
        if let value = attribution.conversationID { attributes[Key.conversationID] = .string(value) }
        let span = tracer.startSpan("chat \(request.model)", kind: .client, attributes: attributes, parent: parent)
        if let capture = captureContent, span.isRecording {
            var content: Attributes = [Key.inputMessages: .string(capture.redacted(ClaudeContentCapture.inputMessages(request.messages)))]
            if let system = request.system {
                content[Key.systemInstructions] = .string(capture.redacted(ClaudeContentCapture.systemInstructions(system)))
            }
            span.setAttributes(content)
        }
        let callMetrics = metrics.map {
            ClaudeCallMetrics(
                metrics: $0, requestModel: request.model, host: server.host, port: server.port, feature: attribution.feature,
                userID: recordsUserIDInMetrics ? attribution.userID : nil)
        }
        return ClaudeCallSpan(
            span: span, requestID: requestID, captureContent: captureContent, startMonotonic: MonotonicClock.nanoseconds(),
            metrics: callMetrics)
    }

    /// Seconds since the call started.
    var elapsedSeconds: Double { Double(MonotonicClock.nanoseconds() &- startMonotonic) / 1e9 }

    /// What every answer's headers tell: status, the server's request id, rate-limit headroom.
    func recordResponse(status: Int, headers: ClaudeHTTPHeaders) {
        guard span.isRecording else { return }
        typealias Key = ClaudeAttributeKey
        var attributes: Attributes = [Key.httpStatusCode: .int(status)]
        if let id = headers["request-id"] { attributes[Key.serverRequestID] = .string(id) }
        for (header, key) in [
            ("anthropic-ratelimit-requests-remaining", Key.rateLimitRequestsRemaining),
            ("anthropic-ratelimit-tokens-remaining", Key.rateLimitTokensRemaining),
            ("anthropic-ratelimit-input-tokens-remaining", Key.rateLimitInputTokensRemaining),
            ("anthropic-ratelimit-output-tokens-remaining", Key.rateLimitOutputTokensRemaining),
        ] {
            if let text = headers[header], let value = Int64(text) ?? Int64(text.trimmingCharacters(in: .whitespaces)) {
                attributes[key] = .int(value)
            }
        }
        span.setAttributes(attributes)
    }

    /// A failed attempt that will be retried after `delay`.
    func recordRetry(attempt: Int, failure: ClaudeError, delay: Duration) {
        guard span.isRecording else { return }
        typealias Key = ClaudeAttributeKey
        var attributes: Attributes = [
            Key.retryAttempt: .int(attempt),
            Key.errorType: .string(failure.errorType),
            Key.errorCategory: .string(failure.category.rawValue),
            Key.retryDelayMilliseconds: .int(delay.milliseconds),
        ]
        if let status = failure.statusCode { attributes[Key.httpStatusCode] = .int(status) }
        if let id = failure.serverRequestID { attributes[Key.serverRequestID] = .string(id) }
        span.addEvent(ClaudeSpanEventName.retry, attributes: attributes)
    }

    /// The first content delta of a stream arrived; `responseModel` is what `message_start` named.
    func recordTimeToFirstChunk(responseModel: String? = nil) {
        let seconds = elapsedSeconds
        metrics?.recordTimeToFirstChunk(seconds, responseModel: responseModel)
        span.setAttribute(ClaudeAttributeKey.timeToFirstChunk, .double(seconds))
    }

    /// Ends the span with the answer: ids, finish reason, tokens, cost, retries.
    func finish(_ response: ClaudeMessageResponse, warning: String? = nil, abandoned: Bool = false) {
        defer { span.end() }
        metrics?.record(response: response, errorType: nil, seconds: elapsedSeconds)
        guard span.isRecording else { return }
        span.setAttributes(responseAttributes(response, abandoned: abandoned))
        if let warning {
            var event: Attributes = ["message": .string(warning)]
            if let cost = response.cost { event[ClaudeAttributeKey.costUSD] = .double(cost.usd) }
            span.addEvent(ClaudeSpanEventName.budgetWarning, attributes: event)
        }
    }

    /// Ends the span as failed: `error.type`, the category, status error and an `exception` event.
    /// `partial` is what a stream delivered before it failed.
    func fail(_ error: ClaudeError, partial: ClaudeMessageResponse? = nil, budgetLimit: String? = nil) {
        defer { span.end() }
        metrics?.record(response: partial, errorType: error.errorType, seconds: elapsedSeconds)
        guard span.isRecording else { return }
        typealias Key = ClaudeAttributeKey
        var attributes = partial.map { responseAttributes($0, abandoned: false) } ?? [:]
        attributes[Key.errorType] = .string(error.errorType)
        attributes[Key.errorCategory] = .string(error.category.rawValue)
        attributes[Key.retries] = .int(error.retries)
        if let status = error.statusCode { attributes[Key.httpStatusCode] = .int(status) }
        if let id = error.serverRequestID { attributes[Key.serverRequestID] = .string(id) }
        if let budgetLimit { attributes[Key.budgetLimit] = .string(budgetLimit) }
        span.setAttributes(attributes)
        span.recordError(error, attributes: ["exception.type": "ClaudeError"])
    }

    private func responseAttributes(_ response: ClaudeMessageResponse, abandoned: Bool) -> Attributes {
        typealias Key = ClaudeAttributeKey
        let usage = response.usage
        var attributes: Attributes = [
            Key.inputTokens: .int(usage.promptTokens),
            Key.outputTokens: .int(usage.outputTokens),
            Key.cacheReadInputTokens: .int(usage.cacheReadInputTokens),
            Key.cacheCreationInputTokens: .int(usage.cacheCreationInputTokens),
            Key.retries: .int(response.retries),
        ]
        if !response.id.isEmpty { attributes[Key.responseID] = .string(response.id) }
        if !response.model.isEmpty { attributes[Key.responseModel] = .string(response.model) }
        if let reason = response.stopReason {
            attributes[Key.finishReasons] = .stringArray([reason.finishReason])
            attributes[Key.stopReason] = .string(reason.rawValue)
        }
        if let thinking = usage.thinkingTokens { attributes[Key.reasoningOutputTokens] = .int(thinking) }
        if let tier = usage.serviceTier { attributes[Key.serviceTier] = .string(tier) }
        if let cost = response.cost {
            attributes[Key.costUSD] = .double(cost.usd)
            attributes[Key.costPicodollars] = .int(cost.picodollars)
        } else {
            attributes[Key.priceUnknown] = true
        }
        if abandoned { attributes[Key.streamAbandoned] = true }
        if let capture = captureContent, !response.content.isEmpty {
            attributes[Key.outputMessages] = .string(capture.redacted(ClaudeContentCapture.outputMessages(response)))
        }
        return attributes
    }
}
