/// Assembles the final message from a stream's events: text, tool inputs (the JSON pieces
/// joined and parsed when the block stops), thinking and its signature, the stop reason and the
/// cumulative usage.
///
/// Text grows in per-block buffers, so a long answer costs linear time, not quadratic.
package struct ClaudeMessageAccumulator: Sendable {
    private var start: ClaudeMessageResponse?
    private var blocks: [BlockBuilder] = []
    private var positions: [Int: Int] = [:]
    private var stopReason: ClaudeStopReason?
    private var stopSequence: String?
    private var usage = ClaudeUsage()

    /// Whether `message_stop` arrived.
    package private(set) var isComplete = false
    /// Whether any content delta arrived (the stream's first token).
    package private(set) var hasContent = false

    package init() {}

    /// Takes in one event. Events for a block that never started are ignored.
    package mutating func apply(_ event: ClaudeStreamEvent) {
        switch event {
        case .messageStart(let message):
            start = message
            usage = message.usage
        case .contentBlockStart(let index, let block):
            positions[index] = blocks.count
            blocks.append(BlockBuilder(block))
        case .contentBlockDelta(let index, let delta):
            hasContent = true
            guard let position = positions[index] else { return }
            blocks[position].apply(delta)
        case .contentBlockStop(let index):
            guard let position = positions[index] else { return }
            blocks[position].isStopped = true
        case .messageDelta(let delta):
            if let reason = delta.stopReason { stopReason = reason }
            if let sequence = delta.stopSequence { stopSequence = sequence }
            delta.apply(to: &usage)
        case .messageStop:
            isComplete = true
        case .ping, .error:
            break
        }
    }

    /// The message as received so far; nil before `message_start`. After `message_stop` it is
    /// the final message.
    package var message: ClaudeMessageResponse? {
        guard var message = start else { return nil }
        message.content = blocks.map(\.block)
        message.stopReason = stopReason ?? message.stopReason
        message.stopSequence = stopSequence ?? message.stopSequence
        message.usage = usage
        return message
    }

    /// The usage reported so far (from `message_start`, then each `message_delta`).
    package var currentUsage: ClaudeUsage { usage }
}

/// One content block under construction.
private struct BlockBuilder: Sendable {
    let initial: ClaudeContentBlock
    var text = ""
    var partialJSON = ""
    var signature = ""
    var isStopped = false

    init(_ block: ClaudeContentBlock) {
        initial = block
        switch block {
        case .text(let text, _): self.text = text
        case .thinking(let thinking, let signature):
            self.text = thinking
            self.signature = signature
        default: break
        }
    }

    mutating func apply(_ delta: ClaudeContentDelta) {
        switch delta {
        case .text(let piece), .thinking(let piece): text += piece
        case .inputJSON(let piece): partialJSON += piece
        case .signature(let piece): signature += piece
        case .citation, .unknown: break
        }
    }

    var block: ClaudeContentBlock {
        switch initial {
        case .text(_, let cacheControl):
            return .text(text, cacheControl: cacheControl)
        case .thinking:
            return .thinking(text, signature: signature)
        case .toolUse(let id, let name, _, let cacheControl):
            guard !partialJSON.isEmpty else { return initial }
            // A tool input cut off mid-way (a dropped stream) is not JSON yet: keep the text.
            let parsed = (try? ClaudeJSON.parse(partialJSON)) ?? .string(partialJSON)
            return .toolUse(id: id, name: name, input: parsed, cacheControl: cacheControl)
        default:
            return initial
        }
    }
}
