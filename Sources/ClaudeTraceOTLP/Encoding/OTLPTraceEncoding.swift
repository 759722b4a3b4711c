import ClaudeTraceCore

/// Turns a batch of spans into the body of an OTLP `ExportTraceServiceRequest`.
///
/// The HTTP exporter is written against this protocol, so that the wire encoding
/// (``OTLPProtobufEncoder`` for `http/protobuf`, ``OTLPJSONEncoder`` for `http/json`) is
/// chosen without touching transport, retries or configuration. Implementations append to a
/// caller-owned buffer, which the exporter reuses from one export to the next.
public protocol OTLPTraceEncoding: Sendable {
    /// The `Content-Type` of the bodies this encoding produces, e.g. `application/json`.
    var contentType: String { get }

    /// Appends one complete `ExportTraceServiceRequest` holding `spans` to `buffer`.
    /// `spans` is never empty when the exporters call this.
    func encode(_ spans: ArraySlice<SpanData>, into buffer: inout [UInt8])
}

extension OTLPTraceEncoding {
    /// One `ExportTraceServiceRequest` holding `spans`, in a fresh buffer.
    public func encode(_ spans: [SpanData]) -> [UInt8] {
        var buffer: [UInt8] = []
        encode(spans[...], into: &buffer)
        return buffer
    }
}
