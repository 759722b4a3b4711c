// A Hummingbird 2 app traced through swift-distributed-tracing with ClaudeTrace as its backend:
// the end-to-end check of ClaudeTraceTracing (Integration/tests/test_distributed_tracing.py).
//
//   POST /chat    logs a line, calls Claude once, makes one AsyncHTTPClient GET to
//                 DOWNSTREAM_URL, logs again, answers "<reply text>\n<downstream status>"
//   POST /flush   exports every span ended so far
//
// Environment: PORT (on 127.0.0.1), CLAUDE_BASE_URL, DOWNSTREAM_URL, and the OTEL_* variables
// Telemetry.bootstrap reads (exporters, file path, collector endpoint).
import AsyncHTTPClient
import ClaudeTrace
import ClaudeTraceTracing
import Foundation
import Hummingbird
import Logging

let environment = ProcessInfo.processInfo.environment
guard let port = environment["PORT"].flatMap(Int.init),
      let claudeURL = environment["CLAUDE_BASE_URL"].flatMap(URL.init(string:)),
      let downstreamURL = environment["DOWNSTREAM_URL"]
else {
    FileHandle.standardError.write(Data("tracing-e2e: set PORT, CLAUDE_BASE_URL and DOWNSTREAM_URL\n".utf8))
    exit(2)
}

// Order matters: the tracer first, so that loggers and the HTTP client made after it use it.
let telemetry = try Telemetry.bootstrap(serviceName: "tracing-e2e")
ClaudeTraceTracer.bootstrap(provider: telemetry.provider)
LoggingSystem.bootstrap({ StreamLogHandler.standardOutput(label: $0, metadataProvider: $1) }, metadataProvider: .claudeTrace)

let claude = ClaudeClient(apiKey: "sk-ant-e2e-test-key", baseURL: claudeURL)
let httpClient = HTTPClient(eventLoopGroupProvider: .singleton)

let router = Router()
router.add(middleware: TracingMiddleware())
router.post("chat") { request, context -> String in
    context.logger.info("calling Claude")
    let reply = try await claude.createMessage(ClaudeMessageRequest(
        model: "claude-sonnet-4-5", maxTokens: 64, messages: [.user("Hello from a traced route")]))
    let response = try await httpClient.execute(HTTPClientRequest(url: downstreamURL), timeout: .seconds(10))
    _ = try await response.body.collect(upTo: 1 << 20)
    context.logger.info("downstream answered", metadata: ["status": "\(response.status.code)"])
    return "\(reply.text)\n\(response.status.code)\n"
}
router.post("flush") { _, _ -> String in
    await telemetry.forceFlush()
    return "flushed\n"
}

let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
try await app.runService()
try await httpClient.shutdown().get()
_ = await telemetry.shutdown()
