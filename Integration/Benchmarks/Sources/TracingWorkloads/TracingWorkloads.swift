import BenchmarkSupport
import Tracing

// The workloads written against swift-distributed-tracing's API, so any backend runs them: swift-otel's
// and ClaudeTrace's (ClaudeTraceTracing). Inlinable, so each is specialized for its backend as it was
// when written in that backend's module.

/// A workload that runs against any tracer.
public protocol TracerWorkload: Sendable {
    associatedtype Output: Sendable
    func run<T: Tracer>(_ tracer: T) async -> Output
}

/// Sets the 8 attributes of every benchmark span: 3 strings, 4 integers, 1 double, under one
/// lock (`updateAttributes`), the cheapest way swift-distributed-tracing offers.
@inlinable
public func setEightAttributes(_ span: some Span, _ index: Int) {
    span.updateAttributes { attributes in
        attributes["http.request.method"] = "GET"
        attributes["url.path"] = "/v1/messages"
        attributes["gen_ai.request.model"] = "claude-sonnet-4-6"
        attributes["http.response.status_code"] = 200
        attributes["iteration"] = index
        attributes["gen_ai.request.max_tokens"] = 512
        attributes["claude.retries"] = 3
        attributes["claude.cost.usd"] = 0.25
    }
}

/// One benchmark span: a root span named `name` with the 8 attributes, ended.
@inlinable
public func endRootSpan(_ tracer: some Tracer, _ name: String, _ index: Int) {
    let span = tracer.startSpan(name, context: .topLevel)
    setEightAttributes(span, index)
    span.end()
}

/// W1b through swift-distributed-tracing: a parent and a child, each with the 8 attributes, the
/// parent found through `ServiceContext`. The same loop for every backend.
public struct NestedPairs: TracerWorkload {
    @usableFromInline let count: Int
    public init(count: Int) { self.count = count }

    @inlinable
    public func run<T: Tracer>(_ tracer: T) async -> Double {
        nanosecondsPerOperation(count, warmUp: count / 10) { index in
            tracer.withSpan("parent", context: .topLevel) { parent in
                setEightAttributes(parent, index)
                tracer.withSpan("child") { child in
                    setEightAttributes(child, index)
                }
            }
        }
    }
}

/// W1b's loop on swift-distributed-tracing's `NoOpTracer`: what the API itself costs per pair
/// (building the attribute dictionaries, binding `ServiceContext`), with no backend at all.
public func nestedPairsWithoutBackend(_ count: Int) async -> Double {
    await NestedPairs(count: count).run(NoOpTracer())
}
