/// One Claude Messages API call as its span records it: the one reading of a Claude span that
/// the monitor (live spans), the `report` and `find` (spans decoded from OTLP-JSON files) share,
/// so a span counts the same wherever it is read.
///
/// The reading is tolerant of other SDKs' spans: the provider in any case (`Anthropic`), counts
/// stored as doubles (`12.0`), no `claude.*` attributes at all (the error category then comes
/// from `error.type`, the cost from the tokens: see ``CallPrice``).
///
/// Attributes are a small array searched linearly, so looking up twenty keys one by one would
/// cost hundreds of string comparisons per span. Instead each attribute's key is recognised
/// through ``AttributeKeyCache`` (a comparison of two machine words once the key has been seen)
/// and its value read in the same pass.
package struct ClaudeCall: Sendable {
    /// `gen_ai.response.model`, else `gen_ai.request.model`.
    package var model: String?
    package var userID: String?
    package var feature: String?
    /// `claude.request_id`: our client's id for the logical call.
    package var requestID: String?
    /// `anthropic.request_id`: the server's `request-id` header.
    package var serverRequestID: String?
    /// `gen_ai.response.id`: the message id.
    package var messageID: String?
    package var serviceTier: String?
    /// `gen_ai.usage.input_tokens`: uncached input plus both cache counts.
    package var totalInputTokens: Int64 = 0
    package var outputTokens: Int64 = 0
    package var cacheReadTokens: Int64 = 0
    package var cacheCreationTokens: Int64 = 0
    /// Whether the span carries any token count (a call that failed before a response has none).
    package var hasTokens = false
    /// `gen_ai.response.time_to_first_chunk`, seconds: set for streamed calls.
    package var timeToFirstToken: Double?
    package var costUSD: Double?
    /// `claude.cost.picodollars`: the exact cost, preferred over ``costUSD``.
    package var costPicodollars: Int64?
    package var priceUnknown = false
    package var retries: Int64 = 0
    package var statusCode: Int64?
    /// Why the call failed; nil when it succeeded. See ``init(_:readsDetails:readsContent:learnsKeys:)``.
    package var errorCategory: ClaudeErrorCategory?
    package var errorType: String?
    /// Prompt and reply text: read only when asked for.
    package var inputMessages: String?
    package var outputMessages: String?
    package var systemInstructions: String?
    package var startTimeNanoseconds: UInt64 = 0
    package var durationSeconds = 0.0

    /// Whether the call failed.
    package var isError: Bool { errorCategory != nil }

    /// Whether the call failed after the client retried it, or with a category the client
    /// retries (rate limit, overloaded, server error, timeout, connection): the client gave up.
    package var failedAfterRetries: Bool {
        guard let errorCategory else { return false }
        return retries > 0 || errorCategory.isRetryable
    }

    /// Whether the reply was streamed (only streams record a time to first token).
    package var isStreamed: Bool { timeToFirstToken != nil }

    /// Input tokens billed at the base rate: the total minus the cache reads and writes.
    package var uncachedInputTokens: Int64 { max(0, totalInputTokens - cacheReadTokens - cacheCreationTokens) }

    /// A call blocked by a budget was never sent: it costs nothing, and is not "unpriced".
    package var wasBlockedByBudget: Bool { errorCategory == .budgetExceeded }

    /// Reads `span`; nil unless it is a Claude chat span: provider (or the deprecated
    /// `gen_ai.system`) `anthropic` in any case, and operation `chat` or none (so tool and agent
    /// spans do not count).
    ///
    /// A span has failed when its status is error or it carries `claude.error.category`; the
    /// category is that attribute (`unknown` outside the list), else the one `error.type` names.
    ///
    /// - Parameters:
    ///   - readsDetails: also read what only the request log and `find` show (the server's
    ///     request id, the message id), so the monitor's hot path copies fewer strings.
    ///   - readsContent: also read prompt and reply text.
    ///   - learnsKeys: remember new keys in the shared ``AttributeKeyCache``. Spans decoded from
    ///     files pass false: their keys are fresh strings each time, which would fill the cache
    ///     with copies.
    package init?(_ span: SpanData, readsDetails: Bool = false, readsContent: Bool = false, learnsKeys: Bool = true) {
        // Provider and operation are compared in place: `==` on equal short strings is a
        // comparison of two words.
        var isAnthropic: Bool?
        var systemIsAnthropic = false
        var isChat = true
        var hasResponseModel = false
        var sawUnseenKey = false
        var errorCategory: ClaudeErrorCategory?
        // The table is never freed, so it is borrowed without a reference count (a shared
        // count would be a contended cache line across cores).
        AttributeKeyCache.current._withUnsafeGuaranteedRef { keys in
            for (key, value) in span.attributes {
                let code = keys.lookup(key)
                let field: ClaudeCallField
                if code < ClaudeCallField.count {
                    // The cache only stores raw values of `ClaudeCallField` below `count`.
                    field = unsafeBitCast(code, to: ClaudeCallField.self)
                } else if code == AttributeKeyCache.other {
                    continue
                } else {
                    sawUnseenKey = true
                    guard let known = ClaudeCallField.byKey[key] else { continue }
                    field = known
                }
                switch field {
                case .userID: if case .string(let text) = value { userID = text }
                case .feature: if case .string(let text) = value { feature = text }
                case .requestID: if case .string(let text) = value { requestID = text }
                case .requestModel: if !hasResponseModel, case .string(let text) = value { model = text }
                case .responseModel:
                    if case .string(let text) = value {
                        model = text
                        hasResponseModel = true
                    }
                case .providerName: if case .string(let text) = value { isAnthropic = Self.isAnthropic(text) }
                case .system: if case .string(let text) = value { systemIsAnthropic = Self.isAnthropic(text) }
                case .operationName: if case .string(let text) = value { isChat = text == "chat" }
                case .errorCategory: if case .string(let text) = value { errorCategory = ClaudeErrorCategory(spanValue: text) }
                case .errorType: if case .string(let text) = value { errorType = text }
                case .retries: retries = value.count ?? retries
                case .costUSD: costUSD = value.number
                case .costPicodollars: costPicodollars = value.count
                case .statusCode: statusCode = value.count
                case .priceUnknown: if case .bool(let flag) = value { priceUnknown = flag }
                case .timeToFirstChunk: timeToFirstToken = value.number
                case .serviceTier: if case .string(let text) = value { serviceTier = text }
                case .inputTokens: if let count = value.count { totalInputTokens = max(0, count); hasTokens = true }
                case .outputTokens: if let count = value.count { outputTokens = max(0, count); hasTokens = true }
                case .cacheReadTokens: if let count = value.count { cacheReadTokens = max(0, count); hasTokens = true }
                case .cacheCreationTokens: if let count = value.count { cacheCreationTokens = max(0, count); hasTokens = true }
                case .serverRequestID: if readsDetails, case .string(let text) = value { serverRequestID = text }
                case .messageID: if readsDetails, case .string(let text) = value { messageID = text }
                case .inputMessages: if readsContent, case .string(let text) = value { inputMessages = text }
                case .outputMessages: if readsContent, case .string(let text) = value { outputMessages = text }
                case .systemInstructions: if readsContent, case .string(let text) = value { systemInstructions = text }
                }
            }
            // Learnt once per key (a second pass, so the first does not keep copies of keys).
            if learnsKeys, sawUnseenKey {
                AttributeKeyCache.learn(span.attributes.keys.filter { keys.lookup($0) == AttributeKeyCache.unseen })
            }
        }
        guard isAnthropic ?? systemIsAnthropic, isChat else { return nil }
        if errorCategory == nil, span.status.isError { errorCategory = ClaudeErrorCategory(errorType: errorType) }
        self.errorCategory = errorCategory
        startTimeNanoseconds = span.startTimeNanoseconds
        durationSeconds = span.durationSeconds
    }

    /// `anthropic`, as our client writes it, or in another case, as some SDKs do.
    @inline(__always)
    private static func isAnthropic(_ provider: String) -> Bool {
        provider == "anthropic" || (provider.utf8.count == 9 && provider.lowercased() == "anthropic")
    }
}

extension AttributeValue {
    /// A double, or an int widened (without a cross-module call).
    @inline(__always)
    fileprivate var number: Double? {
        switch self {
        case .double(let number): number
        case .int(let number): Double(number)
        default: nil
        }
    }

    /// An integer count, or a double that holds one (some writers store counts as doubles).
    @inline(__always)
    fileprivate var count: Int64? {
        switch self {
        case .int(let number): number
        case .double(let number): Int64(exactly: number.rounded())
        default: nil
        }
    }
}
