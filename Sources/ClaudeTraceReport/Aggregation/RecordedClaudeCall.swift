#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
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
    /// `gen_ai.request.model`.
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
    /// The span's start, Unix epoch nanoseconds.
    public var startTimeNanoseconds: UInt64
    /// The span's duration: the call's latency, retries included.
    public var durationSeconds: Double

    /// The call `span` records, or nil when it is not a Claude call. As for the monitor, a
    /// Claude call is a span whose `gen_ai.provider.name` (or the older `gen_ai.system`) is
    /// `anthropic` (in any case, as some SDKs write `Anthropic`) and whose
    /// `gen_ai.operation.name` is `chat` or absent (so tool and agent spans do not count).
    public init?(span: SpanData) {
        var provider: String?, system: String?, operation: String?, responseModel: String?
        var promptTokens: Int64?, output: Int64?, cacheRead: Int64?, cacheCreation: Int64?
        var category: String?, errorType: String?
        var usd: Double?
        priceUnknown = false
        // One pass over the attributes, each key dispatched on its length (see `Key`).
        for (name, value) in span.attributes {
            guard let key = Key(name) else { continue }
            switch key {
            case .providerName: provider = value.stringValue
            case .system: system = value.stringValue
            case .operationName: operation = value.stringValue
            case .requestModel: requestedModel = value.stringValue
            case .responseModel: responseModel = value.stringValue
            case .inputTokens: promptTokens = Self.count(value)
            case .outputTokens: output = Self.count(value)
            case .cacheReadTokens: cacheRead = Self.count(value)
            case .cacheCreationTokens: cacheCreation = Self.count(value)
            case .costUSD: usd = value.doubleValue
            case .priceUnknown: priceUnknown = value.boolValue ?? false
            case .errorCategory: category = value.stringValue
            case .errorType: errorType = value.stringValue
            case .userID: userID = value.stringValue
            case .feature: feature = value.stringValue
            case .requestID: requestID = value.stringValue
            case .serverRequestID: serverRequestID = value.stringValue
            case .messageID: messageID = value.stringValue
            case .timeToFirstChunk: timeToFirstChunk = value.doubleValue
            case .serviceTier: serviceTier = value.stringValue
            }
        }
        guard let provider = provider ?? system, provider.lowercased() == "anthropic",
              operation == nil || operation == "chat"
        else { return nil }
        model = responseModel ?? requestedModel
        if promptTokens != nil || output != nil || cacheRead != nil || cacheCreation != nil {
            let read = max(cacheRead ?? 0, 0), creation = max(cacheCreation ?? 0, 0)
            tokens = ClaudeTokenCounts(
                input: max((promptTokens ?? 0) &- read &- creation, 0), output: max(output ?? 0, 0),
                cacheRead: read, cacheCreation: creation)
        }
        if let usd, usd.isFinite { recordedCostNanodollars = Nanodollars.from(usd: usd) }
        errorCategory = Self.errorCategory(category: category, errorType: errorType, status: span.status)
        startTimeNanoseconds = span.startTimeNanoseconds
        durationSeconds = span.durationSeconds
    }

    /// A token count: an int, or an integral double from a writer that stored it so.
    private static func count(_ value: AttributeValue) -> Int64? {
        value.intValue ?? value.doubleValue.flatMap { Int64(exactly: $0.rounded()) }
    }

    /// Whether the call failed.
    public var isError: Bool { errorCategory != nil }

    /// The failure's category, or nil when the call succeeded. A span has failed when its status
    /// is error or it carries `claude.error.category`. The category is `claude.error.category`
    /// (`unknown` when it is not one of ``errorCategoryNames``, as the monitor counts it); for
    /// other SDKs' spans, which have none, the API error type in `error.type` mapped to our
    /// categories (`rate_limit_error` → `rate_limit`, …); `unknown` otherwise.
    public static func errorCategory(of span: SpanData) -> String? {
        errorCategory(
            category: span.attributes["claude.error.category"]?.stringValue,
            errorType: span.attributes["error.type"]?.stringValue, status: span.status)
    }

    private static func errorCategory(category: String?, errorType: String?, status: SpanStatus) -> String? {
        if let category { return errorCategoryNames.contains(category) ? category : "unknown" }
        guard status.isError else { return nil }
        return errorType.flatMap { errorCategories[$0] } ?? "unknown"
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

    /// The attributes read, found by their key's UTF-8 length and then a byte comparison with
    /// the one to three keys of that length: a linear `Attributes` lookup per field cost about
    /// a third of the whole report's time (179 → 250 MB/s on a 200 MB file once removed).
    private enum Key: CaseIterable {
        case providerName, system, operationName, requestModel, responseModel
        case inputTokens, outputTokens, cacheReadTokens, cacheCreationTokens
        case costUSD, priceUnknown, errorCategory, errorType, userID, feature
        case requestID, serverRequestID, messageID, timeToFirstChunk, serviceTier

        var name: StaticString {
            switch self {
            case .providerName: "gen_ai.provider.name"
            case .system: "gen_ai.system"
            case .operationName: "gen_ai.operation.name"
            case .requestModel: "gen_ai.request.model"
            case .responseModel: "gen_ai.response.model"
            case .inputTokens: "gen_ai.usage.input_tokens"
            case .outputTokens: "gen_ai.usage.output_tokens"
            case .cacheReadTokens: "gen_ai.usage.cache_read.input_tokens"
            case .cacheCreationTokens: "gen_ai.usage.cache_creation.input_tokens"
            case .costUSD: "claude.cost.usd"
            case .priceUnknown: "claude.cost.price_unknown"
            case .errorCategory: "claude.error.category"
            case .errorType: "error.type"
            case .userID: "user.id"
            case .feature: "claude.feature"
            case .requestID: "claude.request_id"
            case .serverRequestID: "anthropic.request_id"
            case .messageID: "gen_ai.response.id"
            case .timeToFirstChunk: "gen_ai.response.time_to_first_chunk"
            case .serviceTier: "anthropic.service_tier"
            }
        }

        private static let byLength: [[Key]] = {
            var table = [[Key]](repeating: [], count: 41)
            for key in allCases { table[key.name.utf8CodeUnitCount].append(key) }
            return table
        }()

        init?(_ name: String) {
            let count = name.utf8.count
            guard count < Self.byLength.count else { return nil }
            let candidates = Self.byLength[count]
            guard !candidates.isEmpty else { return nil }
            let found: Key?
            if let fast = name.utf8.withContiguousStorageIfAvailable({ bytes in
                candidates.first { memcmp(bytes.baseAddress!, $0.name.utf8Start, count) == 0 }
            }) {
                found = fast
            } else {
                found = candidates.first { $0.name.description == name }
            }
            guard let found else { return nil }
            self = found
        }
    }
}
