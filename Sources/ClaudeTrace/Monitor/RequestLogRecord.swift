/// One call as the request log writes it; built on the caller's path from the parsed span
/// (copies, no formatting), turned into JSON on the background task.
struct RequestLogRecord: Sendable {
    var requestID: String?
    var startNanoseconds: UInt64
    var traceID: TraceID
    var spanID: SpanID
    var model: String?
    var userID: String?
    var feature: String?
    var uncachedInputTokens: Int64
    var outputTokens: Int64
    var cacheReadTokens: Int64
    var cacheCreationTokens: Int64
    var durationSeconds: Double
    var timeToFirstToken: Double?
    var statusCode: Int64?
    var error: String?
    var errorCategory: String?
    var retries: Int64
    var costUSD: Double?
    var priceUnknown: Bool
    var anthropicRequestID: String?
    var system: String?
    var prompt: String?
    var reply: String?
    var includeContent: Bool

    var jsonLine: String {
        var line = JSONLineWriter()
        line.field("requestId", string: requestID)
        line.field("timestamp", string: UTCTime.timestamp(startNanoseconds))
        line.field("traceId", string: traceID.hexString)
        line.field("spanId", string: spanID.hexString)
        line.field("model", string: model)
        line.field("userId", string: userID)
        line.field("feature", string: feature)
        line.field("inputTokens", integer: uncachedInputTokens)
        line.field("outputTokens", integer: outputTokens)
        line.field("cacheReadTokens", integer: cacheReadTokens)
        line.field("cacheCreationTokens", integer: cacheCreationTokens)
        line.field("latencyMs", number: durationSeconds * 1000)
        line.field("ttftMs", number: timeToFirstToken.map { $0 * 1000 })
        line.field("statusCode", integer: statusCode)
        line.field("error", string: error)
        line.field("errorCategory", string: errorCategory)
        line.field("retries", integer: retries)
        line.field("costUsd", number: costUSD)
        line.field("priceUnknown", bool: priceUnknown)
        line.field("anthropicRequestId", string: anthropicRequestID)
        if includeContent {
            line.field("system", string: system)
            line.field("prompt", string: prompt)
            line.field("reply", string: reply)
        }
        return line.finish()
    }
}
