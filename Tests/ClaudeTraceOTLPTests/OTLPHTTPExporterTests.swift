import ClaudeTraceCore
@testable import ClaudeTraceOTLP
import Foundation
import Testing

/// An exporter aimed at `url`, on `clock`: by default a clock nobody advances, with an hour's
/// timeout, so a loaded machine can slow a test down but never time its exports out (the
/// transport's own deadline, in real time, is the timeout plus a second). Back-offs have no
/// jitter, so a test that advances the clock knows where each wait ends.
func makeHTTPExporter(
    _ url: String, timeout: Duration = .seconds(3600), headers: [String: String] = [:],
    compression: OTLPCompression = .none, protocol: OTLPProtocol = .httpProtobuf,
    retry: OTLPRetryPolicy = OTLPRetryPolicy(initialBackoff: .seconds(1), jitter: 0),
    maxRequestBodySize: Int = 64 * 1024 * 1024, clock: some Clock<Duration> = ManualClock()
) -> OTLPHTTPExporter {
    OTLPHTTPExporter(configuration: OTLPHTTPExporterConfiguration(
        endpoint: url, headers: headers, timeout: timeout, compression: compression, protocol: `protocol`,
        retry: retry, maxRequestBodySize: maxRequestBodySize), clock: clock)
}

func seconds(from start: ContinuousClock.Instant, to end: ContinuousClock.Instant) -> Double {
    (end - start).seconds
}

@Suite("OTLP/HTTP exporter")
struct OTLPHTTPExporterTests {
    @Test("a batch is POSTed as protobuf by default, with the User-Agent and custom headers")
    func delivers() async throws {
        let server = try TestHTTPServer()
        defer { server.stop() }
        let exporter = OTLPHTTPExporter(configuration: OTLPHTTPExporterConfiguration(
            endpoint: server.url, headers: ["authorization": "Bearer token-1", "x-tenant": "t"], timeout: .seconds(3600)), clock: ManualClock())
        let spans = [makeSpan(name: "a"), makeSpan(name: "b", spanID: SpanID(2))]
        #expect(await exporter.export(spans) == .success)
        let request = try #require(server.requests.first)
        #expect(server.requests.count == 1)
        #expect(request.method == "POST" && request.path == "/v1/traces")
        #expect(request.headers["content-type"] == "application/x-protobuf")
        #expect(request.headers["user-agent"]?.contains("OTel-OTLP-Exporter-Swift/") == true)
        #expect(request.headers["authorization"] == "Bearer token-1")
        #expect(request.headers["x-tenant"] == "t")
        #expect(request.headers["content-encoding"] == nil)
        #expect(request.body == OTLPProtobufEncoder().encode(spans))
        #expect(allSpans(try decodeRequest(request.body)).map { $0["name"] as? String } == ["a", "b"])
        #expect(exporter.statistics.exportedSpans == 2)
        await exporter.shutdown()
    }

    @Test("consecutive exports share one kept-alive connection")
    func keepsTheConnection() async throws {
        let server = try TestHTTPServer(keepAlive: true) { _, _ in .respond(.ok) }
        defer { server.stop() }
        let exporter = makeHTTPExporter(server.url)
        for index in 0..<3 { #expect(await exporter.export([makeSpan(name: "s\(index)")]) == .success) }
        #expect(server.requests.count == 3 && server.connections == 1)
        await exporter.shutdown()
    }

    @Test("a kept-alive connection the collector closed is reopened, and the export delivered once")
    func reopensAClosedConnection() async throws {
        let server = try TestHTTPServer(keepAlive: true) { _, index in index == 0 ? .respondAndClose(.ok) : .respond(.ok) }
        defer { server.stop() }
        let exporter = makeHTTPExporter(server.url)
        #expect(await exporter.export([makeSpan(name: "first")]) == .success)
        await server.waitForClosedConnections(1)
        #expect(await exporter.export([makeSpan(name: "second")]) == .success)
        #expect(server.requests.count == 2 && server.connections == 2)
        #expect(exporter.statistics.requests == 2 && exporter.statistics.retries == 0)
        await exporter.shutdown()
    }

    @Test("with http/json a batch is POSTed as JSON")
    func deliversJSON() async throws {
        let server = try TestHTTPServer()
        defer { server.stop() }
        let exporter = makeHTTPExporter(server.url, protocol: .httpJSON)
        let spans = [makeSpan(name: "a"), makeSpan(name: "b", spanID: SpanID(2))]
        #expect(await exporter.export(spans) == .success)
        let request = try #require(server.requests.first)
        #expect(request.headers["content-type"] == "application/json")
        #expect(request.body == OTLPJSONEncoder().encode(spans))
        #expect(allSpans(try parseObject(request.body)).map { $0["name"] as? String } == ["a", "b"])
        await exporter.shutdown()
    }

    @Test("an empty batch sends nothing and succeeds")
    func emptyBatch() async throws {
        let server = try TestHTTPServer()
        defer { server.stop() }
        let exporter = makeHTTPExporter(server.url)
        #expect(await exporter.export([]) == .success)
        #expect(server.requests.isEmpty)
        await exporter.shutdown()
    }

    @Test("503 with Retry-After: 1 is retried after the delay and delivered once")
    func retryAfterSeconds() async throws {
        let server = try TestHTTPServer { _, index in
            index == 0 ? .respond(.init(status: 503, headers: ["Retry-After": "1"])) : .respond(.ok)
        }
        defer { server.stop() }
        let clock = ManualClock()
        let start = clock.now
        let exporter = makeHTTPExporter(server.url, clock: clock)
        async let result = exporter.export([makeSpan()])
        await clock.waitForSleeper(until: start + .seconds(1))
        #expect(server.requests.count == 1)
        clock.advance(by: .seconds(1))
        #expect(await result == .success)
        let requests = server.requests
        try #require(requests.count == 2)
        #expect(requests[0].body == requests[1].body)
        #expect(exporter.statistics.retries == 1 && exporter.statistics.exportedSpans == 1)
        await exporter.shutdown()
    }

    @Test("a Retry-After of 99999999 s with no export timeout waits only maxRetryAfter, then delivers")
    func retryAfterCeiling() async throws {
        let server = try TestHTTPServer { _, index in
            index == 0 ? .respond(.init(status: 503, headers: ["Retry-After": "99999999"])) : .respond(.ok)
        }
        defer { server.stop() }
        let clock = ManualClock()
        let start = clock.now
        let exporter = makeHTTPExporter(server.url, timeout: .zero, retry: OTLPRetryPolicy(maxRetryAfter: .seconds(60)), clock: clock)
        async let result = exporter.export([makeSpan()])
        await clock.waitForSleeper(until: start + .seconds(60))
        clock.advance(by: .seconds(60))
        #expect(await result == .success)
        #expect(server.requests.count == 2 && exporter.statistics.retries == 1)
        await exporter.shutdown()
    }

    @Test("429 with an HTTP-date Retry-After waits until that date")
    func retryAfterDate() async throws {
        // Far enough ahead that a loaded machine cannot reach it before the exporter reads it.
        let date = Date().addingTimeInterval(30)
        let server = try TestHTTPServer { _, index in
            index == 0 ? .respond(.init(status: 429, headers: ["Retry-After": httpDate(date)])) : .respond(.ok)
        }
        defer { server.stop() }
        let clock = ManualClock()
        let start = clock.now
        let exporter = makeHTTPExporter(server.url, clock: clock)
        let before = Date().timeIntervalSince1970
        async let result = exporter.export([makeSpan()])
        // The only wait shorter than the hour's timeout is the one before the retry.
        let retryAt = await clock.waitForSleeper { $0 < start + .seconds(3600) }
        let after = Date().timeIntervalSince1970
        // The header names a whole second; the exporter measures the wait to it from the wall
        // clock, which it read between `before` and `after`.
        let named = date.timeIntervalSince1970.rounded(.down)
        #expect(retryAt - start >= .seconds(named - after - 0.01))
        #expect(retryAt - start <= .seconds(named - before + 0.01))
        clock.advance(to: retryAt)
        #expect(await result == .success)
        #expect(server.requests.count == 2)
        await exporter.shutdown()
    }

    @Test("502 and 504 are retried with a back-off that doubles", arguments: [502, 504])
    func retriesGatewayErrors(status: Int) async throws {
        let server = try TestHTTPServer { _, index in index < 2 ? .respond(.init(status: status)) : .respond(.ok) }
        defer { server.stop() }
        let clock = ManualClock()
        let start = clock.now
        let exporter = makeHTTPExporter(server.url, clock: clock)
        async let result = exporter.export([makeSpan()])
        await clock.waitForSleeper(until: start + .seconds(1))
        clock.advance(by: .seconds(1))
        await clock.waitForSleeper(until: start + .seconds(3))
        #expect(server.requests.count == 2)
        clock.advance(by: .seconds(2))
        #expect(await result == .success)
        #expect(server.requests.count == 3)
        await exporter.shutdown()
    }

    @Test("a collector that never answers fails the export at the timeout")
    func neverAnswers() async throws {
        let server = try TestHTTPServer { _, _ in .neverAnswer }
        defer { server.stop() }
        let clock = ManualClock()
        let start = clock.now
        let exporter = makeHTTPExporter(server.url, clock: clock)
        async let result = exporter.export([makeSpan()])
        await server.waitForRequests(1)
        await clock.waitForSleeper(until: start + .seconds(3600))
        clock.advance(by: .seconds(3600))
        #expect(await result == .failure)
        #expect(server.requests.count == 1)
        #expect(exporter.statistics.failedSpans == 1)
        await exporter.shutdown()
    }

    @Test("a connection that is never accepted is given up at once on cancellation or shutdown", .timeLimit(.minutes(5)))
    func connectionNeverCompletes() async throws {
        let listener = try FullBacklogListener()
        defer { listener.close() }
        // Shutting the socket down does not end a connection attempt: without its own checks
        // the transport would wait until its own deadline, the hour's timeout plus a second,
        // and the time limit would fail the test. The clock never moves, so only cancellation
        // and shutdown can end these exports.
        let clock = ManualClock()
        let start = clock.now
        let exporter = makeHTTPExporter("http://127.0.0.1:\(listener.port)/v1/traces", clock: clock)
        let cancelled = Task { await exporter.export([makeSpan()]) }
        // The request's deadline is watched alongside the connection attempt.
        await clock.waitForSleeper(until: start + .seconds(3600))
        cancelled.cancel()
        #expect(await cancelled.value == .failure)
        let pending = Task { await exporter.export([makeSpan()]) }
        await clock.waitForSleeper(until: start + .seconds(3600))
        await exporter.shutdown()
        #expect(await pending.value == .failure)
    }

    @Test("gzip compression sends a gzip member with Content-Encoding: gzip")
    func gzip() async throws {
        try #require(Gzip.isAvailable)
        let server = try TestHTTPServer()
        defer { server.stop() }
        let exporter = makeHTTPExporter(server.url, compression: .gzip)
        let spans = (0..<50).map { makeSpan(name: "span \($0)", spanID: SpanID(UInt64($0) + 1), attributes: ["k": "repeated value"]) }
        #expect(await exporter.export(spans) == .success)
        let request = try #require(server.requests.first)
        #expect(request.headers["content-encoding"] == "gzip")
        let body = request.body
        #expect(body.starts(with: [0x1F, 0x8B, 8]))
        let plain = OTLPProtobufEncoder().encode(spans)
        let size = body.suffix(4).reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        #expect(Int(size) == plain.count)
        #expect(body.count < plain.count / 3)
        await exporter.shutdown()
    }

    @Test("shutdown ends a back-off wait at once")
    func shutdownInterruptsRetry() async throws {
        let server = try TestHTTPServer { _, _ in .respond(.init(status: 503, headers: ["Retry-After": "30"])) }
        defer { server.stop() }
        // The clock never reaches the end of the wait: only shutdown can end it.
        let clock = ManualClock()
        let start = clock.now
        let exporter = makeHTTPExporter(server.url, clock: clock)
        async let result = exporter.export([makeSpan()])
        await clock.waitForSleeper(until: start + .seconds(30))
        await exporter.shutdown()
        #expect(await result == .failure)
        #expect(await exporter.export([makeSpan()]) == .failure)
        #expect(server.requests.count == 1)
    }

    @Test("cancelling the export cancels the request in flight")
    func cancellation() async throws {
        let server = try TestHTTPServer { _, _ in .neverAnswer }
        defer { server.stop() }
        // The clock never reaches the timeout: only cancellation can end the request.
        let exporter = makeHTTPExporter(server.url)
        let export = Task { await exporter.export([makeSpan()]) }
        await server.waitForRequests(1)
        export.cancel()
        #expect(await export.value == .failure)
        await exporter.shutdown()
    }

    @Test("a batch whose body is over the size limit is split into smaller requests")
    func splitsLargeBatches() async throws {
        let server = try TestHTTPServer()
        defer { server.stop() }
        let spans = (0..<16).map { makeSpan(name: "s\($0)", spanID: SpanID(UInt64($0) + 1), attributes: ["pad": .string(String(repeating: "x", count: 1000))]) }
        let single = OTLPProtobufEncoder().encode([spans[0]]).count
        let exporter = makeHTTPExporter(server.url, maxRequestBodySize: single * 5)
        #expect(await exporter.export(spans) == .success)
        #expect(server.requests.count > 1)
        #expect(server.requests.allSatisfy { $0.body.count <= single * 5 })
        let names = server.requests.flatMap { request in allSpans((try? decodeRequest(request.body)) ?? [:]).compactMap { $0["name"] as? String } }
        #expect(names == spans.map(\.name))
        await exporter.shutdown()
    }

    @Test("prepare encodes without sending, and a batch prepared before shutdown fails unsent after it")
    func preparedBatches() async throws {
        let server = try TestHTTPServer()
        defer { server.stop() }
        let exporter = makeHTTPExporter(server.url)
        let first = exporter.prepare([makeSpan(name: "a")])
        let second = exporter.prepare([makeSpan(name: "b", spanID: SpanID(2))])
        #expect(server.requests.isEmpty)
        #expect(await exporter.export(prepared: first) == .success)
        await exporter.shutdown()
        #expect(await exporter.export(prepared: second) == .failure)
        #expect(server.requests.count == 1)
        #expect(allSpans(try decodeRequest(server.requests[0].body)).map { $0["name"] as? String } == ["a"])
        #expect(exporter.statistics.exportedSpans == 1 && exporter.statistics.failedSpans == 1)
    }
}

@Suite("Retry-After and back-off")
struct RetryTimingTests {
    @Test("Retry-After in seconds")
    func seconds() {
        #expect(RetryAfter.delay("1") == .seconds(1))
        #expect(RetryAfter.delay(" 120 ") == .seconds(120))
        #expect(RetryAfter.delay("-1") == nil)
        #expect(RetryAfter.delay("soon") == nil)
    }

    @Test("Retry-After as an HTTP date, in all three formats")
    func dates() {
        let now: UInt64 = 784_111_777 * 1_000_000_000  // Sun, 06 Nov 1994 08:49:37 GMT
        #expect(RetryAfter.httpDate("Sun, 06 Nov 1994 08:49:37 GMT") == 784_111_777)
        #expect(RetryAfter.httpDate("Sunday, 06-Nov-94 08:49:37 GMT") == 784_111_777)
        #expect(RetryAfter.httpDate("Sun Nov  6 08:49:37 1994") == 784_111_777)
        #expect(RetryAfter.delay("Sun, 06 Nov 1994 08:49:39 GMT", now: now) == .seconds(2))
        #expect(RetryAfter.delay("Sun, 06 Nov 1994 08:49:30 GMT", now: now) == .zero)
        #expect(RetryAfter.httpDate("Sun, 06 Nov 1994 25:49:37 GMT") == nil)
        #expect(RetryAfter.httpDate("Sun, 06 Foo 1994 08:49:37 GMT") == nil)
        #expect(RetryAfter.httpDate("Thu, 01 Jan 1970 00:00:00 GMT") == 0)
        #expect(RetryAfter.httpDate("Tue, 29 Feb 2028 12:00:00 GMT") == 1_835_438_400)
    }

    @Test("back-off doubles from the initial wait, is capped, and is jittered within bounds")
    func backoff() {
        let policy = OTLPRetryPolicy(initialBackoff: .seconds(1), maxBackoff: .seconds(8), jitter: 0)
        #expect((1...6).map { policy.backoff(beforeRetry: $0) } == [.seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(8), .seconds(8)])
        let jittered = OTLPRetryPolicy(initialBackoff: .seconds(1), jitter: 0.2)
        var random = SeededRandom(seed: 7)
        let waits = (0..<200).map { _ in jittered.backoff(beforeRetry: 2, using: &random).seconds }
        #expect(waits.allSatisfy { $0 >= 1.6 && $0 <= 2.4 })
        #expect(Set(waits).count > 100)
    }

    @Test("only 429, 502, 503, 504 and missing responses are retryable")
    func verdicts() {
        func verdict(_ status: Int, body: String = "") -> ResponseVerdict {
            ResponseVerdict(.outcome(.response(status: status, contentType: "application/json", retryAfter: nil, body: Data(body.utf8), bodyTooLarge: false)),
                            spanCount: 1, requestContentType: "application/json")
        }
        for status in [429, 502, 503, 504] {
            guard case .retryable = verdict(status) else { Issue.record("\(status) should be retried"); continue }
        }
        for status in [400, 401, 403, 404, 413, 500, 501] {
            guard case .failed = verdict(status) else { Issue.record("\(status) should not be retried"); continue }
        }
        guard case .retryable(_, _, true) = ResponseVerdict(.outcome(.failed(URLError(.cannotConnectToHost))), spanCount: 1, requestContentType: "application/json") else {
            Issue.record("a refused connection should be retried")
            return
        }
        #expect(verdict(200) == .delivered(rejected: 0, message: ""))
        #expect(verdict(200, body: #"{"partialSuccess":{"rejectedSpans":3}}"#) == .delivered(rejected: 3, message: ""))
        #expect(verdict(202, body: #"{"partialSuccess":{"rejectedSpans":"4","errorMessage":"m"}}"#) == .delivered(rejected: 4, message: "m"))
        #expect(verdict(400, body: #"{"code":3,"message":"bad span"}"#) == .failed(reason: "HTTP 400 (bad span)"))
        #expect(ResponseVerdict(.outcome(.response(status: 200, contentType: nil, retryAfter: nil, body: Data(), bodyTooLarge: true)),
                                spanCount: 1, requestContentType: "application/json")
            == .failed(reason: "HTTP 200 with a response body over the size limit"))
    }
}

extension DiagnosticsCapturingTests {
    @Suite("OTLP/HTTP exporter diagnostics")
    struct OTLPHTTPExporterDiagnosticsTests {
        @Test("a partial success is reported with the rejected count, and not retried")
        func partialSuccess() async throws {
            let body = #"{"partialSuccess":{"rejectedSpans":"2","errorMessage":"span name too long"}}"#
            let server = try TestHTTPServer(always: .init(status: 200, headers: ["Content-Type": "application/json"], body: body))
            defer { server.stop() }
            try await withCapturedDiagnostics { diagnostics in
                let exporter = makeHTTPExporter(server.url)
                let spans = (1...3).map { makeSpan(spanID: SpanID(UInt64($0))) }
                #expect(await exporter.export(spans) == .success)
                #expect(server.requests.count == 1)
                let reported = try #require(diagnostics.matching("rejected 2 of 3 spans").first)
                #expect(reported.message.contains("span name too long"))
                #expect(exporter.statistics.rejectedSpans == 2 && exporter.statistics.exportedSpans == 1)
                await exporter.shutdown()
            }
        }

        @Test("400 fails the export at once, with a diagnostic")
        func badRequest() async throws {
            let server = try TestHTTPServer(always: .init(status: 400, body: #"{"code":3,"message":"invalid trace id"}"#))
            defer { server.stop() }
            try await withCapturedDiagnostics { diagnostics in
                let exporter = makeHTTPExporter(server.url)
                #expect(await exporter.export([makeSpan()]) == .failure)
                #expect(server.requests.count == 1)
                let reported = try #require(diagnostics.matching(server.url).first)
                #expect(reported.message.contains("HTTP 400 (invalid trace id)") && reported.message.contains("not retried"))
                await exporter.shutdown()
            }
        }

        @Test("a refused connection is retried with back-off until the timeout, then fails")
        func connectionRefused() async throws {
            let url = "http://127.0.0.1:\(TestHTTPServer.closedPort())/v1/traces"
            try await withCapturedDiagnostics { diagnostics in
                let clock = ManualClock()
                let exporter = makeHTTPExporter(url, timeout: .seconds(15), retry: OTLPRetryPolicy(maxAttempts: 100, initialBackoff: .seconds(1), jitter: 0), clock: clock)
                async let result = exporter.export([makeSpan()])
                // Attempts at 0 s, 0 s (the immediate resend), 2 s, 6 s and 14 s: the next wait,
                // 16 s, would pass the 15 s timeout.
                for wait in [2, 4, 8] {
                    await clock.waitForSleeper(until: clock.now + .seconds(wait))
                    clock.advance(by: .seconds(wait))
                }
                #expect(await result == .failure)
                #expect(exporter.statistics.requests == 5)
                let reported = try #require(diagnostics.matching(url).first)
                #expect(reported.message.contains("gave up after 5 attempts"), "\(reported.message)")
                #expect(reported.message.contains("export timeout"), "\(reported.message)")
                #expect(reported.message.contains("connection refused"), "\(reported.message)")
                await exporter.shutdown()
            }
        }

        @Test("a single span over the body size limit is dropped with a diagnostic")
        func oversizedSpan() async throws {
            let server = try TestHTTPServer()
            defer { server.stop() }
            await withCapturedDiagnostics { diagnostics in
                let exporter = makeHTTPExporter(server.url, maxRequestBodySize: 2000)
                let big = makeSpan(name: "huge", attributes: ["pad": .string(String(repeating: "x", count: 5000))])
                #expect(await exporter.export([big, makeSpan(name: "small", spanID: SpanID(9))]) == .failure)
                #expect(server.requests.count == 1)
                #expect(!diagnostics.matching("dropped a span named \"huge\"").isEmpty)
                #expect(exporter.statistics.failedSpans == 1 && exporter.statistics.exportedSpans == 1)
                await exporter.shutdown()
            }
        }

        @Test("on the real clock the socket transport itself ends a request at the timeout and at shutdown", .timeLimit(.minutes(1)))
        func realClockTimeoutAndShutdown() async throws {
            let server = try TestHTTPServer { _, _ in .neverAnswer }
            defer { server.stop() }
            try await withCapturedDiagnostics { diagnostics in
                // No timer of the exporter's own: the exchange ends at the deadline (before, it
                // was given the timeout rounded up to whole seconds, plus one).
                let exporter = makeHTTPExporter(server.url, timeout: .milliseconds(300), clock: ContinuousClock())
                let start = ContinuousClock.now
                #expect(await exporter.export([makeSpan()]) == .failure)
                let elapsed = seconds(from: start, to: .now)
                #expect(elapsed >= 0.29 && elapsed < 1.9)
                // Other suites run meanwhile: only this server's messages count.
                let timedOut = try #require(diagnostics.matching(server.url).first)
                #expect(timedOut.message.contains("the export timeout passed before the collector answered"))
                #expect(exporter.statistics.requests == 1 && exporter.statistics.failedSpans == 1)

                let patient = makeHTTPExporter(server.url, timeout: .seconds(120), clock: ContinuousClock())
                let pending = Task { await patient.export([makeSpan()]) }
                await server.waitForRequests(2)
                await patient.shutdown()
                #expect(await pending.value == .failure)
                #expect(diagnostics.matching(server.url).filter { $0.message.contains("the exporter shut down") }.count == 1)
                await exporter.shutdown()
            }
        }

        @Test("a batch processor's export timeout ends a request that blocks its send thread", .timeLimit(.minutes(1)))
        func processorTimeoutEndsBlockingExchange() async throws {
            let server = try TestHTTPServer { _, _ in .neverAnswer }
            defer { server.stop() }
            try await withCapturedDiagnostics { diagnostics in
                // The exchange runs on the processor's send thread, blocking it; the watchdog's
                // cancellation shuts the socket down.
                let exporter = makeHTTPExporter(server.url, timeout: .seconds(120), clock: ContinuousClock())
                let processor = BatchSpanProcessor(exporter: exporter, configuration: .init(exportTimeout: .milliseconds(300)))
                processor.onEnd(makeSpan())
                await processor.forceFlush()
                #expect(processor.statistics.failed == 1)
                #expect(!diagnostics.matching("took longer than the export timeout").isEmpty)
                let cancelled = try #require(diagnostics.matching(server.url).first)
                #expect(cancelled.message.contains("the export was cancelled"))
                // The next export goes out on a new connection.
                processor.onEnd(makeSpan(spanID: SpanID(2)))
                async let flushed: Void = processor.forceFlush()
                await server.waitForRequests(2)
                await flushed
                #expect(processor.statistics.failed == 2)
                await processor.shutdown()
            }
        }

        @Test("an endpoint that is not a URL is reported, and exports fail")
        func invalidEndpoint() async {
            await withCapturedDiagnostics { diagnostics in
                let exporter = makeHTTPExporter("collector:4318")
                #expect(!diagnostics.matching("\"collector:4318\" is not an http or https URL").isEmpty)
                #expect(await exporter.export([makeSpan()]) == .failure)
            }
        }
    }
}
