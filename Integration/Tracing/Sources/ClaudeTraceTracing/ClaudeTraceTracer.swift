import ClaudeTraceCore
import Instrumentation
import Tracing

/// ClaudeTrace as a swift-distributed-tracing backend: every span started through
/// `InstrumentationSystem` (Hummingbird's and Vapor's tracing middleware, AsyncHTTPClient,
/// PostgresNIO, gRPC Swift, the app's own `Tracing.withSpan`) goes through a ClaudeTrace
/// ``ClaudeTraceCore/TracerProvider``: its sampler, limits, processors and exporters.
///
/// One current span is kept across both APIs: a ClaudeTrace `withSpan` or Claude call inside a
/// swift-distributed-tracing span is its child, and the other way round. Contexts cross
/// processes as W3C `traceparent` and `tracestate`.
///
/// ```swift
/// let telemetry = try Telemetry.bootstrap(serviceName: "chat-api")
/// ClaudeTraceTracer.bootstrap(provider: telemetry.provider)
/// ```
public struct ClaudeTraceTracer: Tracing.Tracer {
    public typealias Span = ClaudeTraceTracing.TracingSpan

    /// The ClaudeTrace tracer spans start on; its scope names the instrumentation.
    public let tracer: ClaudeTraceCore.Tracer

    /// A backend for `provider`, whose spans carry the instrumentation scope `scope`.
    public init(provider: TracerProvider, scope: String = "swift-distributed-tracing") {
        self.tracer = provider.tracer(scope)
        ClaudeTraceCore.Span.installBridge(ServiceContextBridge.shared)
    }

    /// Makes this backend swift-distributed-tracing's instrument and tracer for the whole
    /// process (`InstrumentationSystem.bootstrap`, which may be called once).
    public static func bootstrap(provider: TracerProvider, scope: String = "swift-distributed-tracing") {
        InstrumentationSystem.bootstrap(ClaudeTraceTracer(provider: provider, scope: scope))
    }

    /// Starts a span whose parent is the span in `context` or, when ClaudeTrace has made a span
    /// current since that one (a `withSpan` inside its scope), ClaudeTrace's current span.
    public func startSpan<Instant: TracerInstant>(
        _ operationName: String, context: @autoclosure () -> ServiceContext, ofKind kind: Tracing.SpanKind,
        at instant: @autoclosure () -> Instant, function: String, file fileID: String, line: UInt
    ) -> TracingSpan {
        var context = context()
        let parent = ClaudeTraceCore.Span.current(bridged: context[BridgedSpanKey.self])
        let span = tracer.startSpan(
            operationName, kind: ClaudeTraceCore.SpanKind(kind), parent: parent.map(SpanParent.span) ?? .root,
            startTime: instant().nanosecondsSinceEpoch)
        context[BridgedSpanKey.self] = BridgedSpan(span)
        return TracingSpan(span: span, context: context)
    }

    /// Exports what has ended so far, in the background (the protocol's call is synchronous).
    public func forceFlush() {
        let provider = tracer.provider
        Task { await provider.forceFlush() }
    }

    /// Reads `traceparent` and `tracestate` from `carrier`; a valid one becomes the remote
    /// parent in `context`. A malformed `traceparent` is ignored (a new trace starts), a
    /// malformed `tracestate` dropped.
    public func extract<Carrier, Extract: Extractor>(
        _ carrier: Carrier, into context: inout ServiceContext, using extractor: Extract
    ) where Extract.Carrier == Carrier {
        var headers: [String: String] = [:]
        for name in [TraceContextPropagator.traceparentHeader, TraceContextPropagator.tracestateHeader] {
            headers[name] = extractor.extract(key: name, from: carrier)
        }
        guard let remote = TraceContextPropagator.extract(from: headers) else { return }
        context[BridgedSpanKey.self] = BridgedSpan(ClaudeTraceCore.Span(nonRecording: remote))
    }

    /// Writes the current span of `context` (as ``startSpan(_:context:ofKind:at:function:file:line:)``
    /// picks it) into `carrier` as `traceparent` and, when not empty, `tracestate`.
    public func inject<Carrier, Inject: Injector>(
        _ context: ServiceContext, into carrier: inout Carrier, using injector: Inject
    ) where Inject.Carrier == Carrier {
        guard let span = ClaudeTraceCore.Span.current(bridged: context[BridgedSpanKey.self]) else { return }
        var headers: [String: String] = [:]
        TraceContextPropagator.inject(span.context, into: &headers)
        for (name, value) in headers { injector.inject(value, forKey: name, into: &carrier) }
    }
}

/// Where a ClaudeTrace span sits in a `ServiceContext`.
enum BridgedSpanKey: ServiceContextKey {
    typealias Value = BridgedSpan
    static var nameOverride: String? { "claude-trace-span" }
}

/// Lets ClaudeTrace see the span swift-distributed-tracing made current (`ServiceContext.current`).
final class ServiceContextBridge: SpanBridge {
    static let shared = ServiceContextBridge()

    func currentBridgedSpan() -> BridgedSpan? {
        ServiceContext.current?[BridgedSpanKey.self]
    }
}

extension ServiceContext {
    /// The ClaudeTrace span this context carries (started through ``ClaudeTraceTracer``, or the
    /// remote parent it extracted), if any.
    public var claudeTraceSpan: ClaudeTraceCore.Span? { self[BridgedSpanKey.self]?.span }
}
