import Foundation
import Testing
@testable import ClaudeTrace

@Suite("Response decoding")
struct ClaudeResponseDecodingTests {
    @Test("a full response decodes: blocks, stop reason, stop sequence and every usage field")
    func fullResponse() throws {
        let text = """
        {"id":"msg_013Zva2CMHLNnXjNJJKqJ2EF","type":"message","role":"assistant","model":"claude-opus-4-6",
         "content":[{"type":"thinking","thinking":"Hmm.","signature":"EqQB"},
                    {"type":"text","text":"Hello","citations":null},
                    {"type":"tool_use","id":"toolu_01","name":"lookup","input":{"id":7}},
                    {"type":"redacted_thinking","data":"xyz"}],
         "stop_reason":"stop_sequence","stop_sequence":"END",
         "usage":{"input_tokens":10,"output_tokens":20,"cache_creation_input_tokens":30,"cache_read_input_tokens":40,
                  "cache_creation":{"ephemeral_5m_input_tokens":12,"ephemeral_1h_input_tokens":18},
                  "server_tool_use":{"web_search_requests":2,"web_fetch_requests":1},"service_tier":"priority",
                  "output_tokens_details":{"thinking_tokens":6},"inference_geo":"us","speed":"fast"}}
        """
        let message = try #require(ClaudeMessageResponse(json: try ClaudeJSON.parse(text)))
        #expect(message.id == "msg_013Zva2CMHLNnXjNJJKqJ2EF" && message.model == "claude-opus-4-6" && message.role == .assistant)
        #expect(message.content == [
            .thinking("Hmm.", signature: "EqQB"), .text("Hello"), .toolUse(id: "toolu_01", name: "lookup", input: ["id": 7]),
            .redactedThinking(data: "xyz"),
        ])
        #expect(message.text == "Hello")
        #expect(message.toolUses.map(\.name) == ["lookup"])
        #expect(message.stopReason == .stopSequence && message.stopReason?.finishReason == "stop")
        #expect(message.stopSequence == "END")
        #expect(message.usage == ClaudeUsage(
            inputTokens: 10, outputTokens: 20, cacheCreationInputTokens: 30, cacheReadInputTokens: 40,
            cacheCreation5mInputTokens: 12, cacheCreation1hInputTokens: 18, thinkingTokens: 6, serviceTier: "priority",
            inferenceGeo: "us", speed: "fast", webSearchRequests: 2, webFetchRequests: 1))
        #expect(message.usage.promptTokens == 80)
        #expect(ClaudeUsage(json: message.usage.json) == message.usage)
    }

    @Test("unknown fields are ignored and unknown block types are kept whole")
    func unknownFieldsAndBlocks() throws {
        let text = """
        {"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-5","new_top_level":{"a":[1,2]},
         "content":[{"type":"web_search_tool_result","tool_use_id":"srvtoolu_1","content":[{"type":"web_search_result","url":"https://x"}]},
                    {"type":"text","text":"ok","brand_new_field":true},
                    {"type":"tool_use","name":"missing-id"}],
         "stop_reason":"pause_turn","stop_sequence":null,"stop_details":{"type":"x"},
         "usage":{"input_tokens":1,"output_tokens":2,"cache_creation_input_tokens":null,"cache_read_input_tokens":null,
                  "cache_creation":null,"server_tool_use":null,"service_tier":null,"new_counter":5}}
        """
        let message = try #require(ClaudeMessageResponse(json: try ClaudeJSON.parse(text)))
        #expect(message.content.count == 3)
        #expect(message.content[0].type == "web_search_tool_result")
        if case .unknown(_, let json) = message.content[0] {
            #expect(json["content"]?.arrayValue?.first?["url"] == "https://x")
        } else {
            Issue.record("expected an unknown block")
        }
        #expect(message.content[1] == .text("ok"))
        // A known type missing a required field is kept, not dropped and not fatal.
        #expect(message.content[2].type == "tool_use")
        if case .unknown = message.content[2] {} else { Issue.record("expected the malformed tool_use kept as unknown") }
        #expect(message.stopReason == .pauseTurn && message.stopReason?.finishReason == "pause_turn")
        #expect(message.usage == ClaudeUsage(inputTokens: 1, outputTokens: 2))
    }

    @Test("stop reasons map to the GenAI finish reasons")
    func finishReasons() {
        let map: [ClaudeStopReason: String] = [
            .endTurn: "stop", .stopSequence: "stop", .maxTokens: "length", .toolUse: "tool_call", .refusal: "content_filter",
            .pauseTurn: "pause_turn", .modelContextWindowExceeded: "model_context_window_exceeded", "brand_new": "brand_new",
        ]
        for (reason, finish) in map { #expect(reason.finishReason == finish) }
    }

    @Test("a body that is not a message is refused by the client with a typed error")
    func notAMessage() async throws {
        let transport = ScriptedTransport([.response(status: 200, headers: ["request-id": "req_x"], chunks: [Array("<html>".utf8)])])
        let error = await #expect(throws: ClaudeError.self) { try await makeClient(transport).createMessage(simpleRequest()) }
        #expect(error?.category == .unknown)
        #expect(error?.serverRequestID == "req_x")
        #expect(ClaudeMessageResponse(json: ["type": "error"]) == nil)
        #expect(ClaudeMessageResponse(json: "text") == nil)
    }

    @Test("a response and its content blocks survive Codable round trips through ClaudeJSON")
    func codable() throws {
        let value: ClaudeJSON = ["content": [["type": "text", "text": "hi"]], "n": 1.5, "ok": true, "none": nil]
        let data = try JSONEncoder().encode(value)
        #expect(try JSONDecoder().decode(ClaudeJSON.self, from: data) == value)
    }

    @Test("JSON nested deeper than 256 levels is refused with a typed error, not a stack overflow", arguments: ["[", "{\"a\":"])
    func deepNesting(opening: String) {
        let text = String(repeating: opening, count: 100_000)
        let error = #expect(throws: ClaudeJSONError.self) { try ClaudeJSON.parse(text) }
        #expect(error?.message == "nested too deeply")
        let tooDeep = String(repeating: "[", count: 257) + String(repeating: "]", count: 257)
        #expect(throws: ClaudeJSONError.self) { try ClaudeJSON.parse(tooDeep) }
        let allowed = String(repeating: "[", count: 256) + String(repeating: "]", count: 256)
        #expect(throws: Never.self) { try ClaudeJSON.parse(allowed) }
    }
}
