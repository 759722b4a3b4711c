import Foundation

/// A traced client for Claude's Messages API.
///
/// ```swift
/// let claude = ClaudeClient(apiKey: key)         // or ANTHROPIC_API_KEY
/// let reply = try await claude.createMessage(
///     .init(model: "claude-sonnet-4-6", maxTokens: 512, messages: [.user("Summarize …")]),
///     attribution: .init(userID: "u-42", feature: "ticket-summary"))
/// print(reply.text, reply.usage, reply.costUSD ?? "unknown price", reply.requestID)
///
/// for try await event in claude.streamMessage(request) { … }
/// ```
/// Each call is one CLIENT span `chat {model}`, a child of the current span, carrying the
/// GenAI attributes, the cost, every retry and the outcome. The API key never reaches a span,
/// an error or a log line; prompt and reply text only with ``ClaudeClientConfiguration/captureMessageContent``.
///
/// `Sendable`: share one client across tasks (it holds no per-call state).
public final class ClaudeClient: Sendable {
    /// How the client calls the API, retries, prices and records calls.
    public let configuration: ClaudeClientConfiguration
    /// What sends the HTTP requests: ``URLSessionTransport`` unless another was given.
    public let transport: any ClaudeTransport
    /// The tracer of the provider in force at the last call, when none is configured: kept, so
    /// that a call does not make a tracer, its scope and its name each time. (It keeps that
    /// provider alive until a call finds another one in force.)
    private let providerTracer = Locked<Tracer?>(nil)

    /// A client for the real API over HTTP, or for any `transport` (e.g. ``SimulatedClaude``).
    /// Unset arguments come from the environment and the defaults of ``ClaudeClientConfiguration``.
    public convenience init(
        apiKey: String? = nil, baseURL: URL? = nil, transport: (any ClaudeTransport)? = nil,
        requestTimeout: Duration = .seconds(600), overallTimeout: Duration? = .seconds(600),
        retryPolicy: ClaudeRetryPolicy = ClaudeRetryPolicy(), pricing: ClaudePricing = .standard,
        captureMessageContent: Bool? = nil, tracer: Tracer? = nil, monitor: (any ClaudeCallObserver)? = nil
    ) {
        self.init(
            configuration: ClaudeClientConfiguration(
                apiKey: apiKey, baseURL: baseURL, requestTimeout: requestTimeout, overallTimeout: overallTimeout,
                retryPolicy: retryPolicy, pricing: pricing, captureMessageContent: captureMessageContent,
                tracer: tracer, monitor: monitor),
            transport: transport)
    }

    /// A client with a full configuration; `transport` defaults to a new ``URLSessionTransport``.
    public init(configuration: ClaudeClientConfiguration, transport: (any ClaudeTransport)? = nil) {
        self.configuration = configuration
        self.transport = transport ?? URLSessionTransport()
        if let key = configuration.apiKey { Diagnostics.addSecret(key) }
    }

    /// Sends `request` and returns Claude's answer.
    ///
    /// Retries by ``ClaudeClientConfiguration/retryPolicy`` (each failed attempt is a `retry`
    /// event on the span). Throws a ``ClaudeError``; cancelling the task cancels the request and
    /// throws one of category `cancelled`.
    ///
    /// Runs on the caller's executor (`nonisolated(nonsending)`): called from the main actor,
    /// the call's own work stays there, and only the transport's waits leave it.
    /// - Parameters:
    ///   - request: the Messages API request.
    ///   - attribution: who and what the call is for (`user.id`, `claude.feature`).
    ///   - parent: the span's parent; by default the current span.
    public nonisolated(nonsending) func createMessage(
        _ request: ClaudeMessageRequest, attribution: ClaudeAttribution = .none, parent: SpanParent = .current
    ) async throws(ClaudeError) -> ClaudeMessageResponse {
        let call = begin(request, attribution: attribution, parent: parent, isStreaming: false)
        try admit(call)
        var (response, retries) = try await execute(call) { response throws(ClaudeError) in
            try await self.readMessage(response, call: call)
        }
        complete(&response, call: call, retries: retries)
        call.span.finish(response, warning: warning(for: call, response: response))
        return response
    }

    /// Sends `request` with `"stream": true` and returns its events as they arrive.
    ///
    /// The request is sent when iteration starts. The stream's ``ClaudeMessageStream/finalMessage(isolation:)``
    /// gives the assembled message. A stream the caller stops reading early still ends its span,
    /// with what was received (`claude.stream.abandoned = true`).
    public func streamMessage(
        _ request: ClaudeMessageRequest, attribution: ClaudeAttribution = .none, parent: SpanParent = .current
    ) -> ClaudeMessageStream {
        // Resolve the parent and the provider now, on the caller's task: iteration may happen
        // elsewhere, where the current span is another one.
        let resolved: SpanParent = switch parent {
        case .current: Span.current.map(SpanParent.span) ?? .root
        default: parent
        }
        return ClaudeMessageStream(run: ClaudeStreamRun(
            client: self, request: request, attribution: attribution, parent: resolved, tracer: tracer()))
    }

    /// The cost of a call to `model` that used `usage`, by this client's pricing table; nil
    /// when the price is unknown.
    public func cost(model: String, usage: ClaudeUsage) -> ClaudeCost? {
        configuration.pricing.cost(model: model, usage: usage)
    }

    /// A client of an in-process simulated Claude: no network, deterministic, with scripted
    /// failures (see ``SimulatedClaude``).
    public static func simulated(
        _ simulator: SimulatedClaude = SimulatedClaude(), retryPolicy: ClaudeRetryPolicy = ClaudeRetryPolicy(),
        pricing: ClaudePricing = .standard, captureMessageContent: Bool = false,
        tracer: Tracer? = nil, monitor: (any ClaudeCallObserver)? = nil
    ) -> ClaudeClient {
        ClaudeClient(
            configuration: ClaudeClientConfiguration(
                apiKey: "sk-ant-simulated", baseURL: SimulatedClaude.baseURL, retryPolicy: retryPolicy, pricing: pricing,
                captureMessageContent: captureMessageContent, tracer: tracer, monitor: monitor),
            transport: simulator)
    }

    /// The configured tracer, else one of ``TracerProvider/current``'s (the bootstrapped provider,
    /// or the one `withTracerProvider` set for this task), made once per provider.
    func tracer() -> Tracer {
        if let tracer = configuration.tracer { return tracer }
        let provider = TracerProvider.current
        return providerTracer.withLock { cached in
            if let tracer = cached, tracer.provider === provider { return tracer }
            let tracer = provider.tracer(Self.scopeName, version: Resource.sdkVersion)
            cached = tracer
            return tracer
        }
    }

    /// The instrumentation scope of Claude call spans when no tracer is configured.
    static let scopeName = Resource.sdkName + ".claude"

    /// Fills in what the client knows about an answer: ids, retries, cost. The server's words
    /// that reach the span as text (ids, model, stop reason, tier) lose the API key if a server
    /// or proxy echoed it there.
    func complete(_ response: inout ClaudeMessageResponse, call: PreparedCall, retries: Int) {
        response.requestID = call.requestID
        response.retries = retries
        let pricing = configuration.pricing
        response.cost = (response.model.isEmpty ? nil : pricing.cost(model: response.model, usage: response.usage, at: call.startDate))
            ?? pricing.cost(model: call.request.model, usage: response.usage, at: call.startDate)
        let redacted = configuration.redacted
        response.id = redacted(response.id)
        response.model = redacted(response.model)
        response.serverRequestID = response.serverRequestID.map(redacted)
        response.stopReason = response.stopReason.map { ClaudeStopReason(rawValue: redacted($0.rawValue)) }
        response.stopSequence = response.stopSequence.map(redacted)
        response.usage.serviceTier = response.usage.serviceTier.map(redacted)
    }

    func warning(for call: PreparedCall, response: ClaudeMessageResponse) -> String? {
        guard let cost = response.cost, let monitor = call.monitor else { return nil }
        return monitor.warning(for: call.info, cost: cost)
    }
}
