import Foundation
import Synchronization
import Testing
@testable import ClaudeTrace

// MARK: Fixtures shared by the Monitor*Tests files

/// A clock the test moves by hand: Unix epoch nanoseconds.
final class TestClock: Sendable {
    /// 2026-11-10T00:00:00Z
    static let midnight: UInt64 = 1_794_268_800 * 1_000_000_000
    private let value: Atomic<UInt64>

    init(_ start: UInt64 = TestClock.midnight + 12 * 3_600_000_000_000) {
        value = Atomic(start)
    }

    var now: UInt64 { value.load(ordering: .relaxed) }
    func set(_ nanoseconds: UInt64) { value.store(nanoseconds, ordering: .relaxed) }
    func advance(seconds: Double) { value.add(UInt64(seconds * 1e9), ordering: .relaxed) }
    var function: @Sendable () -> UInt64 { { self.now } }
}

private let spanCounter = Atomic<UInt64>(1)

/// A Claude span as the client ends it (reference/claude-spans.md), with the values a test
/// cares about.
func claudeSpan(
    model: String = "claude-sonnet-4-6", user: String? = "u-1", feature: String? = "summarize",
    costUSD: Double? = 0.01, priceUnknown: Bool = false, inputTokens: Int = 1_000, outputTokens: Int = 200,
    cacheReadTokens: Int = 0, cacheCreationTokens: Int = 0, duration: Double = 1.0, ttft: Double? = nil,
    errorCategory: String? = nil, statusCode: Int? = 200, retries: Int = 0, requestID: String? = nil,
    anthropicRequestID: String? = "req_011CTest", start: UInt64 = TestClock.midnight, traceID: TraceID? = nil,
    extra: Attributes = [:]
) -> SpanData {
    let id = spanCounter.add(1, ordering: .relaxed).newValue
    var attributes: Attributes = [
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "anthropic",
        "gen_ai.request.model": .string(model),
        "server.address": "api.anthropic.com",
        "server.port": 443,
        "gen_ai.response.model": .string(model),
        "gen_ai.usage.input_tokens": .int(inputTokens + cacheReadTokens + cacheCreationTokens),
        "gen_ai.usage.output_tokens": .int(outputTokens),
        "gen_ai.usage.cache_read.input_tokens": .int(cacheReadTokens),
        "gen_ai.usage.cache_creation.input_tokens": .int(cacheCreationTokens),
        "claude.retries": .int(retries),
        "claude.request_id": .string(requestID ?? "req-\(id)"),
    ]
    if let user { attributes["user.id"] = .string(user) }
    if let feature { attributes["claude.feature"] = .string(feature) }
    if let costUSD { attributes["claude.cost.usd"] = .double(costUSD) }
    if priceUnknown { attributes["claude.cost.price_unknown"] = true }
    if let ttft {
        attributes["gen_ai.request.stream"] = true
        attributes["gen_ai.response.time_to_first_chunk"] = .double(ttft)
    }
    if let statusCode { attributes["http.response.status_code"] = .int(statusCode) }
    if let anthropicRequestID { attributes["anthropic.request_id"] = .string(anthropicRequestID) }
    var status = SpanStatus.unset
    if let errorCategory {
        attributes["claude.error.category"] = .string(errorCategory)
        attributes["error.type"] = .string(errorCategory == "rate_limit" ? "rate_limit_error" : errorCategory)
        status = .error(description: "\(errorCategory) happened")
    }
    for (key, value) in extra { attributes[key] = value }
    return SpanData(
        name: "chat \(model)", kind: .client,
        context: SpanContext(traceID: traceID ?? TraceID(high: 0xABC, low: id), spanID: SpanID(id), traceFlags: .sampled),
        startTimeNanoseconds: start, endTimeNanoseconds: start + UInt64(duration * 1e9),
        attributes: attributes, status: status)
}

/// A monitor on a test clock.
func makeMonitor(
    clock: TestClock = TestClock(), budget: BudgetConfiguration = .unlimited, alertRules: [AlertRule] = [],
    alertHandler: (@Sendable (AlertNotification) -> Void)? = nil, requestLog: RequestLogConfiguration? = nil,
    pricing: (@Sendable (SpanData) -> Double?)? = nil, limits: MonitorLimits = MonitorLimits()
) -> ClaudeMonitor {
    ClaudeMonitor(MonitorConfiguration(
        budget: budget, alertRules: alertRules, alertHandler: alertHandler,
        alertLog: .lines { _ in }, requestLog: requestLog, pricing: pricing, clock: clock.function,
        limits: limits))
}

/// Collects strings handed over from the monitor's background task. (`Locked`, not `Mutex`:
/// the thread sanitizer sees its pthread mutex.)
final class LineCollector: Sendable {
    private let lines = Locked<[String]>([])
    var all: [String] { lines.withLock { $0 } }
    var destination: LogDestination { .lines { line in self.lines.withLock { $0.append(line) } } }
}

// MARK: Which spans the monitor reads

@Suite("ClaudeMonitor reads Claude spans")
struct MonitorTests {
    @Test("a span that is not a Claude chat call is ignored")
    func ignoresOtherSpans() {
        let monitor = makeMonitor()
        monitor.onEnd(SpanData(
            name: "GET /", context: SpanContext(traceID: TraceID(high: 1, low: 1), spanID: SpanID(1)),
            startTimeNanoseconds: 0, endTimeNanoseconds: 10, attributes: ["http.request.method": "GET"]))
        monitor.onEnd(claudeSpan(extra: ["gen_ai.provider.name": "openai"]))
        monitor.onEnd(claudeSpan(extra: ["gen_ai.operation.name": "embeddings"]))
        #expect(monitor.snapshot().calls.total == 0)
    }

    @Test("a hand-made span with the deprecated gen_ai.system and no operation name is read")
    func readsHandMadeSpans() {
        let monitor = makeMonitor()
        let span = SpanData(
            name: "my call", context: SpanContext(traceID: TraceID(high: 1, low: 2), spanID: SpanID(2)),
            startTimeNanoseconds: 0, endTimeNanoseconds: 2_000_000_000,
            attributes: ["gen_ai.system": "anthropic", "gen_ai.request.model": "claude-haiku-4-5", "claude.cost.usd": 0.5])
        monitor.onEnd(span)
        let snapshot = monitor.snapshot()
        #expect(snapshot.calls.total == 1)
        #expect(snapshot.cost.byModel.map(\.name) == ["claude-haiku-4-5"])
        #expect(snapshot.cost.totalUSD == 0.5)
        #expect(snapshot.latency.duration?.p50 ?? 0 > 1.97)
    }

    @Test("keys built at run time (a new string each span) are read like literal ones")
    func runtimeKeys() {
        let monitor = makeMonitor()
        for index in 0..<300 {
            // Fresh heap strings every time: the key cache cannot recognise them by identity.
            let prefix = String(repeating: "gen_ai.", count: 1)
            var attributes = Attributes()
            attributes[prefix + "provider.name"] = .string(["anthropic"][0])
            attributes[prefix + "request.model"] = .string("claude-haiku-4-5-\(index % 2)")
            attributes["claude." + "cost.usd"] = 0.5
            attributes["user" + ".id"] = .string("u-\(index % 3)")
            attributes["x-\(index)-\(String(repeating: "z", count: 20))"] = 1
            monitor.onEnd(SpanData(
                name: "chat", context: SpanContext(traceID: TraceID(high: 9, low: UInt64(index + 1)), spanID: SpanID(UInt64(index + 1))),
                startTimeNanoseconds: 0, endTimeNanoseconds: 1_000_000, attributes: attributes))
        }
        let snapshot = monitor.snapshot()
        #expect(snapshot.calls.total == 300)
        #expect(snapshot.cost.totalUSD == 150)
        #expect(snapshot.cost.byModel.map(\.calls) == [150, 150])
        #expect(snapshot.usage.uniqueUsersToday == 3)
    }

    @Test("the response model wins over the requested one")
    func prefersResponseModel() {
        let monitor = makeMonitor()
        monitor.onEnd(claudeSpan(model: "claude-sonnet-4-5-20250929", extra: ["gen_ai.request.model": "claude-sonnet-4-5"]))
        #expect(monitor.snapshot().cost.byModel.map(\.name) == ["claude-sonnet-4-5-20250929"])
    }

    @Test("every attribute of claude-spans.md the monitor needs is read from one pass")
    func readsEveryAttribute() throws {
        let span = claudeSpan(
            user: "u-9", feature: "triage", costUSD: 0.25, inputTokens: 10, outputTokens: 20, cacheReadTokens: 30,
            cacheCreationTokens: 40, duration: 2, ttft: 0.5, errorCategory: "overloaded", statusCode: 529, retries: 2,
            requestID: "r-1", anthropicRequestID: "req_9")
        let call = try #require(ClaudeCall(span, readsDetails: true))
        #expect(call.model == "claude-sonnet-4-6")
        #expect(call.userID == "u-9" && call.feature == "triage")
        #expect(call.requestID == "r-1" && call.serverRequestID == "req_9")
        #expect(call.totalInputTokens == 80 && call.uncachedInputTokens == 10)
        #expect(call.outputTokens == 20 && call.cacheReadTokens == 30 && call.cacheCreationTokens == 40)
        #expect(call.timeToFirstToken == 0.5 && call.costUSD == 0.25 && call.retries == 2 && call.statusCode == 529)
        #expect(call.errorCategory == .overloaded && call.errorType == "overloaded" && call.isError)
    }
}
