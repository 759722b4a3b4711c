import ClaudeTrace

/// Token counts, split so that no token is counted twice.
///
/// `input` is the **uncached** part of the prompt: the span's `gen_ai.usage.input_tokens`
/// (which, by the GenAI conventions' Anthropic rule, includes the cache reads and writes) minus
/// `gen_ai.usage.cache_read.input_tokens` minus `gen_ai.usage.cache_creation.input_tokens`,
/// never below zero. It equals the Messages API's own `usage.input_tokens`.
public struct ClaudeTokenCounts: Hashable, Sendable, Codable {
    /// Uncached input tokens (the API's `usage.input_tokens`).
    public var input: Int64
    /// `gen_ai.usage.output_tokens` (thinking tokens included).
    public var output: Int64
    /// `gen_ai.usage.cache_read.input_tokens`.
    public var cacheRead: Int64
    /// `gen_ai.usage.cache_creation.input_tokens` (5-minute and 1-hour writes together).
    public var cacheCreation: Int64

    public init(input: Int64 = 0, output: Int64 = 0, cacheRead: Int64 = 0, cacheCreation: Int64 = 0) {
        self.input = input
        self.output = output
        self.cacheRead = cacheRead
        self.cacheCreation = cacheCreation
    }

    /// The whole prompt: `input + cacheRead + cacheCreation` (the span's `gen_ai.usage.input_tokens`).
    public var promptTokens: Int64 { input &+ cacheRead &+ cacheCreation }

    static func += (total: inout ClaudeTokenCounts, counts: ClaudeTokenCounts) {
        total.input &+= counts.input
        total.output &+= counts.output
        total.cacheRead &+= counts.cacheRead
        total.cacheCreation &+= counts.cacheCreation
    }
}

/// What a span says about one Claude Messages API call, read from its GenAI and `claude.*`
/// attributes (see `reference/claude-spans.md`). Works for spans from any SDK that follows the
/// GenAI conventions; the `claude.*` fields are then simply absent.
public struct RecordedClaudeCall: Hashable, Sendable {
    /// `gen_ai.response.model`, else `gen_ai.request.model`.
    public var model: String?
    public var requestedModel: String?
    /// Token counts; nil when the span carries none (e.g. the call failed before a response).
    public var tokens: ClaudeTokenCounts?
    /// `claude.cost.usd` in nanodollars (10⁻⁹ USD, rounded as the monitor rounds it), when the
    /// writer priced the call.
    public var recordedCostNanodollars: Int64?
    /// `claude.cost.price_unknown`: the writer did not know the model's price.
    public var priceUnknown: Bool
    /// Why the call failed (see ``errorCategory(of:)``); nil for a successful call.
    public var errorCategory: String?
    /// `user.id`.
    public var userID: String?
    /// `claude.feature`.
    public var feature: String?
    /// `claude.request_id`: our client's id for the logical call.
    public var requestID: String?
    /// `anthropic.request_id`: the server's `request-id` header.
    public var serverRequestID: String?
    /// `gen_ai.response.id`: the message id.
    public var messageID: String?
    /// `gen_ai.response.time_to_first_chunk`, seconds.
    public var timeToFirstChunk: Double?
    /// `anthropic.service_tier`.
    public var serviceTier: String?
    public var startTimeNanoseconds: UInt64
    public var durationSeconds: Double

    /// The call `span` records, or nil when it is not a Claude call. As for the monitor, a
    /// Claude call is a span whose `gen_ai.provider.name` (or the older `gen_ai.system`) is
    /// `anthropic` (in any case, as some SDKs write `Anthropic`) and whose
    /// `gen_ai.operation.name` is `chat` or absent (so tool and agent spans do not count).
    public init?(span: SpanData) {
        let attributes = span.attributes
        guard let provider = (attributes["gen_ai.provider.name"] ?? attributes["gen_ai.system"])?.stringValue,
              provider.lowercased() == "anthropic",
              attributes["gen_ai.operation.name"].map({ $0.stringValue == "chat" }) ?? true
        else { return nil }
        requestedModel = attributes["gen_ai.request.model"]?.stringValue
        model = attributes["gen_ai.response.model"]?.stringValue ?? requestedModel
        // Counts are ints; a writer that stored them as doubles is read too.
        func count(_ key: String) -> Int64? {
            guard let value = attributes[key] else { return nil }
            return value.intValue ?? value.doubleValue.flatMap { Int64(exactly: $0.rounded()) }
        }
        let promptTokens = count("gen_ai.usage.input_tokens")
        let output = count("gen_ai.usage.output_tokens")
        let cacheRead = count("gen_ai.usage.cache_read.input_tokens")
        let cacheCreation = count("gen_ai.usage.cache_creation.input_tokens")
        if promptTokens != nil || output != nil || cacheRead != nil || cacheCreation != nil {
            let read = max(cacheRead ?? 0, 0), creation = max(cacheCreation ?? 0, 0)
            tokens = ClaudeTokenCounts(
                input: max((promptTokens ?? 0) &- read &- creation, 0), output: max(output ?? 0, 0),
                cacheRead: read, cacheCreation: creation)
        }
        if let usd = attributes["claude.cost.usd"]?.doubleValue, usd.isFinite {
            recordedCostNanodollars = Nanodollars.from(usd: usd)
        }
        priceUnknown = attributes["claude.cost.price_unknown"]?.boolValue ?? false
        errorCategory = Self.errorCategory(of: span)
        userID = attributes["user.id"]?.stringValue
        feature = attributes["claude.feature"]?.stringValue
        requestID = attributes["claude.request_id"]?.stringValue
        serverRequestID = attributes["anthropic.request_id"]?.stringValue
        messageID = attributes["gen_ai.response.id"]?.stringValue
        timeToFirstChunk = attributes["gen_ai.response.time_to_first_chunk"]?.doubleValue
        serviceTier = attributes["anthropic.service_tier"]?.stringValue
        startTimeNanoseconds = span.startTimeNanoseconds
        durationSeconds = span.durationSeconds
    }

    /// Whether the call failed.
    public var isError: Bool { errorCategory != nil }

    /// The failure's category, or nil when the call succeeded. A span has failed when its status
    /// is error or it carries `claude.error.category`. The category is `claude.error.category`
    /// (`unknown` when it is not one of ``errorCategoryNames``, as the monitor counts it); for
    /// other SDKs' spans, which have none, the API error type in `error.type` mapped to our
    /// categories (`rate_limit_error` → `rate_limit`, …); `unknown` otherwise.
    public static func errorCategory(of span: SpanData) -> String? {
        if let category = span.attributes["claude.error.category"]?.stringValue {
            return errorCategoryNames.contains(category) ? category : "unknown"
        }
        guard span.status.isError else { return nil }
        guard let type = span.attributes["error.type"]?.stringValue else { return "unknown" }
        return errorCategories[type] ?? "unknown"
    }

    /// The categories of `claude.error.category` (reference/claude-spans.md).
    public static let errorCategoryNames: Set<String> = [
        "rate_limit", "overloaded", "server_error", "timeout", "connection", "invalid_request",
        "context_too_long", "auth_error", "permission", "not_found", "content_filter",
        "budget_exceeded", "cancelled", "unknown",
    ]

    /// API error types (and common client-side `error.type` values) to our categories.
    static let errorCategories: [String: String] = [
        "rate_limit_error": "rate_limit", "429": "rate_limit",
        "overloaded_error": "overloaded", "529": "overloaded",
        "api_error": "server_error", "500": "server_error", "502": "server_error", "503": "server_error",
        "timeout": "timeout", "timeout_error": "timeout", "408": "timeout", "504": "timeout",
        "connection": "connection", "connection_error": "connection",
        "invalid_request_error": "invalid_request", "request_too_large": "invalid_request",
        "400": "invalid_request", "413": "invalid_request", "422": "invalid_request",
        "authentication_error": "auth_error", "401": "auth_error",
        "permission_error": "permission", "403": "permission",
        "not_found_error": "not_found", "404": "not_found",
        "budget_exceeded": "budget_exceeded", "cancelled": "cancelled",
    ]
}
