import Foundation
import Testing
@testable import ClaudeTrace

@Suite("Request encoding")
struct ClaudeRequestEncodingTests {
    @Test("a minimal request has model, max_tokens and messages, and no stream unless streaming")
    func minimal() {
        let request = simpleRequest("Hi")
        #expect(request.json() == [
            "model": "claude-sonnet-4-6", "max_tokens": 256,
            "messages": [["role": "user", "content": [["type": "text", "text": "Hi"]]]],
        ])
        #expect(request.json(stream: true)["stream"] == true)
        #expect(request.json().serialized()
                == #"{"max_tokens":256,"messages":[{"content":[{"text":"Hi","type":"text"}],"role":"user"}],"model":"claude-sonnet-4-6"}"#)
    }

    @Test("every block type has the API's JSON shape, cache_control included")
    func everyBlockType() {
        let blocks: [(ClaudeContentBlock, ClaudeJSON)] = [
            (.text("hello", cacheControl: .ephemeral), ["type": "text", "text": "hello", "cache_control": ["type": "ephemeral"]]),
            (.text("long", cacheControl: .oneHour), ["type": "text", "text": "long", "cache_control": ["type": "ephemeral", "ttl": "1h"]]),
            (.image(.base64(mediaType: "image/png", data: "iVBO")),
             ["type": "image", "source": ["type": "base64", "media_type": "image/png", "data": "iVBO"]]),
            (.image(.url("https://example.com/a.jpg"), cacheControl: .ephemeral),
             ["type": "image", "source": ["type": "url", "url": "https://example.com/a.jpg"], "cache_control": ["type": "ephemeral"]]),
            (.document(.pdf(base64: "JVBER"), title: "Invoice"),
             ["type": "document", "source": ["type": "base64", "media_type": "application/pdf", "data": "JVBER"], "title": "Invoice"]),
            (.document(.text("plain words")),
             ["type": "document", "source": ["type": "text", "media_type": "text/plain", "data": "plain words"]]),
            (.document(.url("https://example.com/a.pdf"), cacheControl: .ephemeral),
             ["type": "document", "source": ["type": "url", "url": "https://example.com/a.pdf"], "cache_control": ["type": "ephemeral"]]),
            (.toolUse(id: "toolu_1", name: "get_weather", input: ["location": "Paris"]),
             ["type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": ["location": "Paris"]]),
            (.toolResult(toolUseID: "toolu_1", content: [.text("18°C")]),
             ["type": "tool_result", "tool_use_id": "toolu_1", "content": [["type": "text", "text": "18°C"]]]),
            (.toolResult(toolUseID: "toolu_2", content: [.text("no such city")], isError: true, cacheControl: .ephemeral),
             ["type": "tool_result", "tool_use_id": "toolu_2", "content": [["type": "text", "text": "no such city"]], "is_error": true,
              "cache_control": ["type": "ephemeral"]]),
            (.thinking("Let me think.", signature: "sig=="), ["type": "thinking", "thinking": "Let me think.", "signature": "sig=="]),
            (.redactedThinking(data: "opaque"), ["type": "redacted_thinking", "data": "opaque"]),
            (.unknown(type: "server_tool_use", json: ["type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search", "input": ["query": "q"]]),
             ["type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search", "input": ["query": "q"]]),
        ]
        for (block, expected) in blocks {
            #expect(block.json == expected, "\(block.type)")
            // Decoding the JSON gives the block back: a reply's content can be resent as history.
            #expect(ClaudeContentBlock(json: expected) == block, "\(block.type)")
        }
    }

    @Test("the system prompt is a string or text blocks with cache breakpoints")
    func systemPrompt() {
        var request = simpleRequest()
        request.system = "Be brief."
        #expect(request.json()["system"] == "Be brief.")
        request.system = .blocks([.text("Rules…"), .text("Big context", cacheControl: .ephemeral)])
        #expect(request.json()["system"] == [["type": "text", "text": "Rules…"],
                                              ["type": "text", "text": "Big context", "cache_control": ["type": "ephemeral"]]])
    }

    @Test("tools, tool_choice, sampling, stop sequences, metadata, thinking and tiers are encoded")
    func options() {
        let tool = ClaudeTool(
            name: "get_weather", description: "Weather for a place",
            inputSchema: ["type": "object", "properties": ["location": ["type": "string"]], "required": ["location"]],
            cacheControl: .ephemeral)
        let server = ClaudeTool(name: "web_search", inputSchema: nil, type: "web_search_20250305", additionalFields: ["max_uses": 3])
        let request = ClaudeMessageRequest(
            model: sonnet, maxTokens: 2048, messages: [.user("Weather?"), .assistant("Let me check."), .user([.text("Paris")])],
            tools: [tool, server], toolChoice: .tool(name: "get_weather", disableParallelToolUse: true), temperature: 0.7, topP: 0.95,
            topK: 40, stopSequences: ["\n\nHuman:"], metadataUserID: "user-hash-1", thinking: .enabled(budgetTokens: 1024),
            serviceTier: "standard_only", inferenceGeo: "us", speed: "fast", betas: ["fast-mode-2026-02-01"],
            additionalFields: ["container": "c-1"])
        let json = request.json()
        #expect(json["tools"] == [
            ["name": "get_weather", "description": "Weather for a place", "cache_control": ["type": "ephemeral"],
             "input_schema": ["type": "object", "properties": ["location": ["type": "string"]], "required": ["location"]]],
            ["name": "web_search", "type": "web_search_20250305", "max_uses": 3],
        ])
        #expect(json["tool_choice"] == ["type": "tool", "name": "get_weather", "disable_parallel_tool_use": true])
        #expect(json["temperature"] == 0.7 && json["top_p"] == 0.95 && json["top_k"] == 40)
        #expect(json["stop_sequences"] == ["\n\nHuman:"])
        #expect(json["metadata"] == ["user_id": "user-hash-1"])
        #expect(json["thinking"] == ["type": "enabled", "budget_tokens": 1024])
        #expect(json["service_tier"] == "standard_only" && json["inference_geo"] == "us" && json["speed"] == "fast")
        #expect(json["container"] == "c-1")
        #expect(json["betas"] == nil)
        #expect(json["messages"]?.arrayValue?.map { $0["role"] } == ["user", "assistant", "user"])
        #expect(ClaudeToolChoice.auto().json == ["type": "auto"])
        #expect(ClaudeToolChoice.any(disableParallelToolUse: true).json == ["type": "any", "disable_parallel_tool_use": true])
        #expect(ClaudeToolChoice.none.json == ["type": "none"])
        #expect(ClaudeThinking.adaptive.json == ["type": "adaptive"] && ClaudeThinking.disabled.json == ["type": "disabled"])
    }

    @Test("the client sends the Messages API headers, betas joined, and the same bytes on every attempt")
    func headersAndStableBody() async throws {
        let transport = ScriptedTransport([.error(529, type: "overloaded_error"), .message()])
        let client = makeClient(transport)
        var request = simpleRequest()
        request.betas = ["a-2025", "b-2026"]
        request.tools = [ClaudeTool(name: "t", inputSchema: ["type": "object", "properties": ["z": ["type": "string"], "a": ["type": "string"]]])]
        _ = try await client.createMessage(request)
        let sent = transport.requests
        #expect(sent.count == 2)
        #expect(sent[0].body == sent[1].body)
        #expect(sent[0].url.absoluteString == "https://api.anthropic.com/v1/messages")
        #expect(sent[0].method == "POST")
        let headers = sent[0].headers
        #expect(headers["x-api-key"] == testAPIKey)
        #expect(headers["anthropic-version"] == "2023-06-01")
        #expect(headers["content-type"] == "application/json")
        #expect(headers["accept"] == "application/json")
        #expect(headers["anthropic-beta"] == "a-2025,b-2026")
        #expect(headers["X-API-KEY"] == testAPIKey)
        // Keys are sorted, so the body does not depend on dictionary order.
        #expect(String(decoding: sent[0].body, as: UTF8.self).contains(#""properties":{"a":{"type":"string"},"z":{"type":"string"}}"#))
    }

    @Test("JSON text round-trips: escapes, unicode, numbers")
    func jsonRoundTrip() throws {
        let value: ClaudeJSON = [
            "quote": "say \"hi\"\\ and\nnew\tline \u{01}", "emoji": "snow ☃ and 🎉", "int": 42, "negative": -7,
            "fraction": 0.125, "small": 1e-7, "big": 12345678901234, "flag": false, "nothing": nil, "list": [1, "two", [3]],
        ]
        let text = value.serialized()
        #expect(text.contains(#""quote":"say \"hi\"\\ and\nnew\tline \u0001""#))
        #expect(try ClaudeJSON.parse(text) == value)
        let data = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        #expect(data?["emoji"] as? String == "snow ☃ and 🎉")
        #expect(try ClaudeJSON.parse(#"{"s":"\u00e9\ud83c\udf89\/","n":-0.5e2}"#) == ["s": "é🎉/", "n": -50])
    }

    @Test("the JSON parser refuses malformed text with a typed error")
    func jsonErrors() {
        for text in ["", "{", #"{"a" 1}"#, "[1,]", "tru", #""unterminated"#, "01", "1.", "-", #"{"a":1} x"#, "\"\u{01}\"", #""\q""#,
                     String(repeating: "[", count: 300) + String(repeating: "]", count: 300)] {
            #expect(throws: ClaudeJSONError.self, "\(text)") { try ClaudeJSON.parse(text) }
        }
    }
}
