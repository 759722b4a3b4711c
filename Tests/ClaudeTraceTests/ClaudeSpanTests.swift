import Foundation
import Testing
@testable import ClaudeTrace

@Suite("The span of a Claude call")
struct ClaudeSpanTests {
    typealias Key = ClaudeAttributeKey

    @Test("a plain call is one client span named after the model, child of the current span, with request and response attributes")
    func plainCallSpan() async throws {
        let (provider, exporter) = makeProvider()
        let transport = ScriptedTransport([
            .message(
                usage: ["input_tokens": 100, "output_tokens": 20, "cache_read_input_tokens": 1000, "cache_creation_input_tokens": 50,
                        "service_tier": "standard", "output_tokens_details": ["thinking_tokens": 5]],
                headers: ["request-id": "req_abc", "anthropic-ratelimit-requests-remaining": "3999",
                          "anthropic-ratelimit-tokens-remaining": "1999000", "anthropic-ratelimit-input-tokens-remaining": "1500000",
                          "anthropic-ratelimit-output-tokens-remaining": "399000"]),
        ])
        let client = makeClient(transport)
        var request = simpleRequest()
        request.temperature = 0.5
        request.topP = 0.9
        request.topK = 40
        request.stopSequences = ["END"]
        let response = try await withTracerProvider(provider) {
            try await withSpan("handle-ticket") { _ in
                try await client.createMessage(request, attribution: .init(userID: "u-42", feature: "ticket-summary", conversationID: "conv-1"))
            }
        }
        let spans = await finishedSpans(provider, exporter)
        let chat = try #require(spans.first { $0.name == "chat claude-sonnet-4-6" })
        let parent = try #require(spans.first { $0.name == "handle-ticket" })
        #expect(chat.kind == .client)
        #expect(chat.parentSpanID == parent.context.spanID)
        #expect(chat.context.traceID == parent.context.traceID)
        #expect(chat.status == .unset)
        #expect(chat[Key.operationName] == "chat")
        #expect(chat[Key.providerName] == "anthropic")
        #expect(chat["gen_ai.system"] == nil)
        #expect(chat[Key.requestModel] == "claude-sonnet-4-6")
        #expect(chat[Key.serverAddress] == "api.anthropic.com")
        #expect(chat[Key.serverPort] == .int(443))
        #expect(chat[Key.requestStream] == nil)
        #expect(chat[Key.requestMaxTokens] == .int(256))
        #expect(chat[Key.requestTemperature] == .double(0.5))
        #expect(chat[Key.requestTopP] == .double(0.9))
        #expect(chat[Key.requestTopK] == .int(40))
        #expect(chat[Key.requestStopSequences] == .stringArray(["END"]))
        #expect(chat[Key.userID] == "u-42")
        #expect(chat[Key.feature] == "ticket-summary")
        #expect(chat[Key.conversationID] == "conv-1")
        #expect(chat[Key.requestID] == .string(response.requestID))
        #expect(response.requestID == response.requestID.lowercased() && UUID(uuidString: response.requestID) != nil)
        #expect(chat[Key.responseID] == "msg_01")
        #expect(chat[Key.responseModel] == "claude-sonnet-4-6")
        #expect(chat[Key.finishReasons] == .stringArray(["stop"]))
        #expect(chat[Key.stopReason] == "end_turn")
        #expect(chat[Key.inputTokens] == .int(1150))
        #expect(chat[Key.outputTokens] == .int(20))
        #expect(chat[Key.cacheReadInputTokens] == .int(1000))
        #expect(chat[Key.cacheCreationInputTokens] == .int(50))
        #expect(chat[Key.reasoningOutputTokens] == .int(5))
        #expect(chat[Key.serviceTier] == "standard")
        #expect(chat[Key.serverRequestID] == "req_abc")
        #expect(response.serverRequestID == "req_abc")
        #expect(chat[Key.rateLimitRequestsRemaining] == .int(3999))
        #expect(chat[Key.rateLimitTokensRemaining] == .int(1_999_000))
        #expect(chat[Key.rateLimitInputTokensRemaining] == .int(1_500_000))
        #expect(chat[Key.rateLimitOutputTokensRemaining] == .int(399_000))
        #expect(chat[Key.httpStatusCode] == .int(200))
        #expect(chat[Key.retries] == .int(0))
        #expect(chat[Key.timeToFirstChunk] == nil)
        #expect(chat[Key.errorType] == nil && chat[Key.errorCategory] == nil)
        // 100 × $3 + 50 × $3.75 + 1000 × $0.30 + 20 × $15, per million tokens.
        let expected: Double = (100 * 3.0 + 50 * 3.75 + 1000 * 0.30 + 20 * 15.0) / 1e6
        #expect(chat[Key.costUSD]?.doubleValue.map { abs($0 - expected) < 1e-12 } == true)
        #expect(chat[Key.costPicodollars] == .int(1_087_500_000))
        #expect(chat[Key.priceUnknown] == nil)
        #expect(response.costUSD.map { abs($0 - expected) < 1e-12 } == true)
        #expect(response.text == "Hello there.")
    }

    @Test("request ids are lowercase version-4 UUIDs, a new one per call")
    func requestIDs() {
        let ids = (0..<1000).map { _ in ClaudeRequestID.make() }
        #expect(Set(ids).count == 1000)
        for id in ids.prefix(50) {
            #expect(UUID(uuidString: id) != nil && id == id.lowercased() && id.count == 36)
            let characters = Array(id)
            #expect(characters[14] == "4" && "89ab".contains(characters[19]))
        }
    }

    @Test("header names are case-insensitive and repeated fields join")
    func headers() {
        var headers: ClaudeHTTPHeaders = ["Request-Id": "req_1"]
        headers.add("Set-Thing", "a")
        headers.add("set-thing", "b")
        #expect(headers["request-id"] == "req_1" && headers["REQUEST-ID"] == "req_1")
        #expect(headers["set-thing"] == "a, b")
        headers["SET-THING"] = "c"
        #expect(headers["set-thing"] == "c")
        headers["set-thing"] = nil
        #expect(headers["set-thing"] == nil && headers["missing"] == nil)
    }

    @Test("an unknown model's call has no cost and says the price is unknown")
    func unknownPrice() async throws {
        let (provider, exporter) = makeProvider()
        let client = makeClient(ScriptedTransport([.message(model: "claude-mythos-preview")]))
        let response = try await withTracerProvider(provider) {
            try await client.createMessage(simpleRequest(model: "claude-mythos-preview"))
        }
        let chat = try #require(await finishedSpans(provider, exporter).first)
        #expect(response.cost == nil && response.costUSD == nil)
        #expect(chat[Key.costUSD] == nil)
        #expect(chat[Key.costPicodollars] == nil)
        #expect(chat[Key.priceUnknown] == true)
    }

    @Test("the response's model prices the call, the requested one when the response's is unknown")
    func pricedByResponseModel() async throws {
        let client = makeClient(ScriptedTransport([
            .message(model: "claude-opus-4-5-20251101", usage: ["input_tokens": 1_000_000, "output_tokens": 0]),
            .message(model: "some-internal-name", usage: ["input_tokens": 1_000_000, "output_tokens": 0]),
        ]))
        let first = try await client.createMessage(simpleRequest(model: "claude-opus-4-5"))
        #expect(first.cost == ClaudeCost(microdollars: 5_000_000))
        let second = try await client.createMessage(simpleRequest(model: "claude-haiku-4-5"))
        #expect(second.cost == ClaudeCost(microdollars: 1_000_000))
    }

    @Test("a failed call sets status error, the error attributes and an exception event")
    func failedCallSpan() async throws {
        let (provider, exporter) = makeProvider()
        let client = makeClient(ScriptedTransport([.error(403, type: "permission_error", message: "no access")]))
        let error = await #expect(throws: ClaudeError.self) {
            try await withTracerProvider(provider) { try await client.createMessage(simpleRequest()) }
        }
        let chat = try #require(await finishedSpans(provider, exporter).first)
        #expect(chat.status.isError)
        if case .error(let description) = chat.status { #expect(description?.contains("no access") == true) }
        #expect(chat[Key.errorType] == "permission_error")
        #expect(chat[Key.errorCategory] == "permission")
        #expect(chat[Key.httpStatusCode] == .int(403))
        #expect(chat[Key.serverRequestID] == "req_err_403")
        #expect(chat[Key.retries] == .int(0))
        #expect(chat[Key.requestID] == .string(error?.requestID ?? "-"))
        let exception = try #require(chat.events.first { $0.name == "exception" })
        #expect(exception.attributes["exception.type"] == "ClaudeError")
        #expect(exception.attributes["exception.message"]?.stringValue?.contains("permission") == true)
        #expect(error?.serverRequestID == "req_err_403")
        #expect(error?.statusCode == 403)
        #expect(error?.apiErrorType == "permission_error")
    }

    @Test("cancelling the task cancels the request and ends the span with category cancelled")
    func cancelledCall() async throws {
        let (provider, exporter) = makeProvider()
        let client = makeClient(ScriptedTransport([.hang]))
        let task = Task {
            try await withTracerProvider(provider) { try await client.createMessage(simpleRequest()) }
        }
        try await Task.sleep(for: .milliseconds(50))
        task.cancel()
        let result = await task.result
        #expect(throws: ClaudeError.self) { try result.get() }
        if case .failure(let error as ClaudeError) = result { #expect(error.category == .cancelled) }
        let chat = try #require(await finishedSpans(provider, exporter).first)
        #expect(chat.status.isError)
        #expect(chat[Key.errorCategory] == "cancelled")
        #expect(chat[Key.errorType] == "cancelled")
    }

    @Test("a call blocked by the monitor is never sent, throws budget_exceeded and still leaves a span")
    func budgetBlocked() async throws {
        struct Blocker: ClaudeCallObserver {
            func admit(_ call: ClaudeCallInfo) -> BudgetDecision {
                call.attribution.userID == "u-over" ? .block(limit: "per_user_daily", message: "u-over spent $10.00 of $10.00 today") : .allow
            }
        }
        let (provider, exporter) = makeProvider()
        let transport = ScriptedTransport([.message()])
        let client = makeClient(transport, monitor: Blocker())
        let error = await #expect(throws: ClaudeError.self) {
            try await withTracerProvider(provider) { try await client.createMessage(simpleRequest(), attribution: .init(userID: "u-over")) }
        }
        #expect(error?.category == .budgetExceeded)
        #expect(transport.requests.isEmpty)
        let chat = try #require(await finishedSpans(provider, exporter).first)
        #expect(chat.status.isError)
        #expect(chat[Key.errorType] == "budget_exceeded")
        #expect(chat[Key.errorCategory] == "budget_exceeded")
        #expect(chat[Key.budgetLimit] == "per_user_daily")
        #expect(chat[Key.userID] == "u-over")
        #expect(chat.events.contains { $0.name == "exception" })
    }

    @Test("the monitor's per-request warning becomes a budget.warning event")
    func budgetWarningEvent() async throws {
        struct Warner: ClaudeCallObserver {
            func admit(_ call: ClaudeCallInfo) -> BudgetDecision { .allow }
            func warning(for call: ClaudeCallInfo, cost: ClaudeCost) -> String? { cost.usd > 0 ? "one call cost \(cost)" : nil }
        }
        let (provider, exporter) = makeProvider()
        let client = makeClient(ScriptedTransport([.message()]), monitor: Warner())
        _ = try await withTracerProvider(provider) { try await client.createMessage(simpleRequest()) }
        let chat = try #require(await finishedSpans(provider, exporter).first)
        let warning = try #require(chat.events.first { $0.name == "budget.warning" })
        #expect(warning.attributes["message"]?.stringValue?.hasPrefix("one call cost $0.") == true)
    }

    @Test("the observer sees the call before it is sent, with a worst-case cost estimate")
    func observerSeesCallInfo() async throws {
        final class Spy: ClaudeCallObserver, @unchecked Sendable {
            var seen: ClaudeCallInfo?
            func admit(_ call: ClaudeCallInfo) -> BudgetDecision { seen = call; return .allow }
        }
        let spy = Spy()
        let client = makeClient(ScriptedTransport([.message()]), monitor: spy)
        let response = try await client.createMessage(simpleRequest(maxTokens: 1000), attribution: .init(userID: "u-1"))
        let info = try #require(spy.seen)
        #expect(info.model == sonnet && info.maxTokens == 1000 && !info.isStreaming)
        #expect(info.requestID == response.requestID)
        #expect(info.attribution.userID == "u-1")
        #expect(info.estimatedInputTokens > 0)
        #expect((info.estimatedMaximumCost?.usd ?? 0) >= 1000 * 15 / 1e6)
    }

    @Test("content is not recorded by default, and is recorded as GenAI messages when opted in")
    func contentCapture() async throws {
        var request = simpleRequest("What is the weather in Paris?")
        request.system = "You are terse."
        for capture in [false, true] {
            let (provider, exporter) = makeProvider()
            let client = makeClient(ScriptedTransport([.message(text: "Sunny.")]), capture: capture)
            _ = try await withTracerProvider(provider) { try await client.createMessage(request) }
            let chat = try #require(await finishedSpans(provider, exporter).first)
            if capture {
                #expect(chat[Key.inputMessages] == #"[{"parts":[{"content":"What is the weather in Paris?","type":"text"}],"role":"user"}]"#)
                #expect(chat[Key.systemInstructions] == #"[{"content":"You are terse.","type":"text"}]"#)
                #expect(chat[Key.outputMessages] == #"[{"finish_reason":"stop","parts":[{"content":"Sunny.","type":"text"}],"role":"assistant"}]"#)
            } else {
                let text = chat.attributes.map { "\($0.value)" }.joined()
                #expect(!text.contains("Paris") && !text.contains("terse") && !text.contains("Sunny"))
                #expect(chat[Key.inputMessages] == nil && chat[Key.outputMessages] == nil && chat[Key.systemInstructions] == nil)
            }
        }
    }

    @Test("captured content is cut by the span's attribute length limit, and images are never copied")
    func capturedContentIsLimited() async throws {
        let (provider, exporter) = makeProvider(limits: SpanLimits(attributeValueLengthLimit: 60))
        let client = makeClient(ScriptedTransport([.message()]), capture: true)
        let request = ClaudeMessageRequest(model: sonnet, maxTokens: 10, messages: [
            .user([.image(.base64(mediaType: "image/png", data: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk")), "Describe it in detail please"]),
        ])
        _ = try await withTracerProvider(provider) { try await client.createMessage(request) }
        let chat = try #require(await finishedSpans(provider, exporter).first)
        let input = try #require(chat[Key.inputMessages]?.stringValue)
        #expect(input.count == 60)
        #expect(!input.contains("iVBOR"))
        #expect(input == String(#"[{"parts":[{"mime_type":"image/png","modality":"image","type":"blob"},"#.prefix(60)))
    }

    @Test("the environment variable turns content capture on")
    func captureFromEnvironment() {
        let on = ClaudeClientConfiguration(apiKey: "k", environment: EnvironmentReader(["OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT": "true"]))
        let off = ClaudeClientConfiguration(apiKey: "k", environment: EnvironmentReader([:]))
        let code = ClaudeClientConfiguration(apiKey: "k", captureMessageContent: false,
                                             environment: EnvironmentReader(["OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT": "true"]))
        #expect(on.captureMessageContent && !off.captureMessageContent && !code.captureMessageContent)
    }

    @Test("the key and the base URL come from the environment, and server.port defaults by scheme")
    func configurationFromEnvironment() async throws {
        let environment = EnvironmentReader(["ANTHROPIC_API_KEY": "sk-env", "ANTHROPIC_BASE_URL": "http://127.0.0.1:8080/"])
        let configuration = ClaudeClientConfiguration(environment: environment)
        #expect(configuration.apiKey == "sk-env")
        #expect(configuration.messagesURL.absoluteString == "http://127.0.0.1:8080/v1/messages")
        #expect(configuration.server.host == "127.0.0.1" && configuration.server.port == 8080)
        let plain = ClaudeClientConfiguration(baseURL: URL(string: "http://proxy.internal")!, environment: EnvironmentReader([:]))
        #expect(plain.server.port == 80)
        let defaults = ClaudeClientConfiguration(environment: EnvironmentReader([:]))
        #expect(defaults.baseURL.absoluteString == "https://api.anthropic.com" && defaults.server.port == 443)
        #expect(defaults.apiKey == nil)
    }

    @Test("a call without an API key fails with auth_error before anything is sent")
    func missingKey() async throws {
        let transport = ScriptedTransport([.message()])
        let client = ClaudeClient(configuration: ClaudeClientConfiguration(environment: EnvironmentReader([:])), transport: transport)
        let error = await #expect(throws: ClaudeError.self) { try await client.createMessage(simpleRequest()) }
        #expect(error?.category == .authError)
        #expect(transport.requests.isEmpty)
    }

    @Test("without a provider installed the call still works and records nothing")
    func noProvider() async throws {
        let client = makeClient(ScriptedTransport([.message()]))
        let response = try await withTracerProvider(.noop) { try await client.createMessage(simpleRequest()) }
        #expect(response.text == "Hello there.")
        #expect(response.cost != nil)
    }

    @Test("without a configured tracer, calls use the current provider's tracer, made once per provider")
    func providerTracerReused() async throws {
        let (first, firstExporter) = makeProvider()
        let (second, secondExporter) = makeProvider()
        let client = makeClient(ScriptedTransport([.message(), .message(), .message()]))
        let tracers = try await withTracerProvider(first) {
            let tracer = client.tracer()
            _ = try await client.createMessage(simpleRequest())
            _ = try await client.createMessage(simpleRequest())
            return (tracer, client.tracer())
        }
        #expect(tracers.0 === tracers.1)
        #expect(tracers.0.provider === first)
        #expect(tracers.0.scope.name == "claude-trace.claude")
        let switched = try await withTracerProvider(second) {
            _ = try await client.createMessage(simpleRequest())
            return client.tracer()
        }
        #expect(switched.provider === second)
        #expect(await finishedSpans(first, firstExporter).map(\.name) == ["chat claude-sonnet-4-6", "chat claude-sonnet-4-6"])
        #expect(await finishedSpans(second, secondExporter).map(\.scope.name) == ["claude-trace.claude"])
    }
}
