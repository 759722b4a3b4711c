/// The attributes ``ClaudeCall`` reads (reference/claude-spans.md), as small integers so that
/// ``AttributeKeyCache`` can store them in its probe table.
enum ClaudeCallField: UInt8 {
    case userID, errorType, system, retries, feature, costUSD, requestID, requestModel, providerName
    case serverRequestID, responseModel, operationName, errorCategory, inputMessages, outputMessages
    case inputTokens, statusCode, priceUnknown, outputTokens, systemInstructions, timeToFirstChunk
    case cacheReadTokens, cacheCreationTokens, costPicodollars, messageID, serviceTier

    /// The number of cases (raw values are `0..<count`).
    static var count: UInt8 { ClaudeCallField.serviceTier.rawValue + 1 }

    /// `gen_ai.system`: deprecated by the GenAI conventions for `gen_ai.provider.name`; still
    /// read, for spans made by older code.
    static let systemKey = "gen_ai.system"

    private typealias Key = ClaudeAttributeKey
    static let byKey: [String: ClaudeCallField] = [
        Key.userID: .userID, Key.errorType: .errorType, systemKey: .system, Key.retries: .retries,
        Key.feature: .feature, Key.costUSD: .costUSD, Key.requestID: .requestID, Key.requestModel: .requestModel,
        Key.providerName: .providerName, Key.serverRequestID: .serverRequestID,
        Key.responseModel: .responseModel, Key.operationName: .operationName, Key.errorCategory: .errorCategory,
        Key.inputMessages: .inputMessages, Key.outputMessages: .outputMessages, Key.inputTokens: .inputTokens,
        Key.httpStatusCode: .statusCode, Key.priceUnknown: .priceUnknown, Key.outputTokens: .outputTokens,
        Key.systemInstructions: .systemInstructions, Key.timeToFirstChunk: .timeToFirstChunk,
        Key.cacheReadInputTokens: .cacheReadTokens, Key.cacheCreationInputTokens: .cacheCreationTokens,
        Key.costPicodollars: .costPicodollars, Key.responseID: .messageID, Key.serviceTier: .serviceTier,
    ]
}
