import Foundation
import Synchronization
import Testing
@testable import ClaudeTrace

/// Where a call runs: on its caller's executor, as `nonisolated(nonsending)` functions do, so
/// that a call from the main actor does not hop to the cooperative pool and back (W4-main in
/// docs/benchmarks.md).
@Suite("Where calls run")
struct ClaudeIsolationTests {
    /// Notes, for each request, whether it was sent on the main actor (on Linux the main
    /// queue's jobs may run on another thread than the process's first, so the thread says nothing).
    final class ThreadRecordingTransport: ClaudeTransport {
        let simulator = SimulatedClaude(timeScale: 0)
        let sentOnMainActor = Mutex<[Bool]>([])

        nonisolated(nonsending) func send(_ request: ClaudeHTTPRequest) async throws -> ClaudeHTTPResponse {
            let isolation: (any Actor)? = #isolation
            sentOnMainActor.withLock { $0.append(isolation === MainActor.shared) }
            return try await simulator.send(request)
        }
    }

    @MainActor
    @Test("a call made on the main actor reaches the transport on the main actor, plain and streamed")
    func mainActorCallsStayOnMainActor() async throws {
        let (provider, exporter) = makeProvider()
        let transport = ThreadRecordingTransport()
        let client = ClaudeClient(apiKey: testAPIKey, baseURL: SimulatedClaude.baseURL, transport: transport, tracer: provider.tracer("tests"))
        let request = ClaudeMessageRequest(model: "claude-sonnet-4-6", maxTokens: 64, messages: [.user("Hi")])
        _ = try await client.createMessage(request)
        _ = try await client.streamMessage(request).finalMessage()
        #expect(transport.sentOnMainActor.withLock { $0 } == [true, true])
        #expect(await finishedSpans(provider, exporter).count == 2)
    }

    @Test("a call made off the main actor stays off it")
    func nonisolatedCallsStayOffMainActor() async throws {
        let transport = ThreadRecordingTransport()
        let client = ClaudeClient(apiKey: testAPIKey, baseURL: SimulatedClaude.baseURL, transport: transport)
        _ = try await client.createMessage(ClaudeMessageRequest(model: "claude-sonnet-4-6", maxTokens: 64, messages: [.user("Hi")]))
        #expect(transport.sentOnMainActor.withLock { $0 } == [false])
    }
}
