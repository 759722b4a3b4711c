import ClaudeTrace
import ClaudeTraceReport
import Foundation
import Testing

@Suite("Finding a trace by any of its ids")
struct TraceSearchTests {
    /// Trace 1: handle-ticket → (chat A, retrieve → chat B), written over three lines in an
    /// order unlike the tree's; trace 2: an unrelated call; trace 3: a span whose parent is missing.
    static func writeTraces() -> TemporaryFile {
        let root = Fixture.span("handle-ticket", trace: 1, id: 1, duration: 3, kind: .server)
        let chatA = Fixture.span("chat claude-sonnet-4-6", trace: 1, id: 2, parent: 1, offset: 0.1, kind: .client,
                                 attributes: Fixture.claudeAttributes(input: 10, output: 5, costUSD: 0.000105, requestID: "3f1c9a3e-0000-4000-8000-000000000001",
                                                                      serverRequestID: "req_011CabcdefA", messageID: "msg_01A"))
        let retrieve = Fixture.span("retrieve", trace: 1, id: 3, parent: 1, offset: 0.5, duration: 2)
        let chatB = Fixture.span("chat claude-haiku-4-5", trace: 1, id: 4, parent: 3, offset: 0.6, kind: .client,
                                 status: .error(description: "overloaded"),
                                 attributes: Fixture.claudeAttributes(model: "claude-haiku-4-5", requestID: "3f1c9a3e-0000-4000-8000-000000000002",
                                                                      errorCategory: "overloaded", tokens: false))
        let other = Fixture.span("chat", trace: 2, id: 5, kind: .client, attributes: Fixture.claudeAttributes(requestID: "other-request"))
        let orphan = Fixture.span("late child", trace: 3, id: 6, parent: 77, offset: 1)
        let orphanRoot = Fixture.span("root", trace: 3, id: 7)
        let file = TemporaryFile()
        file.write(lines: [Fixture.line([chatB, other]), Fixture.line([orphan, retrieve]), "{truncated", Fixture.line([chatA, root, orphanRoot])])
        return file
    }

    @Test("finds the whole trace from any kind of id", arguments: [
        ("3f1c9a3e-0000-4000-8000-000000000001", "claude.request_id"),
        ("req_011CabcdefA", "anthropic.request_id"),
        ("msg_01A", "gen_ai.response.id"),
        ("0af7651916cd43dd0000000000000001", "trace id"),
        ("0AF7651916CD43DD0000000000000001", "trace id"),
        ("b7ad6b7100000002", "span id"),
    ])
    func findsByEachKindOfID(id: String, kind: String) throws {
        let file = Self.writeTraces()
        let result = try TraceSearch.find(id, in: [file.path])
        let trace = try #require(result.traces.first)
        #expect(result.traces.count == 1)
        #expect(trace.traceID == Fixture.traceID(1))
        #expect(trace.spanCount == 4)
        #expect(result.matches.values.contains(kind))
        #expect(result.files.badLines == 1)
    }

    @Test("arranges the trace with children under parents, sorted by start time")
    func treeShape() throws {
        let file = Self.writeTraces()
        let trace = try #require(try TraceSearch.find("msg_01A", in: [file.path]).traces.first)
        let shape = trace.flattened.map { "\(String(repeating: "  ", count: $0.depth))\($0.node.span.name)" }
        #expect(shape == ["handle-ticket", "  chat claude-sonnet-4-6", "  retrieve", "    chat claude-haiku-4-5"])
        #expect(trace.roots.count == 1)
        #expect(trace.durationSeconds == 3)
    }

    @Test("shows a span whose parent is missing at the top level, marked as an orphan")
    func orphans() throws {
        let file = Self.writeTraces()
        let trace = try #require(try TraceSearch.find("0af7651916cd43dd0000000000000003", in: [file.path]).traces.first)
        #expect(trace.roots.map(\.span.name) == ["root", "late child"])
        #expect(trace.roots.map(\.isOrphan) == [false, true])
        #expect(trace.render().contains("late child [internal] +1.000 s 1.000 s unset (orphan: parent b7ad6b710000004d not found)"))
    }

    @Test("renders the tree with durations, status, key attributes and the match marked")
    func rendering() throws {
        let file = Self.writeTraces()
        let text = try TraceSearch.find("3f1c9a3e-0000-4000-8000-000000000002", in: [file.path]).render()
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("trace 0af7651916cd43dd0000000000000001 · 4 spans · 3.000 s · 2026-11-10T12:00:00.000Z"))
        #expect(lines[1] == "handle-ticket [server] +0.000 s 3.000 s unset")
        #expect(lines[2] == "│    service.name=tests")
        #expect(lines[3] == "├─ chat claude-sonnet-4-6 [client] +0.100 s 1.000 s unset")
        #expect(lines[4] == "│       model=claude-sonnet-4-6 tokens in=10 out=5 cache_read=0 cache_write=0 cost=$0.000105")
        #expect(lines[5] == "│       claude.request_id=3f1c9a3e-0000-4000-8000-000000000001 anthropic.request_id=req_011CabcdefA gen_ai.response.id=msg_01A")
        #expect(lines[6] == "└─ retrieve [internal] +0.500 s 2.000 s unset")
        #expect(lines[7] == "   └─ chat claude-haiku-4-5 [client] +0.600 s 1.000 s error: overloaded ◀ match")
        #expect(lines[8] == "           model=claude-haiku-4-5 error.category=overloaded")
        #expect(lines[9] == "           claude.request_id=3f1c9a3e-0000-4000-8000-000000000002")
        #expect(text.contains("1 unreadable line skipped"))
    }

    @Test("says so when nothing matches")
    func noMatch() throws {
        let file = Self.writeTraces()
        let result = try TraceSearch.find("req_nothing", in: [file.path])
        #expect(result.traces.isEmpty)
        #expect(result.render().hasPrefix("no span matches req_nothing"))
    }

    @Test("collects at most the traces asked for and counts the others")
    func traceLimit() throws {
        let file = TemporaryFile()
        let spans = (1...5).map { Fixture.span("chat", trace: UInt64($0), id: UInt64($0), attributes: ["anthropic.request_id": "req_shared"]) }
        file.write(lines: [Fixture.line(spans)])
        let result = try TraceSearch.find("req_shared", in: [file.path], maximumTraces: 2)
        #expect(result.traces.map(\.traceID) == [Fixture.traceID(1), Fixture.traceID(2)])
        #expect(result.tracesNotShown == 3)
    }

    @Test("refuses standard input, which it cannot read twice")
    func refusesStandardInput() {
        #expect(throws: TraceFileError.self) { try TraceSearch.find("x", in: ["-"]) }
    }
}
