import BenchmarkSupport
import Tracing
import TracingWorkloads

// swift-otel on the shapes of issue 22 where it has an equivalent: attributes set one by one
// after start, and the async `withSpan` nested from the main actor and from an actor. (Its W1
// is already W1-set's shape: start, one `updateAttributes` of the 8, end.)

extension SwiftOTelBenchmarks {
    struct EachAttribute: TracerWorkload {
        let count: Int
        func run<T: Tracer>(_ tracer: T) async -> Double {
            nanosecondsPerOperation(count, warmUp: count / 10) { index in
                let span = tracer.startSpan("w1", context: .topLevel)
                span.attributes["http.request.method"] = "GET"
                span.attributes["url.path"] = "/v1/messages"
                span.attributes["gen_ai.request.model"] = "claude-sonnet-4-6"
                span.attributes["http.response.status_code"] = 200
                span.attributes["iteration"] = index
                span.attributes["gen_ai.request.max_tokens"] = 512
                span.attributes["claude.retries"] = 3
                span.attributes["claude.cost.usd"] = 0.25
                span.end()
            }
        }
    }

    /// W1-each: 8 `span.attributes[key] = value` after start.
    static func eachAttribute(_ count: Int) async -> WorkloadResult {
        let tally = DiagnosticTally()
        let nanoseconds = await SwiftOTelSetup.run(EachAttribute(count: count), tally: tally)
        let total = count + count / 10
        return WorkloadResult(workload: "W1-each", library: library, metrics: [
            "ns_per_span": nanoseconds, "spans": Double(total), "dropped": Double(tally.dropped),
            "exported": Double(total - tally.dropped),
        ], notes: tally.messages)
    }

    enum NestingIsolation { case nonisolated, mainActor, actor }

    struct AsyncNestedPairs: TracerWorkload {
        let count: Int
        let isolation: NestingIsolation
        func run<T: Tracer>(_ tracer: T) async -> Double {
            switch isolation {
            case .nonisolated: await SwiftOTelBenchmarks.nonisolatedPairs(tracer, count)
            case .mainActor: await SwiftOTelBenchmarks.mainActorPairs(tracer, count)
            case .actor: await NestingActor().pairs(tracer, count)
            }
        }
    }

    /// W1b-async, W1b-main and W1b-actor: swift-distributed-tracing's async `withSpan`, nested,
    /// with the 8 attributes on each span.
    static func asyncNestedPairs(_ count: Int, on isolation: NestingIsolation, workload: String) async -> WorkloadResult {
        let tally = DiagnosticTally()
        let nanoseconds = await SwiftOTelSetup.run(AsyncNestedPairs(count: count, isolation: isolation), tally: tally)
        let total = 2 * (count + count / 10)
        return WorkloadResult(workload: workload, library: library, metrics: [
            "ns_per_pair": nanoseconds, "spans": Double(total), "dropped": Double(tally.dropped),
            "exported": Double(total - tally.dropped), "peak_rss_mb": peakResidentMB(),
        ], notes: tally.messages)
    }

    /// An async step that runs where its caller runs, so that the child's `withSpan` is the
    /// async one.
    nonisolated(nonsending) static func touch(_ span: some Span) async {}

    static func nonisolatedPairs<T: Tracer>(_ tracer: T, _ count: Int) async -> Double {
        await nanosecondsPerAsyncOperation(count, warmUp: count / 10) { index in
            await tracer.withSpan("parent", context: .topLevel) { parent in
                setEightAttributes(parent, index)
                await tracer.withSpan("child") { child in
                    setEightAttributes(child, index)
                    await touch(child)
                }
            }
        }
    }

    @MainActor
    static func mainActorPairs<T: Tracer>(_ tracer: T, _ count: Int) async -> Double {
        await nanosecondsPerAsyncOperation(count, warmUp: count / 10) { index in
            await tracer.withSpan("parent", context: .topLevel) { parent in
                setEightAttributes(parent, index)
                await tracer.withSpan("child") { child in
                    setEightAttributes(child, index)
                    await touch(child)
                }
            }
        }
    }

    actor NestingActor {
        func pairs<T: Tracer>(_ tracer: T, _ count: Int) async -> Double {
            await nanosecondsPerAsyncOperation(count, warmUp: count / 10) { index in
                await tracer.withSpan("parent", context: .topLevel) { parent in
                    setEightAttributes(parent, index)
                    await tracer.withSpan("child") { child in
                        setEightAttributes(child, index)
                        await touch(child)
                    }
                }
            }
        }
    }
}
