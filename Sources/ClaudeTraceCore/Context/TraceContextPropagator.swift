/// W3C Trace Context: carries a span context across processes in the `traceparent` and
/// `tracestate` headers. https://www.w3.org/TR/trace-context-2/
public enum TraceContextPropagator {
    /// `traceparent`: the header carrying the ids and flags.
    public static let traceparentHeader = "traceparent"
    /// `tracestate`: the header carrying the vendor key/value pairs.
    public static let tracestateHeader = "tracestate"

    /// Writes `context` into `headers` (lowercase names). An invalid context writes nothing;
    /// `tracestate` is written only when non-empty.
    public static func inject(_ context: SpanContext, into headers: inout [String: String]) {
        guard context.isValid else { return }
        headers[traceparentHeader] = traceparent(for: context)
        if !context.traceState.isEmpty {
            headers[tracestateHeader] = context.traceState.headerValue
        }
    }

    /// The `traceparent` value for `context`: version 00, sampled and random flags only.
    public static func traceparent(for context: SpanContext) -> String {
        let flags = context.traceFlags.intersection([.sampled, .random]).rawValue
        let hex = HexCoding.string(UInt64(flags))
        return "00-\(context.traceID.hexString)-\(context.spanID.hexString)-\(hex.suffix(2))"
    }

    /// The remote context in `headers` (names matched case-insensitively), or nil when
    /// `traceparent` is missing or malformed. A malformed `tracestate` is dropped, not fatal.
    public static func extract(from headers: [String: String]) -> SpanContext? {
        var traceparentValue: String?
        var tracestateValues: [String] = []
        for (name, value) in headers {
            switch name.lowercased() {
            case traceparentHeader: traceparentValue = value
            case tracestateHeader: tracestateValues.append(value)
            default: break
            }
        }
        guard let traceparentValue, let parsed = parseTraceparent(traceparentValue) else { return nil }
        let traceState = tracestateValues.isEmpty ? TraceState() : TraceState(headerValue: tracestateValues.joined(separator: ",")) ?? TraceState()
        return SpanContext(traceID: parsed.traceID, spanID: parsed.spanID, traceFlags: parsed.flags, traceState: traceState, isRemote: true)
    }

    /// Parses a `traceparent` value by the spec's rules: lowercase hex only; version `ff` is
    /// invalid; version 00 is exactly 55 characters; a higher version is at least 55 and, after
    /// the flags, has either nothing or `-`; all-zero ids are invalid. Unknown flag bits are
    /// cleared.
    public static func parseTraceparent(_ value: String) -> (traceID: TraceID, spanID: SpanID, flags: TraceFlags)? {
        let bytes = Array(value.utf8)
        guard bytes.count >= 55,
              bytes[2] == UInt8(ascii: "-"), bytes[35] == UInt8(ascii: "-"), bytes[52] == UInt8(ascii: "-"),
              let version = HexCoding.parse(bytes[0..<2]), version != 0xFF,
              let traceHigh = HexCoding.parse(bytes[3..<19]), let traceLow = HexCoding.parse(bytes[19..<35]),
              let spanID = HexCoding.parse(bytes[36..<52]),
              let flags = HexCoding.parse(bytes[53..<55])
        else { return nil }
        if version == 0 {
            guard bytes.count == 55 else { return nil }
        } else if bytes.count > 55 && bytes[55] != UInt8(ascii: "-") {
            return nil
        }
        let traceID = TraceID(high: traceHigh, low: traceLow)
        guard traceID.isValid, spanID != 0 else { return nil }
        return (traceID, SpanID(spanID), TraceFlags(rawValue: UInt8(flags)).intersection([.sampled, .random]))
    }
}
