/// A piece of a content block, as a stream delivers it.
public enum ClaudeContentDelta: Sendable, Hashable {
    /// `text_delta`: more text.
    case text(String)
    /// `input_json_delta`: a piece of a tool call's input JSON (the pieces join into JSON).
    case inputJSON(String)
    /// `thinking_delta`: more thinking.
    case thinking(String)
    /// `signature_delta`: the thinking block's signature.
    case signature(String)
    /// `citations_delta`: a citation for the text block.
    case citation(ClaudeJSON)
    /// A delta of another type, kept as received.
    case unknown(type: String, json: ClaudeJSON)

    init(json: ClaudeJSON) {
        let type = json["type"]?.stringValue ?? ""
        switch type {
        case "text_delta": if let text = json["text"]?.stringValue { self = .text(text); return }
        case "input_json_delta": if let text = json["partial_json"]?.stringValue { self = .inputJSON(text); return }
        case "thinking_delta": if let text = json["thinking"]?.stringValue { self = .thinking(text); return }
        case "signature_delta": if let text = json["signature"]?.stringValue { self = .signature(text); return }
        case "citations_delta": if let citation = json["citation"] { self = .citation(citation); return }
        default: break
        }
        self = .unknown(type: type, json: json)
    }
}

/// The end of a message, from `message_delta`.
public struct ClaudeMessageDelta: Sendable, Hashable {
    /// Why Claude stopped.
    public var stopReason: ClaudeStopReason?
    /// The stop sequence Claude wrote, when that is why it stopped.
    public var stopSequence: String?
    /// The usage counts the event carried (cumulative for the message); the ones it did not
    /// carry read as zero here.
    public var usage: ClaudeUsage
    let usageJSON: ClaudeJSON

    package init(stopReason: ClaudeStopReason?, stopSequence: String?, usage: ClaudeJSON) {
        self.stopReason = stopReason
        self.stopSequence = stopSequence
        self.usage = ClaudeUsage(json: usage)
        self.usageJSON = usage
    }

    /// Overwrites the counts this delta carries in `usage`.
    package func apply(to usage: inout ClaudeUsage) { usage.merge(usageJSON) }
}

/// One event of a streamed Messages API answer, in the order the API sends them:
/// `messageStart`, then per content block `contentBlockStart`, `contentBlockDelta`…,
/// `contentBlockStop`, then `messageDelta` and `messageStop`; `ping` anywhere.
public enum ClaudeStreamEvent: Sendable, Hashable {
    /// The message with empty content and its initial usage.
    case messageStart(ClaudeMessageResponse)
    /// Block `index` starts, with its empty or initial content.
    case contentBlockStart(index: Int, block: ClaudeContentBlock)
    /// More of block `index`.
    case contentBlockDelta(index: Int, delta: ClaudeContentDelta)
    /// Block `index` is complete.
    case contentBlockStop(index: Int)
    /// The stop reason and the final usage.
    case messageDelta(ClaudeMessageDelta)
    /// The answer is complete.
    case messageStop
    /// A keep-alive; carries nothing.
    case ping
    /// An `error` event inside the stream (e.g. `overloaded_error`). ``ClaudeMessageStream``
    /// throws it as a ``ClaudeError`` rather than yielding it.
    case error(type: String, message: String)

    /// Decodes one server-sent event, parsing its JSON once. Returns nil for an event type this
    /// library does not know (the API may add some; they are skipped); throws when a known
    /// event's data is not the JSON it should be.
    package static func decode(_ event: ServerSentEvent) throws(ClaudeStreamDecodingError) -> ClaudeStreamEvent? {
        if event.event == "ping" { return .ping }
        let json: ClaudeJSON
        do {
            json = try ClaudeJSON.parse(event.data)
        } catch {
            guard isKnown(event.event) else { return nil }
            throw ClaudeStreamDecodingError(event: event.event, reason: error.description)
        }
        let type = json["type"]?.stringValue ?? event.event
        func missing(_ field: String) -> ClaudeStreamDecodingError {
            ClaudeStreamDecodingError(event: type, reason: "missing \(field)")
        }
        switch type {
        case "message_start":
            guard let message = json["message"].flatMap(ClaudeMessageResponse.init(json:)) else { throw missing("message") }
            return .messageStart(message)
        case "content_block_start":
            guard let index = json["index"]?.intValue else { throw missing("index") }
            guard let block = json["content_block"], block.objectValue != nil else { throw missing("content_block") }
            return .contentBlockStart(index: index, block: ClaudeContentBlock(json: block))
        case "content_block_delta":
            guard let index = json["index"]?.intValue else { throw missing("index") }
            guard let delta = json["delta"], delta.objectValue != nil else { throw missing("delta") }
            return .contentBlockDelta(index: index, delta: ClaudeContentDelta(json: delta))
        case "content_block_stop":
            guard let index = json["index"]?.intValue else { throw missing("index") }
            return .contentBlockStop(index: index)
        case "message_delta":
            let delta = json["delta"]
            return .messageDelta(ClaudeMessageDelta(
                stopReason: delta?["stop_reason"]?.stringValue.map(ClaudeStopReason.init(rawValue:)),
                stopSequence: delta?["stop_sequence"]?.stringValue, usage: json["usage"] ?? [:]))
        case "message_stop":
            return .messageStop
        case "ping":
            return .ping
        case "error":
            let error = json["error"]
            return .error(
                type: error?["type"]?.stringValue ?? "api_error",
                message: error?["message"]?.stringValue ?? "error event in the stream")
        default:
            return nil
        }
    }

    private static func isKnown(_ name: String) -> Bool {
        switch name {
        case "message_start", "content_block_start", "content_block_delta", "content_block_stop",
             "message_delta", "message_stop", "error": true
        default: false
        }
    }
}

/// A known stream event whose data was not the JSON it should be.
package struct ClaudeStreamDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    package let event: String
    package let reason: String
    package var description: String { "malformed \(event) event: \(reason)" }
}
