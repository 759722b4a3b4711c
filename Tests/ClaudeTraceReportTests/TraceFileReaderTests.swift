import ClaudeTrace
import ClaudeTraceReport
import Foundation
import Testing

@Suite("Streaming trace files")
struct TraceFileReaderTests {
    /// Ten lines of three spans each, as a batch processor would write them.
    static func batches() -> [[SpanData]] {
        (0..<10).map { batch in
            (0..<3).map { index in
                Fixture.span("span \(batch)-\(index)", trace: UInt64(batch + 1), id: UInt64(batch * 3 + index + 1),
                             attributes: ["text": .string(String(repeating: "x", count: 40 * index))])
            }
        }
    }

    @Test("yields the same spans whatever the chunk size, lines straddling chunks included")
    func chunkSizes() throws {
        let file = TemporaryFile()
        let batches = Self.batches()
        file.write(lines: batches.map(Fixture.line))
        for chunkSize in [16, 100, 1000, 1 << 20] {
            var spans: [SpanData] = []
            let summary = try TraceFileReader(path: file.path, chunkSize: chunkSize).forEachSpan { spans.append($0) }
            #expect(spans == batches.flatMap { $0 }, "chunk size \(chunkSize)")
            #expect(summary.lines == 10)
            #expect(summary.spans == 30)
            #expect(summary.badLines == 0)
            #expect(!summary.truncatedLastLine)
        }
    }

    @Test("reports a truncated last line and keeps every span before it")
    func truncatedLastLine() throws {
        let file = TemporaryFile()
        let lines = Self.batches().prefix(3).map(Fixture.line)
        file.write(lines.prefix(2).map { $0 + "\n" }.joined() + String(lines[2].prefix(lines[2].utf8.count / 2)))
        let summary = try TraceFileReader(path: file.path).forEachSpan { _ in }
        #expect(summary.spans == 6)
        #expect(summary.lines == 3)
        #expect(summary.badLines == 1)
        #expect(summary.badLineNumbers == [3])
        #expect(summary.truncatedLastLine)
    }

    @Test("skips and reports a malformed line in the middle, then reads on")
    func malformedMiddleLine() throws {
        let file = TemporaryFile()
        var lines = Self.batches().prefix(4).map(Fixture.line)
        lines.insert(#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"#, at: 2)
        lines.insert("not json at all", at: 4)
        file.write(lines: lines)
        var lineNumbers: [Int] = []
        let summary = try TraceFileReader(path: file.path).forEachLine { line, _ in lineNumbers.append(line) }
        #expect(lineNumbers == [1, 2, 4, 6])
        #expect(summary.spans == 12)
        #expect(summary.badLines == 2)
        #expect(summary.badLineNumbers == [3, 5])
        #expect(summary.badLineDetails.allSatisfy { $0.file == file.path && !$0.reason.isEmpty })
        #expect(!summary.truncatedLastLine)
    }

    @Test("accepts a last line without a newline, blank lines and CRLF line ends")
    func lineEnds() throws {
        let file = TemporaryFile()
        let lines = Self.batches().prefix(3).map(Fixture.line)
        file.write(lines[0] + "\r\n\n   \n" + lines[1] + "\r\n" + lines[2])
        let summary = try TraceFileReader(path: file.path).forEachSpan { _ in }
        #expect(summary.spans == 9)
        #expect(summary.lines == 3)
        #expect(summary.badLines == 0)
        #expect(!summary.truncatedLastLine)
    }

    @Test("skips a line longer than the limit without holding it in memory")
    func overlongLine() throws {
        let file = TemporaryFile()
        let lines = Self.batches().map(Fixture.line)
        let long = Fixture.line([Fixture.span("big", id: 99, attributes: ["blob": .string(String(repeating: "b", count: 10_000))])])
        file.write(lines: [lines[0], long, lines[1]])
        let reader = TraceFileReader(path: file.path, chunkSize: 256, maximumLineLength: 4096)
        let summary = try reader.forEachSpan { _ in }
        #expect(summary.spans == 6)
        #expect(summary.badLineNumbers == [2])
        #expect(summary.badLineDetails.first?.reason.contains("longer than 4096") == true)
    }

    @Test("sums the summaries of several files")
    func severalFiles() throws {
        let first = TemporaryFile(), second = TemporaryFile()
        first.write(lines: Self.batches().prefix(2).map(Fixture.line))
        second.write(Fixture.line(Self.batches()[2]) + "\n{broken")
        let summary = try TraceFileReader.forEachSpan(in: [first.path, second.path]) { _ in }
        #expect(summary.spans == 9)
        #expect(summary.lines == 4)
        #expect(summary.badLineDetails == [TraceFileSummary.BadLine(file: second.path, line: 2, reason: summary.badLineDetails[0].reason)])
        #expect(summary.truncatedLastLine)
    }

    @Test("throws a clear error for a file that does not exist")
    func missingFile() {
        #expect(throws: TraceFileError.self) { try TraceFileReader(path: "/nonexistent/traces.jsonl").forEachSpan { _ in } }
    }
}
