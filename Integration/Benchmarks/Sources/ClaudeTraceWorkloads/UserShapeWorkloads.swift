import BenchmarkSupport
import ClaudeTraceCore

// The shapes users write, beside the benchmark's own: attributes set after start, and the
// async `withSpan` from the main actor and from an actor (issue 22).

extension ClaudeTraceBenchmarks {
    /// W1-set (one `setAttributes` of the 8 after start) and W1-each (8 `span.attributes[key] =
    /// value`): W1's span, its attributes set the way swift-otel's users and most others do.
    static func attributesAfterStart(_ count: Int, oneByOne: Bool) async -> WorkloadResult {
        let processor = BatchSpanProcessor(exporter: DiscardingExporter())
        let provider = TracerProvider(resource: benchmarkResource, sampler: .alwaysOn, processors: [processor])
        let tracer = provider.tracer("benchmark")
        let nanoseconds: Double
        if oneByOne {
            nanoseconds = nanosecondsPerOperation(count, warmUp: count / 10) { index in
                let span = tracer.startSpan("w1", parent: .root)
                span.attributes["http.request.method"] = "GET"
                span.attributes["url.path"] = "/v1/messages"
                span.attributes["gen_ai.request.model"] = "claude-sonnet-4-6"
                span.attributes["http.response.status_code"] = 200
                span.attributes["iteration"] = .int(index)
                span.attributes["gen_ai.request.max_tokens"] = 512
                span.attributes["claude.retries"] = 3
                span.attributes["claude.cost.usd"] = 0.25
                span.end()
            }
        } else {
            nanoseconds = nanosecondsPerOperation(count, warmUp: count / 10) { index in
                let span = tracer.startSpan("w1", parent: .root)
                span.setAttributes(eightAttributes(index))
                span.end()
            }
        }
        await provider.shutdown()
        let statistics = processor.statistics
        return WorkloadResult(workload: oneByOne ? "W1-each" : "W1-set", library: library, metrics: [
            "ns_per_span": nanoseconds, "spans": Double(count + count / 10),
            "exported": Double(statistics.exported), "dropped": Double(statistics.dropped),
        ], notes: [oneByOne ? "8 span.attributes[key] = value after start" : "one setAttributes of the 8 after start"])
    }

    /// W1b-async, W1b-main and W1b-actor: W1b's pair with both `withSpan`s the async one, as
    /// `await tracer.withSpan("parent", parent: .root) { _ in await tracer.withSpan("child") { … } }`,
    /// from a nonisolated function, from the main actor and from an actor of the benchmark's.
    static func asyncNestedPairs(_ count: Int, on isolation: NestingIsolation) async -> WorkloadResult {
        let processor = BatchSpanProcessor(exporter: DiscardingExporter())
        let provider = TracerProvider(resource: benchmarkResource, processors: [processor])
        let tracer = provider.tracer("benchmark")
        let (nanoseconds, wrongParents) = switch isolation {
        case .nonisolated: await nonisolatedPairs(tracer, count)
        case .mainActor: await mainActorPairs(tracer, count)
        case .actor: await NestingActor().pairs(tracer, count)
        }
        await provider.shutdown()
        let statistics = processor.statistics
        return WorkloadResult(workload: isolation.workload, library: library, metrics: [
            "ns_per_pair": nanoseconds, "spans": Double(2 * (count + count / 10)),
            "exported": Double(statistics.exported), "dropped": Double(statistics.dropped),
            "wrong_parents": Double(wrongParents), "peak_rss_mb": peakResidentMB(),
        ], notes: ["async withSpan: \(isolation)"])
    }

    enum NestingIsolation: CustomStringConvertible {
        case nonisolated, mainActor, actor
        var workload: String {
            switch self {
            case .nonisolated: "W1b-async"
            case .mainActor: "W1b-main"
            case .actor: "W1b-actor"
            }
        }
        var description: String {
            switch self {
            case .nonisolated: "from a nonisolated function"
            case .mainActor: "from the main actor"
            case .actor: "from a custom actor"
            }
        }
    }

    /// Whether `child`'s parent is not `parent`: an async check that runs where its caller runs
    /// (it never hops), so that the child's `withSpan` is the async one too.
    nonisolated(nonsending) static func isWrongParent(_ child: Span, _ parent: Span) async -> Bool {
        child.parentSpanID != parent.context.spanID
    }

    static func nonisolatedPairs(_ tracer: Tracer, _ count: Int) async -> (Double, Int) {
        var wrongParents = 0
        let nanoseconds = await nanosecondsPerAsyncOperation(count, warmUp: count / 10) { index in
            await tracer.withSpan("parent", attributes: eightAttributes(index), parent: .root) { parent in
                await tracer.withSpan("child", attributes: eightAttributes(index)) { child in
                    if await isWrongParent(child, parent) { wrongParents += 1 }
                }
            }
        }
        return (nanoseconds, wrongParents)
    }

    @MainActor
    static func mainActorPairs(_ tracer: Tracer, _ count: Int) async -> (Double, Int) {
        var wrongParents = 0
        let nanoseconds = await nanosecondsPerAsyncOperation(count, warmUp: count / 10) { index in
            await tracer.withSpan("parent", attributes: eightAttributes(index), parent: .root) { parent in
                await tracer.withSpan("child", attributes: eightAttributes(index)) { child in
                    if await isWrongParent(child, parent) { wrongParents += 1 }
                }
            }
        }
        return (nanoseconds, wrongParents)
    }

    actor NestingActor {
        var wrongParents = 0
        func pairs(_ tracer: Tracer, _ count: Int) async -> (Double, Int) {
            let nanoseconds = await nanosecondsPerAsyncOperation(count, warmUp: count / 10) { index in
                await tracer.withSpan("parent", attributes: eightAttributes(index), parent: .root) { parent in
                    await tracer.withSpan("child", attributes: eightAttributes(index)) { child in
                        if await isWrongParent(child, parent) { wrongParents += 1 }
                    }
                }
            }
            return (nanoseconds, wrongParents)
        }
    }
}
