/// The simulated Claude's draws from its seeded generator: the same seed gives the same replies.
extension SeededRandom {
    mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }

    mutating func hex(_ count: Int) -> String {
        var text = ""
        while text.count < count { text += String(next(), radix: 16) }
        return String(text.prefix(count))
    }

    /// FNV-1a over `bytes`: mixes a request's bytes into the seed.
    static func hash(_ bytes: some Sequence<UInt8>, into seed: UInt64 = 0xCBF2_9CE4_8422_2325) -> UInt64 {
        var hash = seed
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return hash
    }
}

/// What the simulated Claude answers to one request: the message and, for streams, its events.
struct SimulatedReply {
    /// One server-sent event; `isDelta` marks content deltas (latency and failures count them).
    struct Event {
        var name: String
        var data: ClaudeJSON
        var isDelta: Bool
    }

    var message: ClaudeJSON
    var events: [Event] = []
    var outputTokens: Int

    private static let vocabulary = [
        "the", "ticket", "customer", "reports", "that", "an", "order", "arrived", "late", "and", "asks", "for",
        "a", "refund", "summary", "next", "step", "is", "to", "confirm", "shipping", "details", "with", "support",
        "team", "before", "closing", "case", "priority", "medium", "account", "verified", "issue", "resolved",
        "pending", "review", "follow", "up", "tomorrow", "thanks",
    ]

    /// The prompt's segments in cache order (tools, system, messages): text and whether a cache
    /// breakpoint sits on it (and its TTL).
    static func segments(of body: ClaudeJSON) -> [(text: String, cache: ClaudeJSON?)] {
        func text(of block: ClaudeJSON) -> String {
            switch block["type"]?.stringValue {
            case "text": return block["text"]?.stringValue ?? ""
            case "thinking": return block["thinking"]?.stringValue ?? ""
            case "tool_use": return block["input"]?.serialized() ?? "{}"
            case "tool_result":
                if let content = block["content"]?.stringValue { return content }
                return block["content"]?.arrayValue?.map(text(of:)).joined() ?? ""
            default:
                var members = block.objectValue ?? [:]
                members["cache_control"] = nil
                return ClaudeJSON.object(members).serialized()
            }
        }
        var segments: [(String, ClaudeJSON?)] = []
        for tool in body["tools"]?.arrayValue ?? [] {
            var members = tool.objectValue ?? [:]
            let cache = members.removeValue(forKey: "cache_control")
            segments.append((ClaudeJSON.object(members).serialized(), cache))
        }
        switch body["system"] {
        case .string(let system): segments.append((system, nil))
        case .array(let blocks): segments += blocks.map { (text(of: $0), $0["cache_control"]) }
        default: break
        }
        for message in body["messages"]?.arrayValue ?? [] {
            switch message["content"] {
            case .string(let content): segments.append((content, nil))
            case .array(let blocks): segments += blocks.map { (text(of: $0), $0["cache_control"]) }
            default: break
            }
        }
        return segments
    }

    static func lastUserText(of body: ClaudeJSON) -> String {
        for message in (body["messages"]?.arrayValue ?? []).reversed() where message["role"]?.stringValue == "user" {
            if let text = message["content"]?.stringValue { return text }
            return (message["content"]?.arrayValue ?? []).compactMap { $0["type"]?.stringValue == "text" ? $0["text"]?.stringValue : nil }
                .joined(separator: " ")
        }
        return ""
    }

    /// Builds the reply. `cacheLookup(hash)` says whether a cached prefix was seen before (and
    /// remembers it).
    static func make(
        body: ClaudeJSON, promptTokens: Int, random: inout SeededRandom, replyWords: ClosedRange<Int>, streaming: Bool,
        cacheLookup: (UInt64) -> Bool
    ) -> SimulatedReply {
        let model = body["model"]?.stringValue ?? ""
        let maxTokens = body["max_tokens"]?.intValue ?? 1024
        let segments = segments(of: body)
        var created = 0, read = 0, created1h = 0
        if let last = segments.lastIndex(where: { $0.cache != nil }) {
            let prefix = segments[...last].map(\.text)
            let cached = max(1, (prefix.reduce(0) { $0 + $1.count } + 3) / 4)
            var hash = SeededRandom.hash(model.utf8)
            for text in prefix { hash = SeededRandom.hash([0] + Array(text.utf8), into: hash) }
            if cacheLookup(hash) {
                read = cached
            } else {
                created = cached
                if segments[last].cache?["ttl"]?.stringValue == "1h" { created1h = cached }
            }
        }
        let input = max(1, promptTokens - created - read)
        let prompt = lastUserText(of: body)
        var content: [ClaudeJSON] = []
        var output = 0
        var stopReason = "end_turn"
        var stopSequence: ClaudeJSON = .null

        let thinkingType = body["thinking"]?["type"]?.stringValue
        if thinkingType == "enabled" || thinkingType == "adaptive" {
            let thought = "The user asks about \(prompt.prefix(40)). A short, direct answer fits."
            content.append(["type": "thinking", "thinking": .string(thought), "signature": .string("sig_" + random.hex(32))])
            output += thought.split(separator: " ").count
        }
        let tools = body["tools"]?.arrayValue ?? []
        let choice = body["tool_choice"]?["type"]?.stringValue ?? "auto"
        let named = tools.first { tool in tool["name"]?.stringValue.map { prompt.lowercased().contains($0.lowercased()) } ?? false }
        if !tools.isEmpty, choice != "none", choice == "any" || choice == "tool" || named != nil {
            let tool = choice == "tool"
                ? tools.first { $0["name"]?.stringValue == body["tool_choice"]?["name"]?.stringValue } ?? tools[0]
                : named ?? tools[0]
            var input: [String: ClaudeJSON] = [:]
            for (name, schema) in tool["input_schema"]?["properties"]?.objectValue ?? [:] {
                input[name] = schema["type"]?.stringValue == "number" || schema["type"]?.stringValue == "integer" ? 1 : "simulated"
            }
            content.append([
                "type": "tool_use", "id": .string("toolu_sim_" + random.hex(24)),
                "name": tool["name"] ?? "tool", "input": .object(input),
            ])
            output += max(1, ClaudeJSON.object(input).serialized().count / 4)
            stopReason = "tool_use"
        } else {
            var words = ["Simulated", "reply:"]
            for _ in 0..<random.int(in: replyWords) { words.append(vocabulary[random.int(in: 0...(vocabulary.count - 1))]) }
            var text = words.joined(separator: " ") + "."
            if let cut = (body["stop_sequences"]?.arrayValue ?? []).compactMap({ $0.stringValue })
                .compactMap({ sequence in text.range(of: sequence).map { ($0.lowerBound, sequence) } })
                .min(by: { $0.0 < $1.0 }) {
                text = String(text[..<cut.0])
                stopReason = "stop_sequence"
                stopSequence = .string(cut.1)
            }
            let pieces = text.split(separator: " ", omittingEmptySubsequences: false)
            if pieces.count > max(1, maxTokens - output) {
                text = pieces.prefix(max(1, maxTokens - output)).joined(separator: " ")
                stopReason = "max_tokens"
                stopSequence = .null
            }
            content.append(["type": "text", "text": .string(text)])
            output += text.split(separator: " ").count
        }
        let usage: ClaudeJSON = [
            "input_tokens": .integer(input), "output_tokens": .integer(max(1, output)),
            "cache_creation_input_tokens": .integer(created), "cache_read_input_tokens": .integer(read),
            "cache_creation": ["ephemeral_5m_input_tokens": .integer(created - created1h), "ephemeral_1h_input_tokens": .integer(created1h)],
            "service_tier": "standard",
        ]
        let message: ClaudeJSON = [
            "id": .string("msg_sim_" + random.hex(24)), "type": "message", "role": "assistant", "model": .string(model),
            "content": .array(content), "stop_reason": .string(stopReason), "stop_sequence": stopSequence, "usage": usage,
        ]
        var reply = SimulatedReply(message: message, outputTokens: max(1, output))
        if streaming { reply.events = streamEvents(for: message, random: &random) }
        return reply
    }

    /// The message as the API streams it: start, ping, each block's start, deltas and stop,
    /// then message_delta with the cumulative usage and message_stop.
    private static func streamEvents(for message: ClaudeJSON, random: inout SeededRandom) -> [Event] {
        var start = message.objectValue ?? [:]
        start["content"] = []
        start["stop_reason"] = .null
        start["stop_sequence"] = .null
        var startUsage = message["usage"]?.objectValue ?? [:]
        startUsage["output_tokens"] = 1
        start["usage"] = .object(startUsage)
        var events = [
            Event(name: "message_start", data: ["type": "message_start", "message": .object(start)], isDelta: false),
            Event(name: "ping", data: ["type": "ping"], isDelta: false),
        ]
        for (index, block) in (message["content"]?.arrayValue ?? []).enumerated() {
            let position = ClaudeJSON.integer(index)
            var first = block.objectValue ?? [:]
            var deltas: [ClaudeJSON] = []
            switch block["type"]?.stringValue {
            case "text":
                first["text"] = ""
                let text = block["text"]?.stringValue ?? ""
                var words = text.split(separator: " ", omittingEmptySubsequences: false).map { $0 + " " }
                if var last = words.popLast() { last.removeLast(); words.append(last) }
                deltas = words.map { ["type": "text_delta", "text": .string(String($0))] }
            case "thinking":
                first["thinking"] = ""
                first["signature"] = ""
                let words = (block["thinking"]?.stringValue ?? "").split(separator: " ")
                deltas = stride(from: 0, to: words.count, by: 3).map { start in
                    let piece = words[start..<min(start + 3, words.count)].joined(separator: " ") + (start + 3 < words.count ? " " : "")
                    return ["type": "thinking_delta", "thinking": .string(piece)]
                }
                deltas.append(["type": "signature_delta", "signature": block["signature"] ?? ""])
            default:
                first["input"] = [:]
                let raw = Array((block["input"] ?? [:]).serialized())
                deltas = [["type": "input_json_delta", "partial_json": ""]]
                var offset = 0
                while offset < raw.count {
                    let size = random.int(in: 3...9)
                    deltas.append(["type": "input_json_delta", "partial_json": .string(String(raw[offset..<min(offset + size, raw.count)]))])
                    offset += size
                }
            }
            events.append(Event(
                name: "content_block_start",
                data: ["type": "content_block_start", "index": position, "content_block": .object(first)], isDelta: false))
            for delta in deltas {
                events.append(Event(
                    name: "content_block_delta", data: ["type": "content_block_delta", "index": position, "delta": delta], isDelta: true))
            }
            events.append(Event(name: "content_block_stop", data: ["type": "content_block_stop", "index": position], isDelta: false))
        }
        let usage = message["usage"] ?? [:]
        events.append(Event(
            name: "message_delta",
            data: [
                "type": "message_delta",
                "delta": ["stop_reason": message["stop_reason"] ?? .null, "stop_sequence": message["stop_sequence"] ?? .null],
                "usage": [
                    "input_tokens": usage["input_tokens"] ?? 0, "output_tokens": usage["output_tokens"] ?? 0,
                    "cache_creation_input_tokens": usage["cache_creation_input_tokens"] ?? 0,
                    "cache_read_input_tokens": usage["cache_read_input_tokens"] ?? 0,
                ],
            ], isDelta: false))
        events.append(Event(name: "message_stop", data: ["type": "message_stop"], isDelta: false))
        return events
    }

    /// One event as SSE bytes.
    static func encode(_ event: Event) -> [UInt8] {
        var bytes = Array("event: \(event.name)\ndata: ".utf8)
        event.data.write(into: &bytes)
        bytes.append(contentsOf: [0x0A, 0x0A])
        return bytes
    }
}
