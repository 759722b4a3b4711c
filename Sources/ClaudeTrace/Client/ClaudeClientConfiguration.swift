import Foundation

/// How a ``ClaudeClient`` talks to Claude and records its calls.
///
/// Every property has a default; the environment fills the key, the base URL and the content
/// capture flag when code does not. Printing or dumping a configuration never shows the key.
public struct ClaudeClientConfiguration: Sendable, CustomStringConvertible, CustomReflectable {
    /// The API key, sent as `x-api-key`. Default: `ANTHROPIC_API_KEY`. A call without one fails
    /// with `auth_error` before anything is sent.
    public var apiKey: String?
    /// Default: `ANTHROPIC_BASE_URL`, else `https://api.anthropic.com`.
    public var baseURL: URL
    /// The `anthropic-version` header (default `2023-06-01`, still accepted by the API).
    public var anthropicVersion: String
    /// The longest silence one attempt tolerates: to the response headers, then between body
    /// chunks (default 600 s, the official SDKs' request timeout). Exceeding it is a `timeout`.
    public var requestTimeout: Duration
    /// A limit on the whole logical call, retries and their waits included (default 600 s, the
    /// API's limit for a call that is not streamed; nil is none).
    /// - A retry whose wait would end past it is not made: the call fails at once with the
    ///   failure it would have retried.
    /// - An attempt's wait for the answer is cut to what is left, and a plain call's answer
    ///   that is still arriving when it passes (a server trickling bytes) fails as a `timeout`.
    /// - A stream is bounded by it until its answer starts; after that only
    ///   ``requestTimeout``'s silence applies, so a long stream is never cut.
    public var overallTimeout: Duration?
    /// When and how long to wait before retrying a failed attempt (default: the official SDKs' policy).
    public var retryPolicy: ClaudeRetryPolicy
    /// The price table for each call's cost (default ``ClaudePricing/standard``).
    public var pricing: ClaudePricing
    /// Record prompt and reply text on spans (`gen_ai.input.messages`, …). Default: false, or
    /// `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true`.
    public var captureMessageContent: Bool
    /// The tracer for call spans; nil (the default) uses the current provider's at each call,
    /// so `withTracerProvider` and a later bootstrap both apply.
    public var tracer: Tracer?
    /// The budget gate; nil (the default) uses the monitor of ``Telemetry/current`` at each call
    /// (the bootstrapped telemetry's, or the one `withTelemetry` set for the task), and none
    /// without one.
    public var monitor: (any ClaudeCallObserver)?
    /// Where call metrics go; nil (the default) uses ``ClaudeMetrics/current`` at each call
    /// (the bootstrapped meter provider's, or `withMeterProvider`'s), and none without one.
    public var metrics: ClaudeMetrics?
    /// Put the attribution's `user.id` on metric series too. Default false (user ids are
    /// unbounded; each instrument's cardinality limit then caps the series, past it an overflow
    /// series), or `CLAUDE_TRACE_METRICS_USER_ID=true`.
    public var recordsUserIDInMetrics: Bool
    /// How retry waits sleep. Tests inject one that records and returns at once.
    public var sleep: @Sendable (Duration) async throws -> Void
    /// A source of numbers in 0..<1 for retry jitter.
    public var random: @Sendable () -> Double

    /// A configuration; `apiKey`, `baseURL` and `captureMessageContent` left nil come from
    /// `ANTHROPIC_API_KEY`, `ANTHROPIC_BASE_URL` (else `https://api.anthropic.com`) and
    /// `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`, read through `environment`.
    public init(
        apiKey: String? = nil, baseURL: URL? = nil, anthropicVersion: String = "2023-06-01",
        requestTimeout: Duration = .seconds(600), overallTimeout: Duration? = .seconds(600),
        retryPolicy: ClaudeRetryPolicy = ClaudeRetryPolicy(), pricing: ClaudePricing = .standard,
        captureMessageContent: Bool? = nil, tracer: Tracer? = nil, monitor: (any ClaudeCallObserver)? = nil,
        environment: EnvironmentReader = EnvironmentReader()
    ) {
        self.apiKey = apiKey ?? environment.string("ANTHROPIC_API_KEY")
        self.baseURL = baseURL
            ?? environment.string("ANTHROPIC_BASE_URL").flatMap(URL.init(string:))
            ?? URL(string: "https://api.anthropic.com")!
        self.anthropicVersion = anthropicVersion
        self.requestTimeout = requestTimeout
        self.overallTimeout = overallTimeout
        self.retryPolicy = retryPolicy
        self.pricing = pricing
        self.captureMessageContent = captureMessageContent
            ?? environment.bool("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT") ?? false
        self.tracer = tracer
        self.monitor = monitor
        self.metrics = nil
        self.recordsUserIDInMetrics = environment.bool("CLAUDE_TRACE_METRICS_USER_ID") ?? false
        self.sleep = { try await Task.sleep(for: $0) }
        self.random = { Double.random(in: 0..<1) }
    }

    /// `text` with the API key replaced by `<redacted>` (a key under 4 characters is not looked for).
    func redacted(_ text: String) -> String {
        APIKeyRedactor(apiKey: apiKey).redacted(text)
    }

    /// The Messages endpoint, `{baseURL}/v1/messages`.
    var messagesURL: URL {
        var text = baseURL.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        return URL(string: text + "/v1/messages") ?? baseURL.appendingPathComponent("v1/messages")
    }

    /// `server.address` and `server.port`: the port is 443 or 80 when the URL leaves it implicit.
    var server: (host: String, port: Int) {
        let host = baseURL.host ?? ""
        let port = baseURL.port ?? (baseURL.scheme?.lowercased() == "http" ? 80 : 443)
        return (host, port)
    }

    /// A one-line summary with the API key redacted.
    public var description: String {
        "ClaudeClientConfiguration(baseURL: \(baseURL.absoluteString), apiKey: \(apiKey == nil ? "none" : "<redacted>"), "
            + "requestTimeout: \(requestTimeout), retries: \(retryPolicy.maxRetries), captureMessageContent: \(captureMessageContent))"
    }

    /// The fields for `dump` and the debugger, the API key redacted.
    public var customMirror: Mirror {
        Mirror(self, children: [
            "apiKey": apiKey == nil ? "none" : "<redacted>", "baseURL": baseURL, "anthropicVersion": anthropicVersion,
            "requestTimeout": requestTimeout, "overallTimeout": overallTimeout as Any, "retryPolicy": retryPolicy,
            "captureMessageContent": captureMessageContent,
        ], displayStyle: .struct)
    }
}

/// Cuts an API key out of text that a server or a proxy may have echoed it into.
struct APIKeyRedactor: Sendable {
    let apiKey: String?

    /// `text` with the key replaced by `<redacted>`; a key under 4 characters is not looked for.
    func redacted(_ text: String) -> String {
        guard let key = apiKey, key.count >= 4, text.contains(key) else { return text }
        return text.replacingOccurrences(of: key, with: "<redacted>")
    }
}
