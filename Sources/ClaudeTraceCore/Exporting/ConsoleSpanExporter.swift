#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Prints one readable line per span to standard output (`OTEL_TRACES_EXPORTER=console`):
/// `chat claude-sonnet-4-6 client 812.3ms ok trace=… span=… parent=… key=value …`.
public struct ConsoleSpanExporter: SpanExporter {
    /// An exporter that writes to standard output.
    public init() {}

    /// Prints one line per span, in one write per batch.
    public func export(_ batch: [SpanData]) async -> ExportResult {
        var text = ""
        for span in batch { text += Self.line(for: span) + "\n" }
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
            guard written > 0 else { return .failure }
            offset += written
        }
        return .success
    }

    /// The line printed for `span`.
    public static func line(for span: SpanData) -> String {
        let milliseconds = Double(span.endTimeNanoseconds &- span.startTimeNanoseconds) / 1e6
        let status: String = switch span.status {
        case .unset: "unset"
        case .ok: "ok"
        case .error(let description): "error(\(description ?? ""))"
        }
        var line = "\(span.name) \(span.kind) \((milliseconds * 10).rounded() / 10)ms \(status)"
        line += " trace=\(span.context.traceID) span=\(span.context.spanID)"
        if let parent = span.parentSpanID { line += " parent=\(parent)" }
        for (key, value) in span.attributes { line += " \(key)=\(value)" }
        for event in span.events { line += " event=\(event.name)" }
        return line
    }
}
