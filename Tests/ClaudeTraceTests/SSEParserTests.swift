import Foundation
import Testing
@testable import ClaudeTrace

/// Streams recorded from the simulated Claude (which writes the wire format the API writes), so
/// the fixtures are generated, not pasted.
private func recordedStreams() async throws -> [(name: String, bytes: [UInt8])] {
    let simulator = SimulatedClaude(configuration: .init(seed: 11, timeScale: 0, replyWords: 30...30, splitsChunks: false))
    let weather = ClaudeTool(name: "get_weather", description: "Weather for a place",
                             inputSchema: ["type": "object", "properties": ["location": ["type": "string"], "days": ["type": "integer"]]])
    let requests: [(String, ClaudeMessageRequest)] = [
        ("text", simpleRequest("Summarize the ticket about the late order")),
        ("thinking", ClaudeMessageRequest(model: sonnet, maxTokens: 4096, messages: [.user("Think first")], thinking: .enabled(budgetTokens: 2048))),
        ("tool", ClaudeMessageRequest(model: sonnet, maxTokens: 512, messages: [.user("What is the weather in Paris?")],
                                      tools: [weather], toolChoice: .any())),
    ]
    var streams: [(String, [UInt8])] = []
    for (name, request) in requests {
        let http = ClaudeHTTPRequest(
            url: SimulatedClaude.baseURL, headers: ["x-api-key": "k", "anthropic-version": "2023-06-01"],
            body: request.json(stream: true).serializedBytes(), timeout: .seconds(5), isStreaming: true)
        let response = try await simulator.send(http)
        var bytes: [UInt8] = []
        for try await chunk in response.body { bytes += chunk }
        streams.append((name, bytes))
    }
    return streams
}

/// Parses `bytes` fed in pieces cut at `cuts` (sorted offsets).
private func parse(_ bytes: [UInt8], cuts: [Int]) throws -> [ServerSentEvent] {
    var parser = ServerSentEventParser()
    var events: [ServerSentEvent] = []
    var start = 0
    for cut in cuts + [bytes.count] {
        try parser.feed(Array(bytes[start..<cut]), into: &events)
        start = cut
    }
    return events
}

/// The same stream with every `\n` written as `ending`.
private func withLineEndings(_ bytes: [UInt8], _ ending: [UInt8]) -> [UInt8] {
    var result: [UInt8] = []
    for byte in bytes {
        if byte == 0x0A { result += ending } else { result.append(byte) }
    }
    return result
}

@Suite("SSE parser")
struct SSEParserTests {
    @Test("recorded streams cut at every byte boundary, and at random ones, yield exactly the same events")
    func everyBoundary() async throws {
        var random = SeededRandom(seed: 2026)
        for (name, recorded) in try await recordedStreams() {
            for ending in [[0x0A], [0x0D, 0x0A], [0x0D]] as [[UInt8]] {
                let bytes = withLineEndings(recorded, ending)
                let whole = try parse(bytes, cuts: [])
                #expect(whole.count > 5, "\(name)")
                #expect(whole.first?.event == "message_start" && whole.last?.event == "message_stop", "\(name)")
                for cut in 0...bytes.count {
                    let events = try parse(bytes, cuts: [cut])
                    #expect(events == whole, "\(name) ending \(ending) cut at \(cut)")
                    if events != whole { return }
                }
                for _ in 0..<200 {
                    let count = random.int(in: 1...40)
                    let cuts = (0..<count).map { _ in random.int(in: 0...bytes.count) }.sorted()
                    #expect(try parse(bytes, cuts: cuts) == whole, "\(name) cuts \(cuts)")
                }
                // One byte at a time, the worst case for a line split across chunks.
                #expect(try parse(bytes, cuts: Array(1..<bytes.count)) == whole, "\(name) byte by byte")
            }
        }
    }

    @Test("every decoded event of a recorded stream is typed; each event's JSON is decoded once into a ClaudeStreamEvent")
    func recordedEventsDecode() async throws {
        for (name, bytes) in try await recordedStreams() {
            let events = try parse(bytes, cuts: [])
            let decoded = try events.map { try ClaudeStreamEvent.decode($0) }
            #expect(decoded.allSatisfy { $0 != nil }, "\(name)")
        }
    }

    @Test("the spec's field rules: comments, a space after the colon, multi-line data, a field without a colon, id, retry, BOM")
    func fieldRules() throws {
        let text = "\u{FEFF}: a comment\nevent:first\ndata:no space\n\nevent: second\ndata: line one\ndata:  two spaces\nid: 7\nretry: 1000\nunknown: x\n\n"
            + "data\n\nevent: empty-data\ndata:\n\n"
        var parser = ServerSentEventParser()
        let events = try parser.parse(Array(text.utf8))
        #expect(events.map(\.event) == ["first", "second", "message", "empty-data"])
        #expect(events.map(\.text) == ["no space", "line one\n two spaces", "", ""])
        #expect(events[1].id == "7")
        #expect(!parser.hasPartialEvent)
    }

    @Test("an event without data is not dispatched, and the event name does not leak into the next event")
    func eventWithoutData() throws {
        var parser = ServerSentEventParser()
        let events = try parser.parse(Array("event: lonely\n\ndata: x\n\n".utf8))
        #expect(events == [ServerSentEvent(event: "message", data: Array("x".utf8))])
    }

    @Test("a stream that ends mid-event discards it and reports a partial event")
    func truncatedStream() throws {
        var parser = ServerSentEventParser()
        let events = try parser.parse(Array("event: a\ndata: {\"type\":\"ping\"}\n\nevent: b\ndata: {\"type\":\"mess".utf8))
        #expect(events.count == 1)
        #expect(parser.hasPartialEvent)
    }

    @Test("a line longer than the limit is refused with a typed error instead of growing without bound")
    func oversizedLine() {
        var parser = ServerSentEventParser(maximumEventSize: 1024)
        #expect(throws: ServerSentEventError.eventTooLarge(limit: 1024)) {
            _ = try parser.parse([UInt8](repeating: UInt8(ascii: "a"), count: 2000))
        }
        var dataParser = ServerSentEventParser(maximumEventSize: 1024)
        #expect(throws: ServerSentEventError.self) {
            for _ in 0..<40 { _ = try dataParser.parse(Array("data: \(String(repeating: "b", count: 100))\n".utf8)) }
        }
    }

    @Test("a line over the limit is refused whether it arrives in one chunk or in many")
    func oversizedLineInOneChunk() {
        let line = Array("data: \(String(repeating: "a", count: 200))\n\n".utf8)
        var whole = ServerSentEventParser(maximumEventSize: 100)
        #expect(throws: ServerSentEventError.eventTooLarge(limit: 100)) { _ = try whole.parse(line) }
        var pieces = ServerSentEventParser(maximumEventSize: 100)
        #expect(throws: ServerSentEventError.eventTooLarge(limit: 100)) {
            for byte in line { _ = try pieces.parse([byte]) }
        }
        var comment = ServerSentEventParser(maximumEventSize: 100)
        #expect(throws: ServerSentEventError.eventTooLarge(limit: 100)) {
            _ = try comment.parse(Array(":\(String(repeating: "c", count: 200))\n".utf8))
        }
    }

    @Test("malformed events yield a typed error or are skipped, never a crash")
    func malformedEvents() throws {
        func decode(_ text: String) throws(ClaudeStreamDecodingError) -> ClaudeStreamEvent? {
            var parser = ServerSentEventParser()
            let events = try! parser.parse(Array(text.utf8))
            return try ClaudeStreamEvent.decode(events[0])
        }
        // Truncated JSON in a known event: a typed error.
        #expect(throws: ClaudeStreamDecodingError.self) { try decode("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"ind\n\n") }
        // A known event missing a field: a typed error.
        #expect(throws: ClaudeStreamDecodingError.self) { try decode("event: content_block_delta\ndata: {\"type\":\"content_block_delta\"}\n\n") }
        // Unknown events, parseable or not: skipped.
        #expect(try decode("event: future_event\ndata: {\"type\":\"future_event\",\"x\":1}\n\n") == nil)
        #expect(try decode("event: future_event\ndata: not json\n\n") == nil)
        // A ping whose data is not JSON is still a ping.
        #expect(try decode("event: ping\ndata: ?\n\n") == .ping)
        // An error event is typed.
        #expect(try decode("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n")
                == .error(type: "overloaded_error", message: "Overloaded"))
        // Missing blank lines: the data lines join (spec) and the JSON is invalid: a typed error.
        #expect(throws: ClaudeStreamDecodingError.self) {
            try decode("event: message_delta\ndata: {\"type\":\"message_delta\"}\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n\n")
        }
        // Unknown delta and block types are kept, not fatal.
        let delta = try decode("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"hologram_delta\",\"z\":1}}\n\n")
        #expect(delta == .contentBlockDelta(index: 0, delta: .unknown(type: "hologram_delta", json: ["type": "hologram_delta", "z": 1])))
    }

    @Test("random garbage never crashes or hangs the parser or the decoder")
    func fuzz() {
        var random = SeededRandom(seed: 99)
        let alphabet = Array("event: data:{}[]\",:\n\r\\u0041 message_start content_block_delta error ping".utf8)
        for _ in 0..<2000 {
            var parser = ServerSentEventParser(maximumEventSize: 4096)
            let length = random.int(in: 0...300)
            let bytes = (0..<length).map { _ in random.int(in: 0...9) == 0 ? UInt8(truncatingIfNeeded: random.next()) : alphabet[random.int(in: 0...(alphabet.count - 1))] }
            guard let events = try? parser.parse(bytes) else { continue }
            for event in events { _ = try? ClaudeStreamEvent.decode(event) }
        }
    }

    @Test("the parser keeps up with a large stream (a smoke check; the benchmark measures throughput)")
    func largeStream() async throws {
        let (_, sample) = try await recordedStreams()[0]
        var bytes: [UInt8] = []
        while bytes.count < 4 << 20 { bytes += sample }
        var parser = ServerSentEventParser()
        var events: [ServerSentEvent] = []
        let start = ContinuousClock.now
        var offset = 0
        while offset < bytes.count {
            try parser.feed(Array(bytes[offset..<min(offset + 16_384, bytes.count)]), into: &events)
            offset += 16_384
        }
        #expect(!events.isEmpty)
        #expect(ContinuousClock.now - start < .seconds(30))
    }
}
