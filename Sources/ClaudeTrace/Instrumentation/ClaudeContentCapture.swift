/// Prompt and reply text in the GenAI conventions' message schema, for the opt-in content
/// capture (`gen_ai.system_instructions`, `gen_ai.input.messages`, `gen_ai.output.messages`).
///
/// `[{"role":"user","parts":[{"type":"text","content":"…"}]}]`. Tool calls become `tool_call`
/// parts, tool results `tool_call_response`, thinking `reasoning`. Images and documents are
/// never copied: a `blob` part without content marks where they were.
enum ClaudeContentCapture {
    static func systemInstructions(_ system: ClaudeSystemPrompt) -> String {
        let parts: [ClaudeJSON] = switch system {
        case .text(let text): [["type": "text", "content": .string(text)]]
        case .blocks(let blocks): blocks.map(part)
        }
        return ClaudeJSON.array(parts).serialized()
    }

    static func inputMessages(_ messages: [ClaudeInputMessage]) -> String {
        ClaudeJSON.array(messages.map { message in
            ["role": .string(message.role.rawValue), "parts": .array(message.content.map(part))]
        }).serialized()
    }

    static func outputMessages(_ response: ClaudeMessageResponse) -> String {
        var message: [String: ClaudeJSON] = ["role": "assistant", "parts": .array(response.content.map(part))]
        if let reason = response.stopReason { message["finish_reason"] = .string(reason.finishReason) }
        return ClaudeJSON.array([.object(message)]).serialized()
    }

    static func part(_ block: ClaudeContentBlock) -> ClaudeJSON {
        switch block {
        case .text(let text, _):
            return ["type": "text", "content": .string(text)]
        case .image(let source, _):
            var blob: [String: ClaudeJSON] = ["type": "blob", "modality": "image"]
            if case .base64(let mediaType, _) = source { blob["mime_type"] = .string(mediaType) }
            return .object(blob)
        case .document(let source, _, _):
            let mimeType: String = if case .text = source { "text/plain" } else { "application/pdf" }
            return ["type": "blob", "modality": "document", "mime_type": .string(mimeType)]
        case .toolUse(let id, let name, let input, _):
            return ["type": "tool_call", "id": .string(id), "name": .string(name), "arguments": input]
        case .toolResult(let id, let content, _, _):
            let text = content.compactMap(\.text).joined()
            return ["type": "tool_call_response", "id": .string(id), "response": .string(text)]
        case .thinking(let thinking, _):
            return ["type": "reasoning", "content": .string(thinking)]
        case .redactedThinking:
            return ["type": "reasoning"]
        case .unknown(let type, _):
            return ["type": .string(type)]
        }
    }
}
