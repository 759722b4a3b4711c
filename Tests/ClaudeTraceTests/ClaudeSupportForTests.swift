import Foundation
import Synchronization
import Testing
@testable import ClaudeTrace

/// The key every test client uses; privacy tests search everything for it.
let testAPIKey = "sk-ant-api03-TESTKEY-do-not-leak-7f3a9c"

/// A provider whose spans land in an in-memory exporter (one per test, so tests run in parallel).
func makeProvider(limits: SpanLimits = SpanLimits()) -> (TracerProvider, InMemorySpanExporter) {
    let exporter = InMemorySpanExporter()
    let provider = TracerProvider(
        resource: Resource(attributes: ["service.name": "claude-tests"]), limits: limits,
        processors: [SimpleSpanProcessor(exporter: exporter)])
    return (provider, exporter)
}

/// Flushes and returns the spans exported so far.
func finishedSpans(_ provider: TracerProvider, _ exporter: InMemorySpanExporter) async -> [SpanData] {
    await provider.forceFlush()
    return exporter.exportedSpans
}

/// Records retry waits instead of sleeping.
final class RecordingSleeper: Sendable {
    private let waits = Mutex<[Duration]>([])
    var recorded: [Duration] { waits.withLock { $0 } }
    var sleep: @Sendable (Duration) async throws -> Void {
        { [self] duration in
            waits.withLock { $0.append(duration) }
            try Task.checkCancellation()
        }
    }
}

/// A transport that plays canned answers in order and records what it was sent.
final class ScriptedTransport: ClaudeTransport {
    enum Answer: Sendable {
        case response(status: Int, headers: ClaudeHTTPHeaders, chunks: [[UInt8]], ending: ClaudeTransportError? = nil)
        case failure(ClaudeTransportError)
        /// Waits until cancelled.
        case hang
    }

    private let answers: Mutex<[Answer]>
    private let sent = Mutex<[ClaudeHTTPRequest]>([])

    init(_ answers: [Answer]) { self.answers = Mutex(answers) }

    var requests: [ClaudeHTTPRequest] { sent.withLock { $0 } }

    func send(_ request: ClaudeHTTPRequest) async throws -> ClaudeHTTPResponse {
        sent.withLock { $0.append(request) }
        let answer = answers.withLock { $0.isEmpty ? nil : $0.removeFirst() }
        switch answer {
        case .response(let status, let headers, let chunks, let ending)?:
            let (body, continuation) = ClaudeResponseBody.makeStream()
            for chunk in chunks { continuation.yield(chunk) }
            continuation.finish(throwing: ending)
            return ClaudeHTTPResponse(status: status, headers: headers, body: body)
        case .failure(let error)?:
            throw error
        case .hang?, nil:
            do {
                try await Task.sleep(for: .seconds(3600))
            } catch {
                throw ClaudeTransportError.cancelled
            }
            throw ClaudeTransportError.timedOut
        }
    }
}

extension ScriptedTransport.Answer {
    /// A 200 with a message body.
    static func message(
        model: String = "claude-sonnet-4-6", text: String = "Hello there.", usage: ClaudeJSON = ["input_tokens": 12, "output_tokens": 3],
        stopReason: String = "end_turn", headers: ClaudeHTTPHeaders = ["request-id": "req_ok"]
    ) -> Self {
        let body: ClaudeJSON = [
            "id": "msg_01", "type": "message", "role": "assistant", "model": .string(model),
            "content": [["type": "text", "text": .string(text)]], "stop_reason": .string(stopReason),
            "stop_sequence": nil, "usage": usage,
        ]
        return .response(status: 200, headers: headers, chunks: [body.serializedBytes()])
    }

    /// An API error answer.
    static func error(_ status: Int, type: String, message: String = "error", headers: ClaudeHTTPHeaders = [:]) -> Self {
        var headers = headers
        if headers["request-id"] == nil { headers["request-id"] = "req_err_\(status)" }
        let body: ClaudeJSON = ["type": "error", "error": ["type": .string(type), "message": .string(message)], "request_id": .string(headers["request-id"]!)]
        return .response(status: status, headers: headers, chunks: [body.serializedBytes()])
    }

    /// A 200 event stream.
    static func stream(_ events: [ClaudeJSON], ending: ClaudeTransportError? = nil, headers: ClaudeHTTPHeaders = ["request-id": "req_stream"]) -> Self {
        let chunks = events.map { event in
            Array("event: \(event["type"]?.stringValue ?? "message")\ndata: \(event.serialized())\n\n".utf8)
        }
        return .response(status: 200, headers: headers, chunks: chunks, ending: ending)
    }
}

/// A client on `transport` with the test key, no jitter and a recording sleeper.
func makeClient(
    _ transport: any ClaudeTransport, sleeper: RecordingSleeper = RecordingSleeper(), retryPolicy: ClaudeRetryPolicy = ClaudeRetryPolicy(),
    capture: Bool = false, monitor: (any ClaudeCallObserver)? = nil, requestTimeout: Duration = .seconds(600),
    overallTimeout: Duration? = nil, pricing: ClaudePricing = .standard
) -> ClaudeClient {
    var configuration = ClaudeClientConfiguration(
        apiKey: testAPIKey, baseURL: URL(string: "https://api.anthropic.com")!, requestTimeout: requestTimeout,
        overallTimeout: overallTimeout, retryPolicy: retryPolicy, pricing: pricing, captureMessageContent: capture, monitor: monitor,
        environment: EnvironmentReader([:]))
    configuration.sleep = sleeper.sleep
    configuration.random = { 0 }
    return ClaudeClient(configuration: configuration, transport: transport)
}

/// A simulator without latency.
func instantSimulator(seed: UInt64 = 1) -> SimulatedClaude {
    SimulatedClaude(configuration: .init(seed: seed, timeScale: 0))
}

let sonnet = "claude-sonnet-4-6"

func simpleRequest(_ text: String = "Summarize the ticket", model: String = sonnet, maxTokens: Int = 256) -> ClaudeMessageRequest {
    ClaudeMessageRequest(model: model, maxTokens: maxTokens, messages: [.user(text)])
}

extension SpanData {
    subscript(key: String) -> AttributeValue? { attributes[key] }
}
