import Foundation
import Testing
@testable import ClaudeTrace

@Suite("Simulated Claude")
struct ClaudeSimulatedTests {
    @Test("the same seed and request give the same reply; another seed gives another")
    func deterministic() async throws {
        let first = try await ClaudeClient.simulated(instantSimulator(seed: 5)).createMessage(simpleRequest())
        let again = try await ClaudeClient.simulated(instantSimulator(seed: 5)).createMessage(simpleRequest())
        let other = try await ClaudeClient.simulated(instantSimulator(seed: 6)).createMessage(simpleRequest())
        #expect(first.text == again.text && first.id == again.id && first.usage == again.usage)
        #expect(first.text != other.text)
    }

    @Test("replies have realistic usage: input from the prompt's size, output from the reply, caching on the second call")
    func usage() async throws {
        let client = ClaudeClient.simulated(instantSimulator())
        let long = String(repeating: "policy text ", count: 400)
        let request = ClaudeMessageRequest(
            model: sonnet, maxTokens: 512, messages: [.user("Question?")], system: .blocks([.text(long, cacheControl: .ephemeral)]))
        let first = try await client.createMessage(request)
        let second = try await client.createMessage(request)
        #expect(first.usage.cacheCreationInputTokens == long.count / 4)
        #expect(first.usage.cacheReadInputTokens == 0 && first.usage.cacheCreation5mInputTokens == long.count / 4)
        #expect(second.usage.cacheReadInputTokens == first.usage.cacheCreationInputTokens)
        #expect(second.usage.cacheCreationInputTokens == 0)
        #expect(first.usage.inputTokens >= 1 && first.usage.inputTokens < 10)
        #expect(first.usage.outputTokens == first.text.split(separator: " ").count)
        #expect(first.cost != nil)
    }

    @Test("max_tokens, stop sequences, tools and thinking shape the reply")
    func replyShapes() async throws {
        let client = ClaudeClient.simulated(instantSimulator())
        let short = try await client.createMessage(simpleRequest(maxTokens: 3))
        #expect(short.stopReason == .maxTokens && short.usage.outputTokens == 3)
        var stop = simpleRequest()
        stop.stopSequences = ["reply:"]
        let stopped = try await client.createMessage(stop)
        #expect(stopped.stopReason == .stopSequence && stopped.stopSequence == "reply:" && stopped.text == "Simulated ")
        let tool = ClaudeTool(name: "lookup_order", inputSchema: ["type": "object", "properties": ["order_id": ["type": "string"], "count": ["type": "integer"]]])
        let toolCall = try await client.createMessage(ClaudeMessageRequest(
            model: sonnet, maxTokens: 100, messages: [.user("Please lookup_order 42")], tools: [tool]))
        #expect(toolCall.stopReason == .toolUse)
        #expect(toolCall.toolUses.first?.name == "lookup_order")
        #expect(toolCall.toolUses.first?.input == ["order_id": "simulated", "count": 1])
        let thinking = try await client.streamMessage(ClaudeMessageRequest(
            model: sonnet, maxTokens: 4000, messages: [.user("Think")], thinking: .enabled(budgetTokens: 1024))).finalMessage()
        #expect(thinking.content.first?.type == "thinking")
        if case .thinking(let text, let signature) = thinking.content.first { #expect(!text.isEmpty && signature.hasPrefix("sig_")) }
    }

    @Test("a streamed reply assembles to the same message as the plain reply")
    func streamMatchesPlain() async throws {
        let plain = try await ClaudeClient.simulated(instantSimulator(seed: 3)).createMessage(simpleRequest())
        let streamed = try await ClaudeClient.simulated(instantSimulator(seed: 3)).streamMessage(simpleRequest()).finalMessage()
        // The seed mixes in the request's bytes, which differ by "stream": true.
        #expect(!streamed.text.isEmpty && !plain.text.isEmpty)
        #expect(streamed.usage.outputTokens == streamed.text.split(separator: " ").count)
        #expect(streamed.stopReason == .endTurn)
    }

    @Test("scripted failures play for the given model, then calls succeed")
    func scriptedFailures() async throws {
        let (provider, exporter) = makeProvider()
        let simulator = instantSimulator()
        simulator.script(.rateLimited(retryAfterSeconds: 1), model: "claude-opus-4-6")
        let sleeper = RecordingSleeper()
        let client = makeClient(simulator, sleeper: sleeper)
        try await withTracerProvider(provider) {
            _ = try await client.createMessage(simpleRequest(model: "claude-haiku-4-5"))
            let opus = try await client.createMessage(simpleRequest(model: "claude-opus-4-6"))
            #expect(opus.retries == 1)
        }
        #expect(sleeper.recorded == [.seconds(1)])
        #expect(simulator.requestCount == 3)
        let spans = await finishedSpans(provider, exporter)
        #expect(spans.first { $0.name == "chat claude-opus-4-6" }?.events.first?.attributes["http.response.status_code"] == .int(429))
    }

    @Test("every scripted failure produces its error category", arguments: [
        (SimulatedFailure.overloaded, ClaudeErrorCategory.overloaded), (.serverError, .serverError), (.contextTooLong, .contextTooLong),
        (.contentFiltered, .contentFilter), (.authentication, .authError), (.rateLimited(), .rateLimit), (.status(403), .permission),
        (.status(404), .notFound), (.status(400), .invalidRequest), (.status(504), .timeout), (.connectionRefused, .connection),
        (.errorInStream(), .overloaded),
    ])
    func categories(failure: SimulatedFailure, category: ClaudeErrorCategory) async throws {
        let simulator = instantSimulator()
        simulator.script(failure)
        let error = await #expect(throws: ClaudeError.self) {
            try await makeClient(simulator, retryPolicy: .none).createMessage(simpleRequest())
        }
        #expect(error?.category == category)
    }

    @Test("errors inside streams, dropped streams and hangs behave as the API's do")
    func streamFailures() async throws {
        let simulator = instantSimulator()
        simulator.script(.errorInStream(afterDeltas: 2))
        var deltas = 0
        let inStream = await #expect(throws: ClaudeError.self) {
            for try await event in makeClient(simulator).streamMessage(simpleRequest()) {
                if case .contentBlockDelta = event { deltas += 1 }
            }
        }
        #expect(deltas == 2 && inStream?.category == .overloaded && inStream?.statusCode == 200)
        simulator.script(.dropStream(afterDeltas: 1))
        let dropped = await #expect(throws: ClaudeError.self) { _ = try await makeClient(simulator).streamMessage(simpleRequest()).finalMessage() }
        #expect(dropped?.category == .connection)
        simulator.script(.hang)
        let hung = await #expect(throws: ClaudeError.self) {
            try await makeClient(simulator, retryPolicy: .none, requestTimeout: .milliseconds(50)).createMessage(simpleRequest())
        }
        #expect(hung?.category == .timeout)
    }

    @Test("a prompt longer than the context window gets the API's context-too-long error")
    func contextWindow() async throws {
        let simulator = SimulatedClaude(configuration: .init(timeScale: 0, contextWindow: 100))
        let error = await #expect(throws: ClaudeError.self) {
            try await makeClient(simulator).createMessage(simpleRequest(String(repeating: "word ", count: 200)))
        }
        #expect(error?.category == .contextTooLong)
        #expect(error?.message.hasPrefix("prompt is too long: 250 tokens > 100 maximum") == true)
    }

    @Test("the time scale sets the latency: realistic streams take time, time scale 0 takes none")
    func latency() async throws {
        let clock = ContinuousClock()
        let slow = SimulatedClaude(configuration: .init(timeScale: 0.1, timeToFirstToken: .milliseconds(500), outputTokensPerSecond: 100, replyWords: 20...20))
        let (provider, exporter) = makeProvider()
        let elapsed = try await clock.measure {
            _ = try await withTracerProvider(provider) { try await ClaudeClient.simulated(slow).streamMessage(simpleRequest()).finalMessage() }
        }
        // 50 ms to the first token, then 21 tokens at 1 ms each (scaled by 0.1).
        #expect(elapsed >= .milliseconds(60))
        let ttft = try #require(await finishedSpans(provider, exporter).first?["gen_ai.response.time_to_first_chunk"]?.doubleValue)
        #expect(ttft >= 0.045)
        let instant = try await clock.measure { _ = try await ClaudeClient.simulated(instantSimulator()).createMessage(simpleRequest()) }
        #expect(instant < .milliseconds(200))
    }

    @Test("the simulator checks what the API checks: key, version header, body")
    func validation() async throws {
        let simulator = instantSimulator()
        let request = ClaudeHTTPRequest(url: SimulatedClaude.baseURL, headers: ["anthropic-version": "2023-06-01"], body: Array("{}".utf8),
                                        timeout: .seconds(1), isStreaming: false)
        #expect(try await simulator.send(request).status == 401)
        var keyed = request
        keyed.headers["x-api-key"] = "k"
        #expect(try await simulator.send(keyed).status == 400)
        keyed.headers["anthropic-version"] = nil
        keyed.body = simpleRequest().json().serializedBytes()
        #expect(try await simulator.send(keyed).status == 400)
    }

    @Test("many concurrent calls share one simulated client safely")
    func concurrency() async throws {
        let client = ClaudeClient.simulated(instantSimulator())
        let (provider, exporter) = makeProvider()
        try await withTracerProvider(provider) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<64 {
                    group.addTask {
                        if index.isMultiple(of: 2) {
                            _ = try await client.createMessage(simpleRequest("call \(index)"))
                        } else {
                            _ = try await client.streamMessage(simpleRequest("call \(index)")).finalMessage()
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        let spans = await finishedSpans(provider, exporter)
        #expect(spans.count == 64)
        #expect(Set(spans.compactMap { $0["claude.request_id"]?.stringValue }).count == 64)
    }
}
