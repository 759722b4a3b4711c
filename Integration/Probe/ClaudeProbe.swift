// Drives ClaudeClient against the Claude API test double (Integration/claude_double) over real
// HTTP: `integration-probe claude-calls --base-url URL --out SPANS.jsonl [--results RESULTS.jsonl]
// [--closed-port N]`. Runs a scripted set of calls (plain, streamed, every error category,
// retries, cancellation, a dropped stream…), each inside a root span `case NAME`, and writes every
// finished span as one JSON object per line, plus one result line per case. The API key comes
// from CLAUDE_PROBE_API_KEY so the test can search every output for it.
import ClaudeTrace
import Foundation

let claudeCommands: [String: ProbeCommand] = ["claude-calls": runClaudeCalls]

@Sendable func runClaudeCalls(_ arguments: [String]) async throws {
    var options: [String: String] = [:]
    var index = 0
    while index + 1 < arguments.count {
        options[arguments[index]] = arguments[index + 1]
        index += 2
    }
    guard let base = options["--base-url"].flatMap(URL.init(string:)), let out = options["--out"] else {
        print("usage: integration-probe claude-calls --base-url URL --out FILE [--results FILE] [--closed-port N] [--only CASE,…]")
        return
    }
    let exporter = InMemorySpanExporter()
    let provider = TracerProvider(
        resource: Resource(attributes: ["service.name": "claude-probe"]), processors: [SimpleSpanProcessor(exporter: exporter)])
    let probe = ClaudeProbe(base: base, closedPort: options["--closed-port"].flatMap(Int.init) ?? 9)
    let only = options["--only"].map { Set($0.split(separator: ",").map(String.init)) }
    var results: [ClaudeJSON] = []
    await withTracerProvider(provider) {
        for (name, run) in probe.cases where only?.contains(name) ?? true {
            let outcome: ClaudeJSON = await withSpan("case \(name)", attributes: ["probe.case": .string(name)]) { _ in
                do {
                    return try await run()
                } catch let error as ClaudeError {
                    return ["ok": false, "error": ClaudeProbe.json(error)]
                } catch {
                    return ["ok": false, "error": ["category": "probe", "description": .string("\(error)")]]
                }
            }
            var line = outcome.objectValue ?? [:]
            line["case"] = .string(name)
            if line["ok"] == nil { line["ok"] = true }
            results.append(.object(line))
        }
    }
    await provider.forceFlush()
    try ClaudeProbe.writeLines(exporter.exportedSpans.map(ClaudeProbe.json(span:)), to: out)
    if let path = options["--results"] { try ClaudeProbe.writeLines(results, to: path) }
    print("claude-calls: \(results.count) cases, \(exporter.exportedSpans.count) spans")
}

struct ClaudeProbe: Sendable {
    let base: URL
    let closedPort: Int
    let key = ProcessInfo.processInfo.environment["CLAUDE_PROBE_API_KEY"] ?? "sk-ant-probe-0000"

    /// Blocks calls whose feature is `budget-blocked`, as a monitor's budget would.
    struct Budget: ClaudeCallObserver {
        func admit(_ call: ClaudeCallInfo) -> BudgetDecision {
            call.attribution.feature == "budget-blocked" ? .block(limit: "per_user_daily", message: "user u-budget spent $5.00 of $5.00 today") : .allow
        }
    }

    func client(retries: Int = 2, timeout: Duration = .seconds(20), capture: Bool = false, key: String? = nil, base: URL? = nil) -> ClaudeClient {
        ClaudeClient(
            apiKey: key ?? self.key, baseURL: base ?? self.base, requestTimeout: timeout, retryPolicy: ClaudeRetryPolicy(maxRetries: retries),
            captureMessageContent: capture, monitor: Budget())
    }

    static let system = String(repeating: "You are a support assistant for an online shop. Answer briefly and politely. ", count: 12)
    static let weather = ClaudeTool(
        name: "get_weather", description: "Weather for a place",
        inputSchema: ["type": "object", "properties": ["location": ["type": "string"]], "required": ["location"]])

    func request(_ text: String, model: String = "claude-sonnet-4-6", maxTokens: Int = 256) -> ClaudeMessageRequest {
        ClaudeMessageRequest(model: model, maxTokens: maxTokens, messages: [.user(text)])
    }

    /// The cases, in order: name and what it does.
    var cases: [(String, @Sendable () async throws -> ClaudeJSON)] {
        let attribution = ClaudeAttribution(userID: "u-42", feature: "ticket-summary")
        let cached = ClaudeMessageRequest(
            model: "claude-sonnet-4-6", maxTokens: 256, messages: [.user("Summarize ticket T-1: the parcel arrived late.")],
            system: .blocks([.text(Self.system, cacheControl: .ephemeral)]), temperature: 0.2, topP: 0.9, topK: 50,
            metadataUserID: "u-42")
        let oneHour = ClaudeMessageRequest(
            model: "claude-opus-4-5-20251101", maxTokens: 128, messages: [.user("Classify ticket T-2.")],
            system: .blocks([.text(Self.system + " Opus.", cacheControl: .oneHour)]), stopSequences: ["double"])
        let thinking = ClaudeMessageRequest(
            model: "claude-sonnet-4-6", maxTokens: 2048, messages: [.user("Think, then greet the customer.")],
            thinking: .enabled(budgetTokens: 1024))
        let tools = ClaudeMessageRequest(
            model: "claude-sonnet-4-6", maxTokens: 256, messages: [.user("What is the weather in Paris?")], tools: [Self.weather])
        var cases: [(String, @Sendable () async throws -> ClaudeJSON)] = [
            ("plain_cache_write", { try Self.json(await client().createMessage(cached, attribution: attribution)) }),
            ("plain_cache_read", { try Self.json(await client().createMessage(cached, attribution: attribution)) }),
            ("plain_1h_dated_id", { try Self.json(await client().createMessage(oneHour, attribution: attribution)) }),
            ("plain_tool", { try Self.json(await client().createMessage(tools)) }),
            ("plain_unknown_price", { try Self.json(await client().createMessage(request("Hello", model: "claude-mythos-preview"))) }),
            ("plain_refusal", { try Self.json(await client().createMessage(request("Do the bad thing #scenario:refusal"))) }),
            ("plain_capture", { try Self.json(await client(capture: true).createMessage(request("Capture me please"))) }),
            ("stream_thinking", { try await stream(client().streamMessage(thinking, attribution: attribution)) }),
            ("stream_tool", { try await stream(client().streamMessage(tools)) }),
            ("stream_slow_first_token", { try await stream(client().streamMessage(request("Wait a little #scenario:slow_first_token:300"))) }),
            ("stream_error_event", { try await stream(client().streamMessage(request("Go #scenario:stream_error"))) }),
            ("stream_dropped", { try await stream(client().streamMessage(request("Go #scenario:stream_drop"))) }),
            ("stream_abandoned", { try await abandon(client().streamMessage(request("Tell me a long story"))) }),
            ("retry_then_success", { try Self.json(await client().createMessage(request("Retry once #scenario:fail_once:529"))) }),
            ("retry_twice_then_success", { try Self.json(await client().createMessage(request("Retry twice #scenario:fail_twice:429"))) }),
            ("retry_after_ms", { try Self.json(await client().createMessage(request("Wait as told #scenario:retry_after_ms:200"))) }),
            ("retry_after_huge", {
                // A 600 s deadline would allow the capped 60 s wait; a 5 s one fails at once.
                let started = ContinuousClock.now
                do throws(ClaudeError) {
                    _ = try await ClaudeClient(apiKey: key, baseURL: base, overallTimeout: .seconds(5)).createMessage(
                        request("Park me #scenario:retry_after_huge"))
                    return ["ok": true]
                } catch {
                    return ["ok": false, "error": Self.json(error), "elapsedSeconds": .number((ContinuousClock.now - started) / .seconds(1))]
                }
            }),
            ("echo_key", { try Self.json(await client().createMessage(request("Echo #scenario:echo_key"))) }),
            ("retries_exhausted", { try Self.json(await client().createMessage(request("Always busy #scenario:overloaded"))) }),
            ("no_retry_header", { try Self.json(await client().createMessage(request("Do not retry #scenario:no_retry:503"))) }),
            ("plain_body_dropped", { try Self.json(await client(retries: 1).createMessage(request("Cut #scenario:stream_drop"))) }),
            ("auth_bad_key", { try Self.json(await client(retries: 0, key: "bad-key").createMessage(request("Hi"))) }),
            ("timeout_client", { try Self.json(await client(retries: 0, timeout: .seconds(1)).createMessage(request("Hang #scenario:hang"))) }),
            ("connection_refused", {
                try Self.json(await client(retries: 0, base: URL(string: "http://127.0.0.1:\(closedPort)")!).createMessage(request("Hi")))
            }),
            ("budget_blocked", {
                try Self.json(await client().createMessage(request("Over budget"), attribution: .init(userID: "u-budget", feature: "budget-blocked")))
            }),
            ("cancelled", { try await cancel { try await client().createMessage(request("Hang #scenario:hang")) } }),
            ("stream_cancelled", { try await cancel { try await client().streamMessage(request("Hang #scenario:hang")).finalMessage() } }),
        ]
        for scenario in ["rate_limit", "overloaded", "server_error", "unavailable", "gateway_timeout", "request_timeout", "conflict",
                         "bad_request", "context_too_long", "auth", "permission", "not_found", "too_large", "billing"] {
            cases.append(("error_\(scenario)", { try Self.json(await client(retries: 0).createMessage(request("Fail #scenario:\(scenario)"))) }))
        }
        return cases
    }

    func stream(_ stream: ClaudeMessageStream) async throws -> ClaudeJSON {
        var events: [ClaudeJSON] = []
        var text = ""
        do {
            for try await event in stream {
                events.append(.string(Self.name(of: event)))
                if case .contentBlockDelta(_, .text(let piece)) = event { text += piece }
            }
        } catch let error as ClaudeError {
            return ["ok": false, "events": .array(events), "streamed_text": .string(text), "error": Self.json(error)]
        }
        var result = try Self.json(await stream.finalMessage()).objectValue ?? [:]
        result["events"] = .array(events)
        result["streamed_text"] = .string(text)
        return .object(result)
    }

    func abandon(_ stream: ClaudeMessageStream) async throws -> ClaudeJSON {
        var events: [ClaudeJSON] = []
        for try await event in stream {
            events.append(.string(Self.name(of: event)))
            if case .contentBlockDelta = event { break }
        }
        return ["events": .array(events), "request_id": .string(stream.requestID)]
    }

    func cancel(_ operation: @escaping @Sendable () async throws -> ClaudeMessageResponse) async throws -> ClaudeJSON {
        let task = Task { try await operation() }
        try await Task.sleep(for: .milliseconds(300))
        task.cancel()
        return try Self.json(await task.value)
    }

    static func name(of event: ClaudeStreamEvent) -> String {
        switch event {
        case .messageStart: "message_start"
        case .contentBlockStart: "content_block_start"
        case .contentBlockDelta: "content_block_delta"
        case .contentBlockStop: "content_block_stop"
        case .messageDelta: "message_delta"
        case .messageStop: "message_stop"
        case .ping: "ping"
        case .error: "error"
        }
    }

    static func json(_ response: ClaudeMessageResponse) -> ClaudeJSON {
        [
            "ok": true, "id": .string(response.id), "model": .string(response.model), "text": .string(response.text),
            "stop_reason": response.stopReason.map { .string($0.rawValue) } ?? nil, "usage": response.usage.json,
            "request_id": .string(response.requestID), "server_request_id": response.serverRequestID.map(ClaudeJSON.string) ?? nil,
            "cost_usd": response.costUSD.map(ClaudeJSON.number) ?? nil, "retries": .integer(response.retries),
            "content_types": .array(response.content.map { .string($0.type) }),
        ]
    }

    static func json(_ error: ClaudeError) -> ClaudeJSON {
        [
            "category": .string(error.category.rawValue), "status": error.statusCode.map(ClaudeJSON.integer) ?? nil,
            "api_error_type": error.apiErrorType.map(ClaudeJSON.string) ?? nil, "message": .string(error.message),
            "request_id": .string(error.requestID), "server_request_id": error.serverRequestID.map(ClaudeJSON.string) ?? nil,
            "retries": .integer(error.retries), "description": .string(error.description),
            "during_stream": .bool(error.duringStream),
        ]
    }

    static func json(span: SpanData) -> ClaudeJSON {
        func value(_ attribute: AttributeValue) -> ClaudeJSON {
            switch attribute {
            case .string(let text): .string(text)
            case .bool(let flag): .bool(flag)
            case .int(let number): .number(Double(number))
            case .double(let number): .number(number)
            case .stringArray(let values): .array(values.map(ClaudeJSON.string))
            case .boolArray(let values): .array(values.map(ClaudeJSON.bool))
            case .intArray(let values): .array(values.map { .number(Double($0)) })
            case .doubleArray(let values): .array(values.map(ClaudeJSON.number))
            }
        }
        func object(_ attributes: Attributes) -> ClaudeJSON {
            .object(Dictionary(attributes.map { ($0.key, value($0.value)) }, uniquingKeysWith: { $1 }))
        }
        var status: [String: ClaudeJSON] = ["code": .integer(span.status.code)]
        if case .error(let description?) = span.status { status["message"] = .string(description) }
        return [
            "name": .string(span.name), "kind": .integer(span.kind.rawValue),
            "traceId": .string(span.context.traceID.hexString), "spanId": .string(span.context.spanID.hexString),
            "parentSpanId": span.parentSpanID.map { .string($0.hexString) } ?? nil,
            "startTimeUnixNano": .number(Double(span.startTimeNanoseconds)), "endTimeUnixNano": .number(Double(span.endTimeNanoseconds)),
            "status": .object(status), "attributes": object(span.attributes),
            "events": .array(span.events.map { ["name": .string($0.name), "timeUnixNano": .number(Double($0.timeNanoseconds)), "attributes": object($0.attributes)] }),
        ]
    }

    static func writeLines(_ lines: [ClaudeJSON], to path: String) throws {
        var bytes: [UInt8] = []
        for line in lines {
            line.write(into: &bytes)
            bytes.append(0x0A)
        }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }
}
