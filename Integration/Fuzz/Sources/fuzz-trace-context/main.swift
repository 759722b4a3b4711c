import FuzzSupport
import ClaudeTraceCore

/// W3C `traceparent` and `tracestate` parsing on a peer's headers (the input up to its first
/// newline is the `traceparent`, the rest the `tracestate`): no trap, and whatever parses
/// writes out to a header that parses back to the same value.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
    let traceparent = String(decoding: bytes[..<newline], as: UTF8.self)
    let tracestate = String(decoding: bytes[min(newline + 1, bytes.count)...], as: UTF8.self)

    if let parsed = TraceContextPropagator.parseTraceparent(traceparent) {
        let context = SpanContext(traceID: parsed.traceID, spanID: parsed.spanID, traceFlags: parsed.flags, isRemote: true)
        let written = TraceContextPropagator.traceparent(for: context)
        guard let again = TraceContextPropagator.parseTraceparent(written) else {
            preconditionFailure("the written traceparent \(written) does not parse")
        }
        precondition(again.traceID == parsed.traceID && again.spanID == parsed.spanID && again.flags == parsed.flags,
                     "the written traceparent \(written) parses to another context")
    }
    if let state = TraceState(headerValue: tracestate) {
        precondition(state.entries.count <= TraceState.maxMembers, "more members than the spec allows")
        precondition(TraceState(headerValue: state.headerValue) == state, "the written tracestate parses to another state")
        if let first = state.entries.first {
            _ = state.setting(first.key, to: first.value)
            _ = state.removing(first.key)
        }
    }
    _ = TraceContextPropagator.extract(from: ["TraceParent": traceparent, "tracestate": tracestate])
    return 0
}

runLibFuzzer(fuzz)
