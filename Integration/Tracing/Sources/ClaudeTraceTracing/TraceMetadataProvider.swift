import ClaudeTraceCore
import Logging

extension Logger.MetadataProvider {
    /// Adds `trace_id` and `span_id` (lowercase hex, as in `traceparent`) to every log line
    /// written inside a span: a ClaudeTrace span or, once ``ClaudeTraceTracer`` is in use, a
    /// swift-distributed-tracing one. Outside a span it adds nothing.
    ///
    /// ```swift
    /// LoggingSystem.bootstrap(StreamLogHandler.standardOutput, metadataProvider: .claudeTrace)
    /// ```
    public static let claudeTrace = Logger.MetadataProvider {
        guard let context = ClaudeTraceCore.Span.current?.context, context.isValid else { return [:] }
        return ["trace_id": "\(context.traceID.hexString)", "span_id": "\(context.spanID.hexString)"]
    }
}
