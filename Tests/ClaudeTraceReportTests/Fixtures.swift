import ClaudeTrace
import ClaudeTraceReport
import Foundation

/// A file in a fresh temporary directory, removed when the test is done with it.
final class TemporaryFile: Sendable {
    let directory: String
    let path: String

    init(_ name: String = "traces.jsonl") {
        directory = NSTemporaryDirectory() + "claude-trace-report-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        path = directory + "/" + name
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    /// Writes `text` as the whole file.
    func write(_ text: String) {
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
    }

    /// Writes one line per entry, each ending in `\n`.
    func write(lines: [String]) { write(lines.map { $0 + "\n" }.joined()) }
}

/// Builds fixtures: spans as the SDK records them, and OTLP-JSON lines written by the SDK's own
/// encoder or by hand (to imitate what other SDKs write).
enum Fixture {
    /// 2026-11-10T12:00:00Z in Unix nanoseconds.
    static let noon: UInt64 = 1_794_312_000_000_000_000

    static func traceID(_ n: UInt64) -> TraceID { TraceID(high: 0x0af7_6519_16cd_43dd, low: n) }
    static func spanID(_ n: UInt64) -> SpanID { SpanID(0xb7ad_6b71_0000_0000 | n) }

    /// A span with `attributes`, started `offset` seconds after noon and lasting `duration` s.
    static func span(
        _ name: String, trace: UInt64 = 1, id: UInt64, parent: UInt64? = nil, offset: Double = 0,
        duration: Double = 1, kind: SpanKind = .internal, status: SpanStatus = .unset,
        attributes: Attributes = [:], service: String = "tests"
    ) -> SpanData {
        let start = noon &+ UInt64((offset * 1e9).rounded())
        return SpanData(
            name: name, kind: kind,
            context: SpanContext(traceID: traceID(trace), spanID: spanID(id), traceFlags: .sampled),
            parentSpanID: parent.map(spanID), startTimeNanoseconds: start,
            endTimeNanoseconds: start &+ UInt64((duration * 1e9).rounded()), attributes: attributes, status: status,
            resource: Resource(attributes: ["service.name": .string(service)]),
            scope: InstrumentationScope(name: "claude-trace", version: "0.1.0"))
    }

    /// The attributes of a Claude call as claude-spans.md lists them. `input` is the API's
    /// uncached count; the span's `gen_ai.usage.input_tokens` adds the cache counts to it.
    static func claudeAttributes(
        model: String = "claude-sonnet-4-6", responseModel: String? = nil, input: Int64 = 0, output: Int64 = 0,
        cacheRead: Int64 = 0, cacheCreation: Int64 = 0, costUSD: Double? = nil, priceUnknown: Bool = false,
        user: String? = nil, feature: String? = nil, requestID: String? = nil, serverRequestID: String? = nil,
        messageID: String? = nil, timeToFirstChunk: Double? = nil, errorCategory: String? = nil,
        errorType: String? = nil, tokens: Bool = true, legacySystem: Bool = false
    ) -> Attributes {
        var attributes: Attributes = ["gen_ai.operation.name": "chat", "gen_ai.request.model": .string(model)]
        attributes[legacySystem ? "gen_ai.system" : "gen_ai.provider.name"] = "anthropic"
        if let responseModel { attributes["gen_ai.response.model"] = .string(responseModel) }
        if tokens {
            attributes["gen_ai.usage.input_tokens"] = .int(input + cacheRead + cacheCreation)
            attributes["gen_ai.usage.output_tokens"] = .int(output)
            attributes["gen_ai.usage.cache_read.input_tokens"] = .int(cacheRead)
            attributes["gen_ai.usage.cache_creation.input_tokens"] = .int(cacheCreation)
        }
        if let costUSD { attributes["claude.cost.usd"] = .double(costUSD) }
        if priceUnknown { attributes["claude.cost.price_unknown"] = true }
        if let user { attributes["user.id"] = .string(user) }
        if let feature { attributes["claude.feature"] = .string(feature) }
        if let requestID { attributes["claude.request_id"] = .string(requestID) }
        if let serverRequestID { attributes["anthropic.request_id"] = .string(serverRequestID) }
        if let messageID { attributes["gen_ai.response.id"] = .string(messageID) }
        if let timeToFirstChunk { attributes["gen_ai.response.time_to_first_chunk"] = .double(timeToFirstChunk) }
        if let errorCategory { attributes["claude.error.category"] = .string(errorCategory) }
        if let errorType { attributes["error.type"] = .string(errorType) }
        return attributes
    }

    /// One OTLP-JSON line holding `spans`, written by the SDK's own encoder.
    static func line(_ spans: [SpanData]) -> String {
        var buffer: [UInt8] = []
        OTLPJSONEncoder().encode(spans[...], into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    /// A line holding one hand-written span object, under a resource and scope.
    static func line(spanJSON: String, resource: String = #"{"attributes":[{"key":"service.name","value":{"stringValue":"py"}}]}"#) -> String {
        #"{"resourceSpans":[{"resource":\#(resource),"scopeSpans":[{"scope":{"name":"hand"},"spans":[\#(spanJSON)]}]}]}"#
    }

    /// A hand-written span with the given attribute list (JSON array text) and extra fields.
    static func spanJSON(
        traceID: String = "0af7651916cd43dd8448eb211c80319c", spanID: String = "e91ebc765c6fdd5e",
        attributes: String = "[]", extra: String = ""
    ) -> String {
        #"{"traceId":"\#(traceID)","spanId":"\#(spanID)","name":"span","kind":3,"startTimeUnixNano":"1794312000000000000","endTimeUnixNano":"1794312001000000000","attributes":\#(attributes)\#(extra)}"#
    }

    /// Decodes one line, expecting exactly one span.
    static func decodeOne(_ line: String) throws -> SpanData {
        let spans = try OTLPJSONDecoder.decodeSpans(fromLine: Array(line.utf8))
        guard spans.count == 1 else { throw FixtureError.expectedOneSpan(spans.count) }
        return spans[0]
    }

    enum FixtureError: Error { case expectedOneSpan(Int) }
}
