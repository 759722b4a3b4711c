import FuzzSupport
@testable import ClaudeTrace

/// A small limit, so inputs of a few hundred bytes reach it.
let maximumEventSize = 300

/// The events a stream fed in `pieces` gives, and the error that stopped it, if any.
func parse(_ pieces: [ArraySlice<UInt8>]) -> (events: [ServerSentEvent], error: ServerSentEventError?) {
    var parser = ServerSentEventParser(maximumEventSize: maximumEventSize)
    var events: [ServerSentEvent] = []
    do {
        for piece in pieces { try parser.feed(Array(piece), into: &events) }
    } catch {
        return (events, error)
    }
    return (events, nil)
}

/// The SSE parser, then the Messages API stream decoding and the accumulator, on a server's
/// bytes: no trap, nothing over the limit, the same events however the bytes are cut.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = FuzzInput(fuzzBytes(data, size))
    let inPieces = parse(input.pieces)
    let whole = parse([input.stream[...]])
    precondition(inPieces.events == whole.events && inPieces.error == whole.error,
                 "pieces \(input.pieceSizes) gave \(inPieces), whole gave \(whole)")
    var accumulator = ClaudeMessageAccumulator()
    for event in inPieces.events {
        precondition(event.data.count <= maximumEventSize, "an event over the limit")
        guard let decoded = try? ClaudeStreamEvent.decode(event) else { continue }
        accumulator.apply(decoded)
    }
    if let message = accumulator.message {
        _ = message.text
        _ = message.toolUses
        _ = message.usage.promptTokens
    }
    return 0
}

runLibFuzzer(fuzz)
