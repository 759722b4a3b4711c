import Foundation
import Testing
@testable import ClaudeTrace

@Suite("Retries")
struct ClaudeRetryTests {
    typealias Key = ClaudeAttributeKey

    @Test("408, 409, 429, every 5xx and 529 are retried; other 4xx are not")
    func retryableStatuses() {
        let policy = ClaudeRetryPolicy()
        for status in [408, 409, 429, 500, 502, 503, 504, 529, 599] { #expect(policy.isRetryable(status: status, headers: [:]), "\(status)") }
        for status in [400, 401, 402, 403, 404, 413, 422] { #expect(!policy.isRetryable(status: status, headers: [:]), "\(status)") }
    }

    @Test("x-should-retry: true forces a retry and false forbids one")
    func shouldRetryHeader() {
        let policy = ClaudeRetryPolicy()
        #expect(policy.isRetryable(status: 400, headers: ["x-should-retry": "true"]))
        #expect(!policy.isRetryable(status: 529, headers: ["x-should-retry": "false"]))
        #expect(!policy.isRetryable(status: 429, headers: ["X-Should-Retry": "FALSE"]))
    }

    @Test("the wait honours retry-after-ms, then retry-after seconds, then an HTTP date; else the SDK backoff with jitter")
    func waits() throws {
        let policy = ClaudeRetryPolicy()
        let seconds = try #require(HTTPDate.secondsSinceEpoch("Wed, 21 Oct 2026 07:28:00 GMT"))
        #expect(seconds == 1_792_567_680)
        let now = Date(timeIntervalSince1970: Double(seconds))
        #expect(policy.delay(beforeRetry: 0, headers: ["retry-after-ms": "250", "retry-after": "9"], now: now, random: 0.5) == .milliseconds(250))
        #expect(policy.delay(beforeRetry: 0, headers: ["retry-after-ms": "12.5"], now: now, random: 0) == .microseconds(12_500))
        #expect(policy.delay(beforeRetry: 0, headers: ["retry-after": "3"], now: now, random: 0.5) == .seconds(3))
        #expect(policy.delay(beforeRetry: 0, headers: ["retry-after": "1.5"], now: now, random: 0.5) == .milliseconds(1500))
        #expect(policy.delay(beforeRetry: 0, headers: ["retry-after": "Wed, 21 Oct 2026 07:28:07 GMT"], now: now, random: 0.5) == .seconds(7))
        // Zero, negative, past and unreadable values are no request: the backoff applies.
        for header in ["0", "-1", "Wed, 21 Oct 2026 07:27:00 GMT", "soon"] {
            #expect(policy.delay(beforeRetry: 0, headers: ["retry-after": header], now: now, random: 0) == .milliseconds(500), "\(header)")
        }
        #expect(policy.delay(beforeRetry: 0, headers: nil, random: 0) == .milliseconds(500))
        #expect(policy.delay(beforeRetry: 1, headers: nil, random: 0) == .seconds(1))
        #expect(policy.delay(beforeRetry: 2, headers: nil, random: 0) == .seconds(2))
        #expect(policy.delay(beforeRetry: 5, headers: nil, random: 0) == .seconds(8))
        #expect(policy.delay(beforeRetry: 50, headers: nil, random: 0) == .seconds(8))
        // Jitter takes off up to a quarter.
        #expect(policy.delay(beforeRetry: 0, headers: nil, random: 0.999_999) > .milliseconds(375))
        #expect(policy.delay(beforeRetry: 0, headers: nil, random: 1) == .milliseconds(375))
    }

    @Test("a 429 then a success: one retry event with attempt, status, error type and wait; status unset")
    func retryThenSuccess() async throws {
        let (provider, exporter) = makeProvider()
        let sleeper = RecordingSleeper()
        let transport = ScriptedTransport([
            .error(429, type: "rate_limit_error", headers: ["retry-after": "2", "request-id": "req_first"]), .message(),
        ])
        let response = try await withTracerProvider(provider) {
            try await makeClient(transport, sleeper: sleeper).createMessage(simpleRequest())
        }
        #expect(response.retries == 1)
        #expect(sleeper.recorded == [.seconds(2)])
        let chat = try #require(await finishedSpans(provider, exporter).first)
        #expect(chat.status == .unset)
        #expect(chat[Key.retries] == .int(1))
        #expect(chat[Key.errorType] == nil)
        #expect(chat[Key.httpStatusCode] == .int(200))
        let retry = try #require(chat.events.first { $0.name == "retry" })
        #expect(retry.attributes[Key.retryAttempt] == .int(1))
        #expect(retry.attributes[Key.httpStatusCode] == .int(429))
        #expect(retry.attributes[Key.errorType] == "rate_limit_error")
        #expect(retry.attributes[Key.retryDelayMilliseconds] == .int(2000))
        #expect(retry.attributes[Key.serverRequestID] == "req_first")
    }

    @Test("at most two retries by default: three attempts, then the last failure is thrown")
    func retriesExhausted() async throws {
        let (provider, exporter) = makeProvider()
        let sleeper = RecordingSleeper()
        let transport = ScriptedTransport(Array(repeating: .error(529, type: "overloaded_error"), count: 4))
        let error = await #expect(throws: ClaudeError.self) {
            try await withTracerProvider(provider) { try await makeClient(transport, sleeper: sleeper).createMessage(simpleRequest()) }
        }
        #expect(transport.requests.count == 3)
        #expect(error?.retries == 2 && error?.category == .overloaded)
        #expect(sleeper.recorded == [.milliseconds(500), .seconds(1)])
        let chat = try #require(await finishedSpans(provider, exporter).first)
        #expect(chat.events.filter { $0.name == "retry" }.map { $0.attributes[Key.retryAttempt] } == [.int(1), .int(2)])
        #expect(chat.events.filter { $0.name == "retry" }.map { $0.attributes[Key.retryDelayMilliseconds] } == [.int(500), .int(1000)])
        #expect(chat[Key.retries] == .int(2))
        #expect(chat.status.isError)
    }

    @Test("the number of retries is configurable, including none")
    func configurableRetries() async throws {
        for maxRetries in [0, 1, 4] {
            let transport = ScriptedTransport(Array(repeating: .error(500, type: "api_error"), count: 6))
            _ = try? await makeClient(transport, retryPolicy: ClaudeRetryPolicy(maxRetries: maxRetries)).createMessage(simpleRequest())
            #expect(transport.requests.count == maxRetries + 1)
        }
    }

    @Test("non-retryable answers and x-should-retry: false fail after one attempt")
    func noRetry() async throws {
        for answer in [ScriptedTransport.Answer.error(400, type: "invalid_request_error"), .error(401, type: "authentication_error"),
                       .error(503, type: "api_error", headers: ["x-should-retry": "false"])] {
            let transport = ScriptedTransport([answer, .message()])
            await #expect(throws: ClaudeError.self) { try await makeClient(transport).createMessage(simpleRequest()) }
            #expect(transport.requests.count == 1)
        }
        let forced = ScriptedTransport([.error(400, type: "invalid_request_error", headers: ["x-should-retry": "true"]), .message()])
        _ = try await makeClient(forced).createMessage(simpleRequest())
        #expect(forced.requests.count == 2)
    }

    @Test("connection failures, timeouts and bodies cut mid-way are retried; a cancellation is not")
    func transportRetries() async throws {
        let flaky = ScriptedTransport([
            .failure(.connectionFailed("reset")), .failure(.timedOut),
            .response(status: 200, headers: [:], chunks: [Array(#"{"id":"msg_1","#.utf8)], ending: .connectionFailed("cut")),
        ])
        let error = await #expect(throws: ClaudeError.self) { try await makeClient(flaky).createMessage(simpleRequest()) }
        #expect(flaky.requests.count == 3)
        #expect(error?.category == .connection && error?.statusCode == 200)
        let cancelled = ScriptedTransport([.failure(.cancelled), .message()])
        await #expect(throws: ClaudeError.self) { try await makeClient(cancelled).createMessage(simpleRequest()) }
        #expect(cancelled.requests.count == 1)
    }

    @Test("a stream that already delivered content is not retried")
    func startedStreamNotRetried() async throws {
        let start: ClaudeJSON = ["type": "message_start", "message": ["id": "m", "model": "claude-sonnet-4-6", "content": [], "usage": ["input_tokens": 1]]]
        let delta: ClaudeJSON = ["type": "content_block_delta", "index": 0, "delta": ["type": "text_delta", "text": "x"]]
        let transport = ScriptedTransport([.stream([start, delta], ending: .connectionFailed("reset")), .message()])
        let error = await #expect(throws: ClaudeError.self) { _ = try await makeClient(transport).streamMessage(simpleRequest()).finalMessage() }
        #expect(transport.requests.count == 1)
        #expect(error?.category == .connection && error?.duringStream == true)
    }

    @Test("cancelling during a retry wait cancels the call")
    func cancelDuringWait() async throws {
        var configuration = ClaudeClientConfiguration(apiKey: testAPIKey, environment: EnvironmentReader([:]))
        configuration.random = { 0 }
        // Cancel once the client is in its wait, not after a fixed time: under load the first
        // attempt can take longer than any fixed time.
        let waiting = Locked(false)
        configuration.sleep = { delay in
            waiting.withLock { $0 = true }
            try await Task.sleep(for: delay)
        }
        let client = ClaudeClient(
            configuration: configuration, transport: ScriptedTransport([.error(429, type: "rate_limit_error", headers: ["retry-after": "30"]), .message()]))
        let task = Task { try await client.createMessage(simpleRequest()) }
        for _ in 0..<1_000 where !waiting.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(10)) }
        #expect(waiting.withLock { $0 })
        task.cancel()
        let result = await task.result
        if case .failure(let error as ClaudeError) = result {
            #expect(error.category == .cancelled && error.retries == 1)
        } else {
            Issue.record("expected a cancellation, got \(result)")
        }
    }

    @Test("a server-requested wait is capped at maxRequestedDelay (60 s by default), whatever the header says",
          arguments: [["retry-after": "99999999"], ["retry-after-ms": "1e300"], ["retry-after": "Fri, 01 Jan 9999 00:00:00 GMT"]] as [ClaudeHTTPHeaders])
    func requestedWaitCeiling(headers: ClaudeHTTPHeaders) async throws {
        #expect(ClaudeRetryPolicy().delay(beforeRetry: 0, headers: headers, random: 0) == .seconds(60))
        #expect(ClaudeRetryPolicy(maxRequestedDelay: .seconds(5)).delay(beforeRetry: 0, headers: headers, random: 0) == .seconds(5))
        let sleeper = RecordingSleeper()
        let transport = ScriptedTransport([.error(529, type: "overloaded_error", headers: headers), .message()])
        let response = try await makeClient(transport, sleeper: sleeper, overallTimeout: .seconds(600)).createMessage(simpleRequest())
        #expect(response.retries == 1 && sleeper.recorded == [.seconds(60)])
    }

    @Test("every call has an overall deadline by default, and a wait past it fails at once with the category it would have retried")
    func defaultDeadline() async throws {
        #expect(ClaudeClientConfiguration(apiKey: "k", environment: EnvironmentReader([:])).overallTimeout == .seconds(600))
        let (provider, exporter) = makeProvider()
        let sleeper = RecordingSleeper()
        let transport = ScriptedTransport([.error(429, type: "rate_limit_error", headers: ["retry-after": "99999999"]), .message()])
        let client = makeClient(transport, sleeper: sleeper, overallTimeout: .seconds(30))
        let error = await #expect(throws: ClaudeError.self) {
            try await withTracerProvider(provider) { try await client.createMessage(simpleRequest()) }
        }
        #expect(error?.category == .rateLimit && error?.retries == 0)
        #expect(sleeper.recorded.isEmpty && transport.requests.count == 1)
        let span = try #require(await finishedSpans(provider, exporter).first)
        #expect(span[Key.errorCategory] == "rate_limit")
    }

    @Test("a plain answer trickling in past the overall deadline fails as a timeout; the span ends")
    func trickleStopsAtDeadline() async throws {
        let (provider, exporter) = makeProvider()
        let client = makeClient(TricklingTransport(), retryPolicy: .none, overallTimeout: .milliseconds(300))
        let started = ContinuousClock.now
        let error = await #expect(throws: ClaudeError.self) {
            try await withTracerProvider(provider) { try await client.createMessage(simpleRequest()) }
        }
        #expect(error?.category == .timeout)
        // Bounded: the trickle would go on for an hour (not a timing assertion on speed).
        #expect(ContinuousClock.now - started < .seconds(60))
        #expect(await finishedSpans(provider, exporter).count == 1)
    }

    @Test("a stream answered 200 with a JSON error body fails by its body, not as a broken connection")
    func streamAnsweredWithJSON() async throws {
        let body: ClaudeJSON = ["type": "error", "error": ["type": "overloaded_error", "message": "Overloaded"]]
        let transport = ScriptedTransport([
            .response(status: 200, headers: ["content-type": "application/json", "request-id": "req_json"], chunks: [body.serializedBytes()]),
        ])
        let error = await #expect(throws: ClaudeError.self) {
            _ = try await makeClient(transport).streamMessage(simpleRequest()).finalMessage()
        }
        #expect(error?.category == .overloaded && error?.apiErrorType == "overloaded_error" && error?.statusCode == 200)
        #expect(error?.serverRequestID == "req_json" && transport.requests.count == 1)
    }
}

/// Answers 200 at once, then sends one byte of the body every 20 ms for an hour.
struct TricklingTransport: ClaudeTransport {
    func send(_ request: ClaudeHTTPRequest) async throws -> ClaudeHTTPResponse {
        let body = ClaudeResponseBody { continuation in
            let task = Task {
                for _ in 0..<180_000 {
                    guard (try? await Task.sleep(for: .milliseconds(20))) != nil else { break }
                    continuation.yield([UInt8(ascii: " ")])
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
        return ClaudeHTTPResponse(status: 200, headers: [:], body: body)
    }
}
