import Foundation
import Synchronization

/// Claude, simulated in process: the demo and the tests use it instead of the network.
///
/// It speaks the wire protocol the real API speaks (JSON bodies, SSE streams, error bodies,
/// `request-id` and rate-limit headers), so the whole client (encoding, the SSE parser, retries,
/// spans) runs for real. Replies are deterministic: the same seed and request give the same
/// reply. Token counts follow the API's shape (about four characters a token; prompt caching
/// reports cache writes then reads).
///
/// ```swift
/// let simulator = SimulatedClaude(seed: 7, timeScale: 0)         // no latency
/// simulator.script(.rateLimited(), model: "claude-sonnet-4-6")    // next call: 429, then fine
/// let claude = ClaudeClient.simulated(simulator)
/// ```
public final class SimulatedClaude: ClaudeTransport {
    /// The base URL a simulated client reports (`server.address`); nothing listens there.
    public static let baseURL = URL(string: "https://claude.simulated.invalid")!

    /// How the simulator answers; the defaults are a realistic pace with random chunking.
    public struct Configuration: Sendable {
        /// Seeds every reply (mixed with the request's bytes).
        public var seed: UInt64
        /// Multiplies every latency: 1 is realistic, 0 is none (tests and benchmarks).
        public var timeScale: Double
        /// From the request to the first token (before scaling).
        public var timeToFirstToken: Duration
        /// Output speed (before scaling).
        public var outputTokensPerSecond: Double
        /// Prompts longer than this get the API's "prompt is too long" 400.
        public var contextWindow: Int
        /// How many words a text reply has (capped by `max_tokens`).
        public var replyWords: ClosedRange<Int>
        /// Cut stream events across chunks at random bytes, as a network does.
        public var splitsChunks: Bool

        /// A configuration; `timeScale` below 0 counts as 0 and `outputTokensPerSecond` is at least 1.
        public init(
            seed: UInt64 = 1, timeScale: Double = 1, timeToFirstToken: Duration = .milliseconds(600),
            outputTokensPerSecond: Double = 80, contextWindow: Int = 200_000, replyWords: ClosedRange<Int> = 12...60,
            splitsChunks: Bool = true
        ) {
            self.seed = seed
            self.timeScale = max(0, timeScale)
            self.timeToFirstToken = timeToFirstToken
            self.outputTokensPerSecond = max(1, outputTokensPerSecond)
            self.contextWindow = contextWindow
            self.replyWords = replyWords
            self.splitsChunks = splitsChunks
        }
    }

    /// A request as the simulator received it, the key removed.
    public struct ReceivedRequest: Sendable {
        /// The request's headers, without `x-api-key`.
        public var headers: ClaudeHTTPHeaders
        /// The request's JSON body.
        public var body: ClaudeJSON
    }

    /// How this simulator answers.
    public let configuration: Configuration

    private struct Script {
        var failure: SimulatedFailure
        var model: String?
        var remaining: Int
    }

    private struct State {
        var scripts: [Script] = []
        var cachedPrefixes: Set<UInt64> = []
        var requestCount = 0
        var received: [ReceivedRequest] = []
    }

    private let state = Mutex(State())

    /// A simulator answering as `configuration` says.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// A simulator with the default configuration, seeded with `seed`, its latencies scaled by `timeScale`.
    public convenience init(seed: UInt64 = 1, timeScale: Double = 1) {
        self.init(configuration: Configuration(seed: seed, timeScale: timeScale))
    }

    /// Plays `failure` for the next `times` requests to `model` (nil: to any model), then
    /// answers normally. "The next call to claude-opus-4-6 answers 429, then succeeds":
    /// `script(.rateLimited(), model: "claude-opus-4-6")`. Scripts play in the order added.
    public func script(_ failure: SimulatedFailure, model: String? = nil, times: Int = 1) {
        guard times > 0 else { return }
        state.withLock { $0.scripts.append(Script(failure: failure, model: model, remaining: times)) }
    }

    /// Forgets the scripts not played yet.
    public func clearScripts() {
        state.withLock { $0.scripts.removeAll() }
    }

    /// How many requests arrived.
    public var requestCount: Int { state.withLock { $0.requestCount } }

    /// The last 256 requests, oldest first.
    public var receivedRequests: [ReceivedRequest] { state.withLock { $0.received } }

    /// Answers `request` as the Messages API would: a scripted failure if one is due, else a generated reply.
    public nonisolated(nonsending) func send(_ request: ClaudeHTTPRequest) async throws -> ClaudeHTTPResponse {
        try Task.checkCancellation()
        let body = try? ClaudeJSON.parse(request.body)
        var logged = request.headers
        if logged["x-api-key"] != nil { logged["x-api-key"] = "<redacted>" }
        let (number, failure) = state.withLock { state in
            state.requestCount += 1
            state.received.append(ReceivedRequest(headers: logged, body: body ?? .null))
            if state.received.count > 256 { state.received.removeFirst() }
            let model = body?["model"]?.stringValue
            guard let index = state.scripts.firstIndex(where: { $0.model == nil || $0.model == model }) else {
                return (state.requestCount, nil as SimulatedFailure?)
            }
            let failure = state.scripts[index].failure
            state.scripts[index].remaining -= 1
            if state.scripts[index].remaining == 0 { state.scripts.remove(at: index) }
            return (state.requestCount, failure)
        }
        var headers: ClaudeHTTPHeaders = ["request-id": "req_sim_\(String(number, radix: 16))\(String(SeededRandom.hash(request.body), radix: 16))"]

        guard let body, Self.validate(request, body: body) == nil else {
            let problem = Self.validate(request, body: body)!
            return errorResponse(problem.status, problem.message, headers: headers)
        }
        switch failure {
        case .status(let status, let type, let message, let extra)?:
            for (name, value) in extra { headers[name] = value }
            return errorResponse(status, message, type: type, headers: headers)
        case .hang?:
            try await wait(request.timeout, limit: request.timeout)
            throw ClaudeTransportError.timedOut
        case .connectionRefused?:
            throw ClaudeTransportError.connectionFailed("connection refused")
        case .errorInStream? where !request.isStreaming:
            return errorResponse(529, nil, headers: headers)
        default:
            break
        }
        let segments = SimulatedReply.segments(of: body)
        let promptTokens = max(1, (segments.reduce(0) { $0 + $1.text.count } + 3) / 4)
        if promptTokens > configuration.contextWindow {
            return errorResponse(400, "prompt is too long: \(promptTokens) tokens > \(configuration.contextWindow) maximum", headers: headers)
        }
        var random = SeededRandom(seed: SeededRandom.hash(request.body, into: configuration.seed))
        let reply = SimulatedReply.make(
            body: body, promptTokens: promptTokens, random: &random, replyWords: configuration.replyWords,
            streaming: request.isStreaming, cacheLookup: { hash in
                state.withLock { state in
                    if state.cachedPrefixes.count > 10_000 { state.cachedPrefixes.removeAll() }
                    return !state.cachedPrefixes.insert(hash).inserted
                }
            })
        for (kind, limit) in [("requests", 4000), ("tokens", 2_000_000), ("input-tokens", 1_600_000), ("output-tokens", 400_000)] {
            headers["anthropic-ratelimit-\(kind)-limit"] = String(limit)
            headers["anthropic-ratelimit-\(kind)-remaining"] = String(limit - 1)
        }
        if request.isStreaming {
            headers["content-type"] = "text/event-stream"
            return ClaudeHTTPResponse(status: 200, headers: headers, body: stream(reply, failure: failure, random: &random, timeout: request.timeout))
        }
        let generation = configuration.timeToFirstToken.seconds + Double(reply.outputTokens) / configuration.outputTokensPerSecond
        try await wait(.nanoseconds(Int64(generation * 1e9)), limit: request.timeout)
        headers["content-type"] = "application/json"
        let bytes = reply.message.serializedBytes()
        if case .dropStream? = failure {
            let (truncated, continuation) = ClaudeResponseBody.makeStream()
            continuation.yield(Array(bytes.prefix(bytes.count / 2)))
            continuation.finish(throwing: ClaudeTransportError.connectionFailed("connection reset by peer"))
            return ClaudeHTTPResponse(status: 200, headers: headers, body: truncated)
        }
        return ClaudeHTTPResponse(status: 200, headers: headers, bytes: bytes)
    }

    /// The body of a streamed reply. Without latency it is written at once; with latency a
    /// task writes it at the configured pace and stops when the reader goes away.
    private func stream(_ reply: SimulatedReply, failure: SimulatedFailure?, random: inout SeededRandom, timeout: Duration) -> ClaudeResponseBody {
        var chunks: [(delay: Double, bytes: [UInt8])] = []
        var ending: ClaudeTransportError?
        var deltas = 0
        for event in reply.events {
            var delay = 0.0
            if event.isDelta {
                delay = deltas == 0 ? configuration.timeToFirstToken.seconds : 1 / configuration.outputTokensPerSecond
                if case .dropStream(let after)? = failure, deltas >= after {
                    ending = .connectionFailed("connection reset by peer")
                    break
                }
                if case .errorInStream(let type, let message, let after)? = failure, deltas >= after {
                    let error: ClaudeJSON = ["type": "error", "error": ["type": .string(type), "message": .string(message)]]
                    chunks.append((0, SimulatedReply.encode(.init(name: "error", data: error, isDelta: false))))
                    break
                }
                deltas += 1
            }
            let bytes = SimulatedReply.encode(event)
            if configuration.splitsChunks, bytes.count > 2 {
                let cut = random.int(in: 1...(bytes.count - 1))
                chunks.append((delay, Array(bytes[..<cut])))
                chunks.append((0, Array(bytes[cut...])))
            } else {
                chunks.append((delay, bytes))
            }
        }
        let (body, continuation) = ClaudeResponseBody.makeStream()
        let scale = configuration.timeScale
        guard scale > 0 else {
            for chunk in chunks { continuation.yield(chunk.bytes) }
            continuation.finish(throwing: ending)
            return body
        }
        let producer = Task { [chunks, ending] in
            do {
                for chunk in chunks {
                    if chunk.delay > 0 { try await self.wait(.nanoseconds(Int64(chunk.delay * 1e9)), limit: timeout) }
                    continuation.yield(chunk.bytes)
                }
                continuation.finish(throwing: ending)
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in producer.cancel() }
        return body
    }

    /// Waits `duration` scaled by the time scale; when that exceeds `limit`, waits `limit` and
    /// throws `timedOut`. A hang (`duration == limit`) is not scaled.
    private nonisolated(nonsending) func wait(_ duration: Duration, limit: Duration) async throws {
        let scaled = duration == limit ? duration : duration * configuration.timeScale
        guard scaled > .zero else { return }
        do {
            if scaled > limit {
                try await Task.sleep(for: limit)
                throw ClaudeTransportError.timedOut
            }
            try await Task.sleep(for: scaled)
        } catch is CancellationError {
            throw ClaudeTransportError.cancelled
        }
    }

    private func errorResponse(_ status: Int, _ message: String?, type: String? = nil, headers: ClaudeHTTPHeaders) -> ClaudeHTTPResponse {
        let standard = SimulatedFailure.standardError(for: status)
        let body: ClaudeJSON = [
            "type": "error",
            "error": ["type": .string(type ?? standard.type), "message": .string(message ?? standard.message)],
            "request_id": .string(headers["request-id"] ?? ""),
        ]
        var headers = headers
        headers["content-type"] = "application/json"
        return ClaudeHTTPResponse(status: status, headers: headers, bytes: body.serializedBytes())
    }

    /// The checks the API makes before anything else.
    private static func validate(_ request: ClaudeHTTPRequest, body: ClaudeJSON?) -> (status: Int, message: String)? {
        guard let key = request.headers["x-api-key"], !key.isEmpty else { return (401, "x-api-key header is required") }
        guard request.headers["anthropic-version"] != nil else { return (400, "anthropic-version: header is required") }
        guard let body else { return (400, "request body is not valid JSON") }
        guard body["model"]?.stringValue?.isEmpty == false else { return (400, "model: Field required") }
        guard let maxTokens = body["max_tokens"]?.intValue, maxTokens >= 1 else { return (400, "max_tokens: Field required") }
        guard body["messages"]?.arrayValue?.isEmpty == false else { return (400, "messages: Field required") }
        return nil
    }
}
