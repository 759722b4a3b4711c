import Foundation
import Synchronization
import Testing
@testable import ClaudeTrace

@Suite("Privacy")
struct ClaudePrivacyTests {
    /// Everything a span says, as text.
    private func render(_ spans: [SpanData]) -> String {
        spans.map { span in
            var text = "\(span.name) \(span.status) "
            text += span.attributes.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            for event in span.events { text += " \(event.name) " + event.attributes.map { "\($0.key)=\($0.value)" }.joined(separator: " ") }
            return text
        }.joined(separator: "\n")
    }

    @Test("the API key appears in no span, event, error, description or diagnostic, whatever happens")
    func keyNeverLeaks() async throws {
        let diagnostics = Mutex<[String]>([])
        Diagnostics.setHandler { diagnostic in diagnostics.withLock { $0.append(diagnostic.description) } }
        defer { Diagnostics.setHandler(nil) }
        let (provider, exporter) = makeProvider()
        // A server that echoes the key back in its error message, then every other failure.
        let transport = ScriptedTransport([
            .error(401, type: "authentication_error", message: "invalid x-api-key: \(testAPIKey)"),
            .error(429, type: "rate_limit_error", message: "slow down \(testAPIKey)", headers: ["retry-after": "1"]),
            .error(429, type: "rate_limit_error"), .error(429, type: "rate_limit_error"),
            .failure(.connectionFailed("reset while sending x-api-key \(testAPIKey)")),
            .stream([["type": "error", "error": ["type": "overloaded_error", "message": "key \(testAPIKey) overloaded"]]]),
            .message(),
        ])
        let client = makeClient(transport, capture: true)
        var texts: [String] = ["\(client.configuration)", String(reflecting: client.configuration)]
        var dumped = ""
        dump(client.configuration, to: &dumped)
        texts.append(dumped)
        try await withTracerProvider(provider) {
            for _ in 0..<2 {
                do { _ = try await client.createMessage(simpleRequest()) } catch {
                    texts += ["\(error)", String(reflecting: error), error.localizedDescription, (error as? ClaudeError)?.message ?? ""]
                }
            }
            do { _ = try await makeClient(transport, retryPolicy: .none).createMessage(simpleRequest()) } catch { texts.append("\(error)") }
            do { _ = try await client.streamMessage(simpleRequest()).finalMessage() } catch {
                texts += ["\(error)", String(reflecting: error)]
            }
            let response = try await client.createMessage(simpleRequest())
            texts.append(String(reflecting: response))
        }
        for request in transport.requests { texts.append(request.description) }
        let everything = texts.joined(separator: "\n") + render(await finishedSpans(provider, exporter)) + diagnostics.withLock { $0.joined() }
        #expect(everything.contains("<redacted>"))
        #expect(!everything.contains(testAPIKey))
        #expect(!everything.contains("TESTKEY"))
    }

    @Test("the simulator's request log and the transport request's description leave the key out")
    func requestLogs() async throws {
        let simulator = instantSimulator()
        _ = try await makeClient(simulator).createMessage(simpleRequest())
        let logged = try #require(simulator.receivedRequests.last)
        #expect(logged.headers["x-api-key"] == "<redacted>")
        #expect(!"\(simulator.receivedRequests)".contains(testAPIKey))
    }

    @Test("no prompt or reply text reaches the span unless capture is on")
    func noContentByDefault() async throws {
        let (provider, exporter) = makeProvider()
        let client = ClaudeClient.simulated(instantSimulator())
        var request = simpleRequest("my secret diagnosis is flu")
        request.system = "confidential system prompt"
        let message = try await withTracerProvider(provider) { try await client.createMessage(request) }
        let text = render(await finishedSpans(provider, exporter))
        #expect(!text.contains("diagnosis") && !text.contains("confidential"))
        #expect(!text.contains(message.text))
    }
}

@Suite("Privacy: a server that echoes the key")
struct ClaudeEchoedKeyTests {
    @Test("the key echoed in request-id, error type, request_id, message id, model, stop reason and tier reaches no span, error or reply")
    func echoedEverywhere() async throws {
        let (provider, exporter) = makeProvider()
        let echoed: ClaudeHTTPHeaders = ["request-id": "req_\(testAPIKey)"]
        let errorBody: ClaudeJSON = [
            "type": "error", "error": ["type": .string("\(testAPIKey)_error"), "message": "no"], "request_id": .string(testAPIKey),
        ]
        let message: ClaudeJSON = [
            "id": .string("msg_\(testAPIKey)"), "type": "message", "role": "assistant", "model": .string("claude-\(testAPIKey)"),
            "content": [["type": "text", "text": .string("your key is \(testAPIKey)")]], "stop_reason": .string(testAPIKey),
            "stop_sequence": .string(testAPIKey), "usage": ["input_tokens": 1, "output_tokens": 1, "service_tier": .string(testAPIKey)],
        ]
        let transport = ScriptedTransport([
            .response(status: 529, headers: echoed, chunks: [errorBody.serializedBytes()]),
            .response(status: 400, headers: [:], chunks: [errorBody.serializedBytes()]),
            .response(status: 200, headers: echoed, chunks: [message.serializedBytes()]),
        ])
        let client = makeClient(transport, capture: true)
        var texts: [String] = []
        // The first call's 529 is retried into the 400; the second call gets the message.
        let error = await #expect(throws: ClaudeError.self) {
            try await withTracerProvider(provider) { try await client.createMessage(simpleRequest()) }
        }
        texts += ["\(error!)", String(reflecting: error!)]
        let reply = try await withTracerProvider(provider) { try await client.createMessage(simpleRequest()) }
        texts.append(String(reflecting: reply.id) + reply.model + (reply.serverRequestID ?? "") + "\(reply.stopReason!)" + reply.stopSequence!)
        let spans = await finishedSpans(provider, exporter)
        #expect(spans.count == 2)
        for span in spans {
            texts.append(span.attributes.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
            for event in span.events { texts.append(event.attributes.map { "\($0.key)=\($0.value)" }.joined(separator: " ")) }
        }
        let everything = texts.joined(separator: "\n")
        #expect(everything.contains("<redacted>"))
        #expect(!everything.contains("TESTKEY"))
    }
}
