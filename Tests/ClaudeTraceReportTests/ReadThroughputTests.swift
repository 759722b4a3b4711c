import ClaudeTrace
import ClaudeTraceReport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The reader's speed on our own files. Off by default (it writes ~200 MB); run it in release
/// (other test targets use `@testable`, hence `-enable-testing`):
/// `CLAUDE_TRACE_REPORT_BENCHMARK=/tmp/traces-200mb.jsonl swift test -c release -Xswiftc -enable-testing --filter ReadThroughput`.
/// The file is generated on the first run and reused after, so a second run measures the
/// reader's peak memory alone.
@Suite("Read throughput", .enabled(if: ProcessInfo.processInfo.environment["CLAUDE_TRACE_REPORT_BENCHMARK"] != nil))
struct ReadThroughputTests {
    static let targetBytes = 200 << 20

    @Test("reads and aggregates our own OTLP-JSON files at 100 MB/s or more in bounded memory")
    func throughput() throws {
        let path = ProcessInfo.processInfo.environment["CLAUDE_TRACE_REPORT_BENCHMARK"]!
        let generated = !FileManager.default.fileExists(atPath: path)
        if generated { try Self.generate(at: path) }
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)

        var best = Double.infinity
        var report = ClaudeCallReport()
        for _ in 0..<3 {
            let start = ContinuousClock.now
            report = try ClaudeCallReport.make(from: [path])
            let elapsed = ContinuousClock.now - start
            best = min(best, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        }
        var usage = rusage()
        #if canImport(Glibc)
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        let megabytes = Double(size) / 1_000_000
        print("read throughput: \(megabytes) MB, \(report.file.spans) spans, \(report.calls) calls in \(best) s = \(Int(megabytes / best)) MB/s; peak RSS \(Self.mebibytes(fromMaxRSS: usage.ru_maxrss)) MiB\(generated ? " (includes generating the file)" : "")")
        #expect(report.file.badLines == 0)
        #expect(megabytes / best >= 100)
    }

    /// `ru_maxrss` is in KiB on Linux and in bytes on Darwin.
    static func mebibytes(fromMaxRSS value: Int) -> Int {
        #if canImport(Darwin)
        value >> 20
        #else
        value >> 10
        #endif
    }

    /// Lines of 512 spans (a batch processor's default) of handle-ticket → chat trees with the
    /// attributes our client records, written by the SDK's own encoder.
    static func generate(at path: String) throws {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        defer { try? handle.close() }
        var written = 0
        var id: UInt64 = 0
        let models = ["claude-sonnet-4-6", "claude-haiku-4-5-20251001", "claude-opus-4-8"]
        while written < targetBytes {
            var batch: [SpanData] = []
            for _ in 0..<256 {
                id += 2
                let trace = id
                let model = models[Int(id / 2) % models.count]
                let attributes = Fixture.claudeAttributes(
                    model: model, responseModel: model, input: Int64(id % 4000), output: Int64(id % 700),
                    cacheRead: Int64(id % 3) * 1000, cacheCreation: Int64(id % 5) * 100, costUSD: Double(id % 1000) / 100_000,
                    user: "user-\(id % 97)", feature: ["summary", "triage", "reply"][Int(id % 3)],
                    requestID: UUID().uuidString.lowercased(), serverRequestID: "req_011C\(id)abcdefghijklmnop",
                    messageID: "msg_01\(id)XYZabcdefghijk", timeToFirstChunk: Double(id % 900) / 1000)
                var chat = attributes
                chat["server.address"] = "api.anthropic.com"
                chat["server.port"] = 443
                chat["gen_ai.request.max_tokens"] = 1024
                chat["gen_ai.response.finish_reasons"] = ["stop"]
                chat["anthropic.stop_reason"] = "end_turn"
                chat["claude.retries"] = 0
                chat["http.response.status_code"] = 200
                batch.append(Fixture.span("handle-ticket", trace: trace, id: id, offset: Double(id), duration: 2, kind: .server,
                                          attributes: ["ticket.id": .string("T-\(id)")]))
                batch.append(Fixture.span("chat \(model)", trace: trace, id: id + 1, parent: id, offset: Double(id) + 0.1,
                                          duration: Double(id % 3000) / 1000, kind: .client, attributes: chat))
            }
            let line = Fixture.line(batch) + "\n"
            handle.write(Data(line.utf8))
            written += line.utf8.count
        }
    }
}
