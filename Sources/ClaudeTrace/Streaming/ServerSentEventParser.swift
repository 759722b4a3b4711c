/// One server-sent event: its type and its data lines joined by `\n`.
package struct ServerSentEvent: Sendable, Hashable {
    /// The `event:` field; `message` when the event had none (the spec's default).
    package var event: String
    /// The `data:` lines, joined by `\n`, as UTF-8 bytes.
    package var data: [UInt8]
    /// The `id:` field, when the event had one.
    package var id: String?

    package init(event: String, data: [UInt8], id: String? = nil) {
        self.event = event
        self.data = data
        self.id = id
    }

    /// The data as text.
    package var text: String { String(decoding: data, as: UTF8.self) }
}

/// Why an event stream was refused.
package enum ServerSentEventError: Error, Sendable, Hashable {
    /// A line or an event grew past the parser's limit without ending.
    case eventTooLarge(limit: Int)
}

/// An incremental parser for `text/event-stream`, by the WHATWG rules
/// (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation).
///
/// Feed it the body's bytes as they arrive, cut anywhere: a line or a UTF-8 sequence split
/// across chunks is kept until its end arrives, and one chunk may hold many events. Lines end in
/// `\n`, `\r\n` or `\r`. A blank line dispatches the event; lines starting with `:` are comments;
/// an event without `data:` is not dispatched; an event the stream ends in the middle of is
/// discarded. The parser works on bytes and copies each line at most once (when it spans
/// chunks), so it runs at memory speed; decoding the data is the caller's, once per event.
package struct ServerSentEventParser: Sendable {
    /// The longest line, and the most `data:` bytes in one event, accepted (16 MiB by
    /// default); past it ``feed(_:into:)`` throws ``ServerSentEventError/eventTooLarge(limit:)``,
    /// wherever the chunks were cut. Memory stays within about twice this plus one chunk.
    package let maximumEventSize: Int

    private var partialLine: [UInt8] = []
    private var chunkEndedWithCarriageReturn = false
    private var isFirstLine = true
    private var eventName: String?
    private var data: [UInt8] = []
    private var hasData = false
    private var eventID: String?

    package init(maximumEventSize: Int = 16 << 20) {
        self.maximumEventSize = maximumEventSize
    }

    /// Whether the stream so far ended in the middle of an event (or a line): what a stream cut
    /// off mid-way leaves behind.
    package var hasPartialEvent: Bool { !partialLine.isEmpty || hasData || eventName != nil }

    /// Parses `chunk` and returns the events it completed.
    package mutating func parse(_ chunk: [UInt8]) throws(ServerSentEventError) -> [ServerSentEvent] {
        var events: [ServerSentEvent] = []
        try feed(chunk, into: &events)
        return events
    }

    /// Parses `chunk`, appending the events it completes to `events`.
    package mutating func feed(_ chunk: [UInt8], into events: inout [ServerSentEvent]) throws(ServerSentEventError) {
        try chunk.withUnsafeBufferPointer { buffer throws(ServerSentEventError) in try feed(buffer, into: &events) }
    }

    /// Parses `chunk`, appending the events it completes to `events`.
    package mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>, into events: inout [ServerSentEvent]) throws(ServerSentEventError) {
        let count = chunk.count
        var position = 0
        if chunkEndedWithCarriageReturn, count > 0 {
            // The `\r` that ended the last chunk and this `\n` are one line ending.
            if chunk[0] == 0x0A { position = 1 }
            chunkEndedWithCarriageReturn = false
        }
        var lineStart = position
        while position < count {
            let byte = chunk[position]
            guard byte == 0x0A || byte == 0x0D else {
                position += 1
                continue
            }
            let piece = UnsafeBufferPointer(rebasing: chunk[lineStart..<position])
            if partialLine.isEmpty {
                try processLine(piece, into: &events)
            } else {
                partialLine.append(contentsOf: piece)
                let line = partialLine
                partialLine.removeAll(keepingCapacity: true)
                try line.withUnsafeBufferPointer { line throws(ServerSentEventError) in try processLine(line, into: &events) }
            }
            if byte == 0x0D {
                if position + 1 < count {
                    if chunk[position + 1] == 0x0A { position += 1 }
                } else {
                    chunkEndedWithCarriageReturn = true
                }
            }
            position += 1
            lineStart = position
        }
        if lineStart < count {
            partialLine.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[lineStart..<count]))
            if partialLine.count > maximumEventSize { throw .eventTooLarge(limit: maximumEventSize) }
        }
    }

    private mutating func processLine(_ line: UnsafeBufferPointer<UInt8>, into events: inout [ServerSentEvent]) throws(ServerSentEventError) {
        // Checked here too, not only for a line held across chunks: the verdict on a line must
        // not depend on where the transport cut the stream.
        if line.count > maximumEventSize { throw .eventTooLarge(limit: maximumEventSize) }
        var line = line
        if isFirstLine {
            isFirstLine = false
            // A UTF-8 byte order mark may open the stream; it is not part of the first field.
            if line.count >= 3, line[0] == 0xEF, line[1] == 0xBB, line[2] == 0xBF {
                line = UnsafeBufferPointer(rebasing: line[3...])
            }
        }
        if line.isEmpty {
            dispatch(into: &events)
            return
        }
        if line[0] == UInt8(ascii: ":") { return }
        var colon = 0
        while colon < line.count, line[colon] != UInt8(ascii: ":") { colon += 1 }
        var valueStart = min(colon + 1, line.count)
        if valueStart < line.count, line[valueStart] == UInt8(ascii: " ") { valueStart += 1 }
        let field = UnsafeBufferPointer(rebasing: line[0..<colon])
        let value = UnsafeBufferPointer(rebasing: line[valueStart...])
        if Self.equals(field, "data") {
            if hasData { data.append(0x0A) }
            data.append(contentsOf: value)
            hasData = true
            if data.count > maximumEventSize { throw .eventTooLarge(limit: maximumEventSize) }
        } else if Self.equals(field, "event") {
            eventName = String(decoding: value, as: UTF8.self)
        } else if Self.equals(field, "id") {
            if !value.contains(0) { eventID = String(decoding: value, as: UTF8.self) }
        }
        // `retry` and unknown fields are ignored, as the spec says.
    }

    private mutating func dispatch(into events: inout [ServerSentEvent]) {
        defer {
            eventName = nil
            hasData = false
            data.removeAll(keepingCapacity: true)
        }
        guard hasData else { return }
        let name = eventName.flatMap { $0.isEmpty ? nil : $0 } ?? "message"
        events.append(ServerSentEvent(event: name, data: data, id: eventID))
    }

    private static func equals(_ bytes: UnsafeBufferPointer<UInt8>, _ name: StaticString) -> Bool {
        guard bytes.count == name.utf8CodeUnitCount else { return false }
        for index in 0..<bytes.count where bytes[index] != name.utf8Start[index] { return false }
        return true
    }
}
