import Foundation
import Synchronization
import Testing
@testable import ClaudeTrace

/// A realistic stream, written event by event: thinking, text, then a tool call whose input
/// JSON arrives in pieces.
private let mixedStream: [ClaudeJSON] = [
    ["type": "message_start", "message": [
        "id": "msg_s1", "type": "message", "role": "assistant", "model": "claude-sonnet-4-6", "content": [],
        "stop_reason": nil, "stop_sequence": nil,
        "usage": ["input_tokens": 40, "output_tokens": 1, "cache_read_input_tokens": 2000, "cache_creation_input_tokens": 0],
    ]],
    ["type": "content_block_start", "index": 0, "content_block": ["type": "thinking", "thinking": "", "signature": ""]],
    ["type": "content_block_delta", "index": 0, "delta": ["type": "thinking_delta", "thinking": "The user wants "]],
    ["type": "content_block_delta", "index": 0, "delta": ["type": "thinking_delta", "thinking": "the weather."]],
    ["type": "content_block_delta", "index": 0, "delta": ["type": "signature_delta", "signature": "EqQBCkgIAR"]],
    ["type": "content_block_stop", "index": 0],
    ["type": "ping"],
    ["type": "content_block_start", "index": 1, "content_block": ["type": "text", "text": ""]],
    ["type": "content_block_delta", "index": 1, "delta": ["type": "text_delta", "text": "Let me "]],
    ["type": "content_block_delta", "index": 1, "delta": ["type": "text_delta", "text": "check."]],
    ["type": "content_block_stop", "index": 1],
    ["type": "content_block_start", "index": 2, "content_block": ["type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": [:]]],
    ["type": "content_block_delta", "index": 2, "delta": ["type": "input_json_delta", "partial_json": ""]],
    ["type": "content_block_delta", "index": 2, "delta": ["type": "input_json_delta", "partial_json": "{\"location\": \"Pa"]],
    ["type": "content_block_delta", "index": 2, "delta": ["type": "input_json_delta", "partial_json": "ris\", \"days\": 3}"]],
    ["type": "content_block_stop", "index": 2],
    ["type": "future_event", "whatever": true],
    ["type": "message_delta", "delta": ["stop_reason": "tool_use", "stop_sequence": nil],
     "usage": ["output_tokens": 57, "output_tokens_details": ["thinking_tokens": 9]]],
    ["type": "message_stop"],
]

@Suite("Streaming calls")
struct ClaudeStreamingTests {
    typealias Key = ClaudeAttributeKey

    @Test("a stream yields typed events in order and assembles text, thinking and tool input JSON")
    func assembly() async throws {
        let client = makeClient(ScriptedTransport([.stream(mixedStream)]))
        let stream = client.streamMessage(simpleRequest())
        var kinds: [String] = []
        var text = ""
        for try await event in stream {
            switch event {
            case .messageStart: kinds.append("start")
            case .contentBlockStart: kinds.append("block")
            case .contentBlockDelta(_, .text(let piece)): kinds.append("text"); text += piece
            case .contentBlockDelta: kinds.append("delta")
            case .contentBlockStop: kinds.append("stop")
            case .messageDelta: kinds.append("mdelta")
            case .messageStop: kinds.append("mstop")
            case .ping: kinds.append("ping")
            case .error: kinds.append("error")
            }
        }
        #expect(kinds == ["start", "block", "delta", "delta", "delta", "stop", "ping", "block", "text", "text", "stop",
                          "block", "delta", "delta", "delta", "stop", "mdelta", "mstop"])
        #expect(text == "Let me check.")
        let message = try await stream.finalMessage()
        #expect(message.content == [
            .thinking("The user wants the weather.", signature: "EqQBCkgIAR"),
            .text("Let me check."),
            .toolUse(id: "toolu_1", name: "get_weather", input: ["location": "Paris", "days": 3]),
        ])
        #expect(message.stopReason == .toolUse)
        #expect(message.usage.inputTokens == 40 && message.usage.cacheReadInputTokens == 2000)
        #expect(message.usage.outputTokens == 57 && message.usage.thinkingTokens == 9)
        #expect(message.requestID == stream.requestID)
        #expect(message.serverRequestID == "req_stream")
        #expect(message.cost == ClaudeCost(picodollars: 40 * 3_000_000 + 2000 * 300_000 + 57 * 15_000_000))
    }

    @Test("finalMessage alone sends the request and drains the stream")
    func finalMessageOnly() async throws {
        let client = ClaudeClient.simulated(instantSimulator())
        let message = try await client.streamMessage(simpleRequest()).finalMessage()
        #expect(message.text.hasPrefix("Simulated reply:"))
        #expect(message.stopReason == .endTurn)
        #expect(message.usage.outputTokens == message.text.split(separator: " ").count)
    }

    @Test("the stream span carries gen_ai.request.stream, time to first chunk and the final usage")
    func streamSpan() async throws {
        let (provider, exporter) = makeProvider()
        let client = makeClient(ScriptedTransport([.stream(mixedStream)]))
        let message = try await withTracerProvider(provider) {
            try await client.streamMessage(simpleRequest(), attribution: .init(userID: "u-7", feature: "chat")).finalMessage()
        }
        let chat = try #require(await finishedSpans(provider, exporter).first)
        #expect(chat.name == "chat claude-sonnet-4-6" && chat.kind == .client && chat.status == .unset)
        #expect(chat[Key.requestStream] == true)
        #expect(chat[Key.timeToFirstChunk]?.doubleValue.map { $0 >= 0 && $0 < 5 } == true)
        #expect(chat[Key.outputTokens] == .int(57))
        #expect(chat[Key.inputTokens] == .int(2040))
        #expect(chat[Key.reasoningOutputTokens] == .int(9))
        #expect(chat[Key.finishReasons] == .stringArray(["tool_call"]))
        #expect(chat[Key.stopReason] == "tool_use")
        #expect(chat[Key.responseID] == "msg_s1")
        #expect(chat[Key.serverRequestID] == "req_stream")
        #expect(chat[Key.requestID] == .string(message.requestID))
        #expect(chat[Key.userID] == "u-7" && chat[Key.feature] == "chat")
        #expect(chat[Key.costUSD]?.doubleValue == message.costUSD)
        #expect(chat[Key.streamAbandoned] == nil)
    }

    @Test("an error event inside a 200 stream throws overloaded, keeps what arrived, and fails the span")
    func errorInsideStream() async throws {
        let (provider, exporter) = makeProvider()
        let events: [ClaudeJSON] = Array(mixedStream.prefix(9)) + [["type": "error", "error": ["type": "overloaded_error", "message": "Overloaded"]]]
        let client = makeClient(ScriptedTransport([.stream(events)]))
        var received = 0
        let error = await #expect(throws: ClaudeError.self) {
            try await withTracerProvider(provider) {
                for try await _ in client.streamMessage(simpleRequest()) { received += 1 }
            }
        }
        #expect(received == 9)
        #expect(error?.category == .overloaded)
        #expect(error?.apiErrorType == "overloaded_error")
        #expect(error?.statusCode == 200)
        #expect(error?.duringStream == true)
        let chat = try #require(await finishedSpans(provider, exporter).first)
        #expect(chat.status.isError)
        #expect(chat[Key.errorType] == "overloaded_error")
        #expect(chat[Key.errorCategory] == "overloaded")
        #expect(chat[Key.httpStatusCode] == .int(200))
        #expect(chat[Key.inputTokens] == .int(2040))
        #expect(chat[Key.timeToFirstChunk] != nil)
    }

    @Test("a stream dropped mid-way throws connection and fails the span with what was received")
    func droppedStream() async throws {
        let (provider, exporter) = makeProvider()
        let client = makeClient(ScriptedTransport([.stream(Array(mixedStream.prefix(9)), ending: .connectionFailed("reset"))]))
        // The stream uses the provider current where streamMessage is called.
        let stream = withTracerProvider(provider) { client.streamMessage(simpleRequest()) }
        let error = await #expect(throws: ClaudeError.self) { _ = try await stream.finalMessage() }
        #expect(error?.category == .connection)
        // Asking again gives the same failure.
        await #expect(throws: ClaudeError.self) { _ = try await stream.finalMessage() }
        let chat = try #require(await finishedSpans(provider, exporter).first)
        #expect(chat[Key.errorCategory] == "connection")
        #expect(chat[Key.errorType] == "connection")
        #expect(chat[Key.responseID] == "msg_s1")
    }

    @Test("a stream that ends without message_stop is a connection failure")
    func endsWithoutStop() async throws {
        let client = makeClient(ScriptedTransport([.stream(Array(mixedStream.prefix(11)))]))
        let error = await #expect(throws: ClaudeError.self) { _ = try await client.streamMessage(simpleRequest()).finalMessage() }
        #expect(error?.category == .connection)
    }

    @Test("a stream the caller abandons early still ends its span, with what was received")
    func abandonedStream() async throws {
        let (provider, exporter) = makeProvider()
        let client = ClaudeClient.simulated(instantSimulator())
        try await withTracerProvider(provider) {
            for try await event in client.streamMessage(simpleRequest(), attribution: .init(feature: "abandon")) {
                if case .contentBlockDelta = event { break }
            }
        }
        let chat = try #require(await finishedSpans(provider, exporter).first)
        #expect(chat[Key.streamAbandoned] == true)
        #expect(chat.status == .unset)
        #expect(chat[Key.responseID]?.stringValue?.hasPrefix("msg_sim_") == true)
        #expect((chat[Key.inputTokens]?.intValue ?? 0) > 0)
        #expect(chat[Key.costUSD] != nil)
        #expect(chat[Key.timeToFirstChunk] != nil)
    }

    @Test("an abandoned stream cancels the download")
    func abandonedStreamCancelsTransport() async throws {
        let terminated = Mutex(false)
        struct Endless: ClaudeTransport {
            let terminated: @Sendable () -> Void
            func send(_ request: ClaudeHTTPRequest) async throws -> ClaudeHTTPResponse {
                let (body, continuation) = ClaudeResponseBody.makeStream()
                let start: ClaudeJSON = ["type": "message_start", "message": ["id": "m", "model": "claude-sonnet-4-6", "content": [], "usage": ["input_tokens": 1]]]
                continuation.yield(Array("event: message_start\ndata: \(start)\n\n".utf8))
                continuation.onTermination = { _ in terminated() }
                return ClaudeHTTPResponse(status: 200, headers: [:], body: body)
            }
        }
        let client = makeClient(Endless(terminated: { terminated.withLock { $0 = true } }))
        for try await _ in client.streamMessage(simpleRequest()) { break }
        #expect(terminated.withLock { $0 })
    }

    @Test("cancelling the consuming task ends the stream's span with category cancelled")
    func cancelledStream() async throws {
        let (provider, exporter) = makeProvider()
        let simulator = SimulatedClaude(configuration: .init(timeScale: 1, timeToFirstToken: .milliseconds(10), outputTokensPerSecond: 5))
        let client = ClaudeClient.simulated(simulator)
        let started = Mutex(false)
        let task = Task {
            try await withTracerProvider(provider) {
                for try await event in client.streamMessage(simpleRequest()) {
                    if case .contentBlockDelta = event { started.withLock { $0 = true } }
                }
            }
        }
        while !started.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(5)) }
        task.cancel()
        let result = await task.result
        if case .failure(let error as ClaudeError) = result { #expect(error.category == .cancelled) } else { Issue.record("expected a cancelled error, got \(result)") }
        let chat = try #require(await finishedSpans(provider, exporter).first)
        #expect(chat[Key.errorCategory] == "cancelled")
        #expect(chat.status.isError)
    }

    @Test("a stream is retried like a plain call until it starts")
    func streamRetriedBeforeStart() async throws {
        let (provider, exporter) = makeProvider()
        let sleeper = RecordingSleeper()
        let client = makeClient(ScriptedTransport([.error(529, type: "overloaded_error"), .stream(mixedStream)]), sleeper: sleeper)
        _ = try await withTracerProvider(provider) { try await client.streamMessage(simpleRequest()).finalMessage() }
        let chat = try #require(await finishedSpans(provider, exporter).first)
        #expect(chat[Key.retries] == .int(1))
        #expect(chat.status == .unset)
        #expect(chat.events.filter { $0.name == "retry" }.count == 1)
        #expect(sleeper.recorded == [.milliseconds(500)])
    }

    @Test("the stream's parent is the span current where streamMessage was called, even if iterated elsewhere")
    func parentCapturedAtCall() async throws {
        let (provider, exporter) = makeProvider()
        let client = ClaudeClient.simulated(instantSimulator())
        let stream = withTracerProvider(provider) {
            withSpan("caller") { _ in client.streamMessage(simpleRequest()) }
        }
        _ = try await Task.detached { try await stream.finalMessage() }.value
        let spans = await finishedSpans(provider, exporter)
        let caller = try #require(spans.first { $0.name == "caller" })
        let chat = try #require(spans.first { $0.name.hasPrefix("chat") })
        #expect(chat.parentSpanID == caller.context.spanID)
    }

    @Test("the accumulator assembles a message from events alone")
    func accumulatorAlone() throws {
        var accumulator = ClaudeMessageAccumulator()
        for json in mixedStream {
            let bytes = Array("event: x\ndata: \(json.serialized())\n\n".utf8)
            var parser = ServerSentEventParser()
            for event in try parser.parse(bytes) {
                if let decoded = try ClaudeStreamEvent.decode(event) { accumulator.apply(decoded) }
            }
        }
        #expect(accumulator.isComplete && accumulator.hasContent)
        #expect(accumulator.message?.text == "Let me check.")
        #expect(accumulator.message?.toolUses.first?.input == ["location": "Paris", "days": 3])
    }
}
