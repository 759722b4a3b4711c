import FuzzSupport
@testable import ClaudeTrace

/// The Claude JSON parser and the Messages API response decoder on an answer's bytes: no trap,
/// and what is parsed writes out as JSON that parses back to the same text.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    guard let json = try? ClaudeJSON.parse(bytes) else { return 0 }
    let text = json.serializedBytes()
    do {
        let again = try ClaudeJSON.parse(text)
        precondition(again.serializedBytes() == text, "writing the parsed JSON again gave other bytes")
    } catch {
        preconditionFailure("the written JSON does not parse: \(error)")
    }
    if let message = ClaudeMessageResponse(json: json) {
        _ = message.text
        _ = message.toolUses
        _ = message.usage.promptTokens
        _ = message.usage.json.serialized()
        for block in message.content { _ = block.json.serialized() }
    }
    return 0
}

runLibFuzzer(fuzz)
