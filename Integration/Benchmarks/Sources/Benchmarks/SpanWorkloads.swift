import ClaudeTraceCore

/// The floor: what any span costs at least: two clock reads, random ids from an in-process
/// PRNG, and storing 8 values.
func floorNanoseconds(_ count: Int) -> Double {
    struct Record {
        var traceHigh: UInt64 = 0, traceLow: UInt64 = 0, spanID: UInt64 = 0, start: UInt64 = 0, end: UInt64 = 0
        var strings: (String, String, String) = ("", "", "")
        var ints: (Int64, Int64, Int64, Int64) = (0, 0, 0, 0)
        var double: Double = 0
    }
    var generator = SystemRandomNumberGenerator()
    var state = generator.next()
    func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    var records = [Record](repeating: Record(), count: 1024)
    let result = nanosecondsPerOperation(count) { index in
        var record = Record()
        record.start = WallClock.nanoseconds()
        record.traceHigh = next(); record.traceLow = next(); record.spanID = next()
        record.strings = ("GET", "/v1/messages", "claude-sonnet-4-6")
        record.ints = (200, Int64(index), 512, 3)
        record.double = 0.25
        record.end = MonotonicClock.nanoseconds()
        records[index & 1023] = record
    }
    precondition(records.count == 1024)
    return result
}

/// The 8 attributes of W1: 3 strings, 4 ints, 1 double.
@inline(__always)
func eightAttributes(_ index: Int) -> Attributes {
    [
        "http.request.method": "GET", "url.path": "/v1/messages", "gen_ai.request.model": "claude-sonnet-4-6",
        "http.response.status_code": 200, "iteration": .int(index), "gen_ai.request.max_tokens": 512,
        "claude.retries": 3, "claude.cost.usd": 0.25,
    ]
}

struct SpanRun {
    var nanosecondsPerSpan: Double
    var dropped: Int
    var exported: Int
}

/// W1 and W1c: a root span with 8 attributes, ended, through a batch processor into a
/// discarding exporter.
func rootSpans(_ count: Int, sampler: any Sampler) async -> SpanRun {
    let processor = BatchSpanProcessor(exporter: DiscardingExporter())
    let provider = TracerProvider(sampler: sampler, processors: [processor])
    let tracer = provider.tracer("benchmark")
    let result = nanosecondsPerOperation(count) { index in
        tracer.startSpan("w1", attributes: eightAttributes(index), parent: .root).end()
    }
    await provider.shutdown()
    return SpanRun(nanosecondsPerSpan: result, dropped: processor.statistics.dropped, exported: processor.statistics.exported)
}

/// W1b: a parent and a child through task-local context propagation.
func nestedPairs(_ count: Int) async -> SpanRun {
    let processor = BatchSpanProcessor(exporter: DiscardingExporter())
    let provider = TracerProvider(processors: [processor])
    let tracer = provider.tracer("benchmark")
    let result = nanosecondsPerOperation(count) { index in
        tracer.withSpan("parent", attributes: eightAttributes(index), parent: .root) { _ in
            tracer.withSpan("child", attributes: eightAttributes(index)) { _ in }
        }
    }
    await provider.shutdown()
    return SpanRun(nanosecondsPerSpan: result, dropped: processor.statistics.dropped, exported: processor.statistics.exported)
}

/// Memory growth: resident bytes after 1M spans and after `count` spans.
func allocationGrowth(_ count: Int) async -> (afterOneMillion: Int, afterAll: Int) {
    let processor = BatchSpanProcessor(exporter: DiscardingExporter())
    let provider = TracerProvider(processors: [processor])
    let tracer = provider.tracer("benchmark")
    var afterOneMillion = 0
    for index in 0..<count {
        tracer.startSpan("w1", attributes: eightAttributes(index), parent: .root).end()
        if index == 1_000_000 { afterOneMillion = residentBytes() }
    }
    let afterAll = residentBytes()
    await provider.shutdown()
    return (afterOneMillion, afterAll)
}
