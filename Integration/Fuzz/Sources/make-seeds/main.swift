// Writes the seed corpora under corpus/<target>/ from real output of the library and its
// simulated Claude (which writes the Messages API's wire format), so no seed is typed by hand
// except the HTTP reader's regression inputs. Built without the fuzzer flags (it has no libFuzzer
// entry) but with testing enabled (it writes requests with the library's package-level JSON
// writer), in a scratch folder of its own, from Integration/Fuzz:
//   swift run --scratch-path .build-seeds -Xswiftc -enable-testing make-seeds corpus
// The targets' inputs that arrive in pieces start with the piece-size bytes FuzzInput reads.
import Foundation
@testable import ClaudeTrace
import ClaudeTraceOTLP

let root = URL(fileURLWithPath: CommandLine.arguments.dropFirst().first ?? "corpus")

func seed(_ target: String, _ name: String, _ bytes: [UInt8]) throws {
    let folder = root.appendingPathComponent(target)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    try Data(bytes).write(to: folder.appendingPathComponent(name))
}

/// No pieces: the stream arrives whole.
func whole(_ text: String) -> [UInt8] { [0] + Array(text.utf8) }
/// The stream in pieces of `sizes` bytes, in turn.
func inPieces(_ sizes: [UInt8], _ bytes: [UInt8]) -> [UInt8] { [UInt8(sizes.count)] + sizes.map { $0 - 1 } + bytes }

// The chunk size that overflowed before 4ccb692, read in pieces of 7 bytes as the test did.
try seed("http-response", "chunk-size-overflow", inPieces([7], Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n7fffffffffffffff\r\n".utf8)))
try seed("http-response", "content-length", whole("HTTP/1.1 200 OK\r\nContent-Type: application/x-protobuf\r\nContent-Length: 5\r\n\r\nhello"))
try seed("http-response", "chunked-trailer", inPieces([3, 16], Array("HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\nRetry-After: 2\r\n\r\n4;x=y\r\nbusy\r\n6\r\n, wait\r\n0\r\nX-Trailer: 1\r\n\r\n".utf8)))
try seed("http-response", "interim-then-close", inPieces([1], Array("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\n{\"partialSuccess\":{}}".utf8)))

// A plain answer, a streamed one and a tool call from the simulated Claude.
let simulator = SimulatedClaude(configuration: .init(seed: 7, timeScale: 0, replyWords: 8...8, splitsChunks: false))
let weather = ClaudeTool(name: "get_weather", description: "Weather for a place",
                         inputSchema: ["type": "object", "properties": ["location": ["type": "string"]]])
let requests: [(String, ClaudeMessageRequest)] = [
    ("text", ClaudeMessageRequest(model: "claude-sonnet-4-6", maxTokens: 256, messages: [.user("Summarize the ticket")])),
    ("tool", ClaudeMessageRequest(model: "claude-sonnet-4-6", maxTokens: 256, messages: [.user("Weather in Paris?")],
                                  tools: [weather], toolChoice: .any())),
]
for (name, request) in requests {
    for streaming in [false, true] {
        let http = ClaudeHTTPRequest(
            url: SimulatedClaude.baseURL, headers: ["x-api-key": "k", "anthropic-version": "2023-06-01"],
            body: request.json(stream: streaming).serializedBytes(), timeout: .seconds(5), isStreaming: streaming)
        var body: [UInt8] = []
        for try await chunk in try await simulator.send(http).body { body += chunk }
        if streaming {
            try seed("sse", name + "-stream", name == "text" ? [0] + body : inPieces([2, 30], body))
        } else {
            try seed("claude-json", name + "-message", body)
        }
    }
}

// A line as the file exporter writes it: a Claude call's span with its GenAI attributes.
let span = SpanData(
    name: "chat claude-sonnet-4-6", kind: .client,
    context: SpanContext(traceID: TraceID(high: 0x0af7_6519_16cd_43dd, low: 0x8448_eb21_1c80_319c), spanID: SpanID(0xb7ad_6b71_6920_3331), traceFlags: .sampled),
    parentSpanID: SpanID(0x00f0_67aa_0ba9_02b7), startTimeNanoseconds: 1_700_000_000_000_000_000, endTimeNanoseconds: 1_700_000_000_500_000_000,
    attributes: ["gen_ai.operation.name": "chat", "gen_ai.request.model": "claude-sonnet-4-6", "gen_ai.usage.input_tokens": 12,
                 "gen_ai.usage.output_tokens": 30, "gen_ai.response.finish_reasons": .stringArray(["end_turn"]), "cost": 0.000486],
    events: [SpanEvent(name: "first token", timeNanoseconds: 1_700_000_000_200_000_000)], status: .ok,
    resource: Resource(attributes: ["service.name": "fuzz-seed"]), scope: InstrumentationScope(name: "ClaudeTrace", version: "1.0"))
var line: [UInt8] = []
OTLPJSONEncoder().encode([span][...], into: &line)
try seed("otlp-json", "file-exporter-line", [0] + line + Array("\n".utf8))
try seed("otlp-json", "two-lines-small-reads", inPieces([40], line + Array("\n".utf8) + line + Array("\n".utf8)))

// A line the OpenTelemetry Python SDK wrote (the integration suite's fixture).
let python = try Data(contentsOf: URL(fileURLWithPath: "../fixtures/python-sdk-claude-spans.jsonl"))
if let end = python.firstIndex(of: UInt8(ascii: "\n")) {
    try seed("otlp-json", "python-sdk-line", [0] + Array(python[...end]))
}

// The headers `inject` writes for a sampled context with a tracestate.
let context = SpanContext(traceID: span.context.traceID, spanID: span.context.spanID, traceFlags: .sampled,
                          traceState: TraceState(headerValue: "claude=t61rcWkgMzE,congo=ucfJifl5GOE")!)
var headers: [String: String] = [:]
TraceContextPropagator.inject(context, into: &headers)
try seed("trace-context", "injected", Array("\(headers["traceparent"]!)\n\(headers["tracestate"]!)".utf8))
