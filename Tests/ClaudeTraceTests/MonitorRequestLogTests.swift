import Foundation
import Synchronization
import Testing
@testable import ClaudeTrace

@Suite("ClaudeMonitor request log")
struct MonitorRequestLogTests {
    static let keys = [
        "requestId", "timestamp", "traceId", "spanId", "model", "userId", "feature", "inputTokens", "outputTokens",
        "cacheReadTokens", "cacheCreationTokens", "latencyMs", "ttftMs", "statusCode", "error", "errorCategory",
        "retries", "costUsd", "priceUnknown", "anthropicRequestId",
    ]

    func object(_ line: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    /// The keys of a line in the order written.
    func keyOrder(_ line: String) -> [String] {
        var keys: [String] = []
        var scanner = line[...]
        while let quote = scanner.range(of: "\":") {
            let before = scanner[..<quote.lowerBound]
            if let open = before.lastIndex(of: "\"") { keys.append(String(before[before.index(after: open)...])) }
            scanner = scanner[quote.upperBound...]
            if scanner.first == "\"" {  // skip the string value, escapes included
                var index = scanner.index(after: scanner.startIndex)
                while index < scanner.endIndex && scanner[index] != "\"" {
                    index = scanner[index] == "\\" ? scanner.index(index, offsetBy: 2) : scanner.index(after: index)
                }
                scanner = scanner[index...].dropFirst()
            }
        }
        return keys
    }

    @Test("one line of valid JSON per call, with every key of the schema in order")
    func schema() async throws {
        let lines = LineCollector()
        let monitor = makeMonitor(requestLog: RequestLogConfiguration(destination: lines.destination))
        let trace = TraceID(high: 0x0123_4567_89AB_CDEF, low: 0x0011_2233_4455_6677)
        monitor.onEnd(claudeSpan(
            user: "u-7", feature: "triage", costUSD: 0.0123, inputTokens: 100, outputTokens: 50, cacheReadTokens: 900,
            cacheCreationTokens: 30, duration: 1.25, ttft: 0.3, retries: 1, requestID: "r-1", anthropicRequestID: "req_01",
            start: TestClock.midnight + 1_500_000_000, traceID: trace))
        monitor.onEnd(claudeSpan(
            model: "claude-unreleased-9", costUSD: nil, errorCategory: "rate_limit", statusCode: 429, retries: 2, requestID: "r-2"))
        monitor.onEnd(SpanData(
            name: "GET /", context: SpanContext(traceID: trace, spanID: SpanID(5)), startTimeNanoseconds: 0, endTimeNanoseconds: 1))
        await monitor.forceFlush()
        let written = lines.all
        #expect(written.count == 2)
        for line in written {
            #expect(!line.contains("\n"))
            #expect(keyOrder(line) == Self.keys)
        }
        let first = try object(written[0])
        #expect(first["requestId"] as? String == "r-1")
        #expect(first["timestamp"] as? String == "2026-11-10T00:00:01.500Z")
        #expect(first["traceId"] as? String == "0123456789abcdef0011223344556677")
        #expect((first["spanId"] as? String)?.count == 16)
        #expect(first["model"] as? String == "claude-sonnet-4-6")
        #expect(first["userId"] as? String == "u-7" && first["feature"] as? String == "triage")
        #expect(first["inputTokens"] as? Int == 100)  // uncached: 1030 total minus 900 read and 30 written
        #expect(first["outputTokens"] as? Int == 50)
        #expect(first["cacheReadTokens"] as? Int == 900 && first["cacheCreationTokens"] as? Int == 30)
        #expect(first["latencyMs"] as? Double == 1250 && first["ttftMs"] as? Double == 300)
        #expect(first["statusCode"] as? Int == 200 && first["retries"] as? Int == 1)
        #expect(first["costUsd"] as? Double == 0.0123 && first["priceUnknown"] as? Bool == false)
        #expect(first["error"] is NSNull && first["errorCategory"] is NSNull)
        #expect(first["anthropicRequestId"] as? String == "req_01")
        let second = try object(written[1])
        #expect(second["errorCategory"] as? String == "rate_limit" && second["statusCode"] as? Int == 429)
        #expect(second["error"] as? String == "rate_limit happened")
        #expect(second["costUsd"] is NSNull && second["ttftMs"] is NSNull)
        #expect(monitor.snapshot().health.writtenLogLines == 2)
    }

    @Test("the prompt stays out of the log unless content is opted in")
    func noPromptByDefault() async throws {
        let secret = "[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"my secret prompt\"}]}]"
        let span = claudeSpan(extra: ["gen_ai.input.messages": .string(secret), "gen_ai.output.messages": "[]"])
        let plain = LineCollector()
        let monitor = makeMonitor(requestLog: RequestLogConfiguration(destination: plain.destination))
        monitor.onEnd(span)
        await monitor.forceFlush()
        #expect(plain.all.count == 1 && !plain.all[0].contains("secret") && !plain.all[0].contains("prompt"))

        let opted = LineCollector()
        let withContent = makeMonitor(requestLog: RequestLogConfiguration(destination: opted.destination, includeContent: true))
        withContent.onEnd(span)
        await withContent.forceFlush()
        let line = try object(try #require(opted.all.first))
        #expect(line["prompt"] as? String == secret && line["reply"] as? String == "[]")
    }

    @Test("a call blocked by a budget still leaves a log line that says why")
    func blockedCallLogged() async throws {
        let lines = LineCollector()
        let monitor = makeMonitor(requestLog: RequestLogConfiguration(destination: lines.destination))
        monitor.onEnd(claudeSpan(costUSD: nil, errorCategory: "budget_exceeded", statusCode: nil, requestID: "r-blocked"))
        await monitor.forceFlush()
        let line = try object(try #require(lines.all.first))
        #expect(line["errorCategory"] as? String == "budget_exceeded" && line["costUsd"] as? Double == 0)
        #expect(line["statusCode"] is NSNull && line["requestId"] as? String == "r-blocked")
    }

    @Test("lines go to a file handle, one whole line per call")
    func fileHandle() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("monitor-\(UInt64.random(in: 0...UInt64.max)).jsonl").path
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let handle = try #require(FileHandle(forWritingAtPath: path))
        let monitor = makeMonitor(requestLog: RequestLogConfiguration(destination: .fileHandle(handle)))
        for index in 0..<100 { monitor.onEnd(claudeSpan(requestID: "r-\(index)")) }
        await monitor.shutdown()
        try handle.close()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 100 && text.hasSuffix("\n"))
        for (index, line) in lines.enumerated() { #expect(try object(String(line))["requestId"] as? String == "r-\(index)") }
    }

    @Test("when the background writer falls behind, lines are dropped and counted, never blocking")
    func dropsAreCounted() async {
        let gate = Gate()
        let lines = LineCollector()
        let monitor = makeMonitor(
            requestLog: RequestLogConfiguration(destination: .lines { line in
                gate.wait()
                _ = lines.destination.write([line])
            }),
            limits: MonitorLimits(outboxCapacity: 4))
        for _ in 0..<100 { monitor.onEnd(claudeSpan()) }
        gate.open()
        await monitor.forceFlush()
        let health = monitor.snapshot().health
        #expect(health.droppedLogLines >= 100 - 4 - 4)
        #expect(health.droppedLogLines + lines.all.count == 100)
    }
}

/// A one-shot gate a background thread can wait on (briefly: the test opens it at once).
final class Gate: Sendable {
    private let opened = Atomic(false)
    func open() { opened.store(true, ordering: .releasing) }
    func wait() { while !opened.load(ordering: .acquiring) { usleep(1_000) } }
}
