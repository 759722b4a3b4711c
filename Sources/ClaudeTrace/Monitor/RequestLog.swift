import Foundation

/// Where JSON lines go: appended to a file handle (one write per batch of lines, so lines never
/// interleave), or handed one by one to a closure. Either runs on the monitor's background
/// task.
public enum LogDestination: Sendable {
    /// Lines appended to this handle, each ending in `\n`.
    case fileHandle(FileHandle)
    /// Each line (without its `\n`) passed to the closure.
    case lines(@Sendable (String) -> Void)
}

/// The optional request log: one JSON line per Claude call.
///
/// Every line has the same keys, `null` when a value is absent:
/// `requestId`, `timestamp` (the call's start, ISO 8601 UTC with milliseconds), `traceId`,
/// `spanId`, `model`, `userId`, `feature`, `inputTokens`, `outputTokens`, `cacheReadTokens`,
/// `cacheCreationTokens`, `latencyMs`, `ttftMs`, `statusCode`, `error`, `errorCategory`,
/// `retries`, `costUsd`, `priceUnknown`, `anthropicRequestId`.
///
/// `inputTokens` is the **uncached** input (`gen_ai.usage.input_tokens` minus the cache read
/// and cache creation counts): the four token fields add up to the prompt, and each is billed
/// at its own rate. `error` is the span's status description (the error message), else its
/// `error.type`. The API key is never on a span, so never here; prompt and reply text are left
/// out unless ``includeContent`` is set, and then come from the span's
/// `gen_ai.system_instructions`, `gen_ai.input.messages` and `gen_ai.output.messages` (present
/// only when the client captures content) as `system`, `prompt` and `reply`.
public struct RequestLogConfiguration: Sendable {
    public var destination: LogDestination
    /// Adds `system`, `prompt` and `reply` to each line. Off by default: prompts are private.
    public var includeContent: Bool

    public init(destination: LogDestination, includeContent: Bool = false) {
        self.destination = destination
        self.includeContent = includeContent
    }
}

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

/// Builds one JSON object on one line: strings escaped per RFC 8259, non-finite numbers as
/// `null`.
package struct JSONLineWriter {
    private var text = "{"
    private var first = true

    init() { text.reserveCapacity(512) }

    private mutating func key(_ name: String) {
        if !first { text += "," }
        first = false
        Self.appendQuoted(name, to: &text)
        text += ":"
    }

    mutating func field(_ name: String, string value: String?) {
        key(name)
        if let value { Self.appendQuoted(value, to: &text) } else { text += "null" }
    }

    mutating func field(_ name: String, integer value: Int64?) {
        key(name)
        text += value.map { String($0) } ?? "null"
    }

    mutating func field(_ name: String, number value: Double?) {
        key(name)
        guard let value, value.isFinite else {
            text += "null"
            return
        }
        // Fixed notation with up to 9 decimals: exact for nanodollars and for milliseconds
        // to the nanosecond, and never an exponent some log tools mis-read.
        text += formatFixed(value, decimals: 9)
    }

    mutating func field(_ name: String, bool value: Bool) {
        key(name)
        text += value ? "true" : "false"
    }

    mutating func finish() -> String {
        text += "}"
        return text
    }

    /// `value` as a JSON string literal. The report reader quotes with it too (`package`).
    package static func appendQuoted(_ value: String, to text: inout String) {
        text += "\""
        var needsEscaping = false
        for byte in value.utf8 where byte < 0x20 || byte == 0x22 || byte == 0x5C {
            needsEscaping = true
            break
        }
        guard needsEscaping else {
            text += value
            text += "\""
            return
        }
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case let control where control.value < 0x20:
                let hex = String(control.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }
}

extension LogDestination {
    /// Writes `lines`: in one `write` for a file handle, one call each for a closure. Returns
    /// false when the handle refused the write.
    func write(_ lines: [String]) -> Bool {
        guard !lines.isEmpty else { return true }
        switch self {
        case .lines(let handler):
            for line in lines { handler(line) }
            return true
        case .fileHandle(let handle):
            var bytes: [UInt8] = []
            bytes.reserveCapacity(lines.reduce(0) { $0 + $1.utf8.count + 1 })
            for line in lines {
                bytes.append(contentsOf: line.utf8)
                bytes.append(0x0A)
            }
            do {
                try handle.write(contentsOf: bytes)
                return true
            } catch {
                return false
            }
        }
    }
}
