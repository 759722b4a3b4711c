import BenchmarkSupport

/// The floor's two figures, in a process of their own like every workload.
enum FloorBenchmarks {
    static func run(_ name: String, options: Options) async -> [WorkloadResult] {
        let spans = options.int("--spans", default: 1_000_000)
        // The median of three: a reference should be steady, but not the luckiest reading.
        let root = (0..<3).map { _ in Floor.rootSpan(spans) }.sorted()[1]
        let nested = (0..<3).map { _ in Floor.nestedPair(spans / 2) }.sorted()[1]
        return [WorkloadResult(workload: "floor", library: "floor", metrics: [
            "ns_per_span": root, "ns_per_pair": nested, "spans": Double(spans),
        ], notes: ["2 clock reads, 3 SplitMix64 ids, 8 values stored; nested: two such spans, the parent's ids in a task-local"])]
    }
}
