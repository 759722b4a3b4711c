import ClaudeTrace
import ClaudeTraceReport
import Foundation
import Testing

@Suite("Report output and time ranges")
struct ReportOutputTests {
    @Test("parses ISO 8601 dates and times and Unix seconds", arguments: [
        ("2026-11-10", 1_794_268_800_000_000_000 as UInt64),
        ("2026-11-10T12:00:00Z", 1_794_312_000_000_000_000),
        ("2026-11-10t12:00z", 1_794_312_000_000_000_000),
        ("2026-11-10 12:00:00", 1_794_312_000_000_000_000),
        ("2026-11-10T14:00:00+02:00", 1_794_312_000_000_000_000),
        ("2026-11-10T06:30:00-0530", 1_794_312_000_000_000_000),
        ("2026-11-10T12:00:00.125Z", 1_794_312_000_125_000_000),
        ("1794312000", 1_794_312_000_000_000_000),
        ("1794312000.5", 1_794_312_000_500_000_000),
        ("2024-02-29", 1_709_164_800_000_000_000),
    ])
    func parsesInstants(text: String, expected: UInt64) {
        #expect(ReportTimeRange.parseInstant(text) == expected)
    }

    @Test("rejects instants it cannot read", arguments: [
        "yesterday", "2026-13-01", "2026-02-30", "2025-02-29", "2026-11-10T25:00", "2026-11-10T12:00+5", "12e9", "",
    ])
    func rejectsInstants(text: String) {
        #expect(ReportTimeRange.parseInstant(text) == nil)
    }

    @Test("refuses a range whose end is not after its start")
    func emptyRange() {
        #expect(throws: ReportTimeRangeError.self) { try ReportTimeRange(since: "2026-11-10", until: "2026-11-10") }
        #expect(throws: ReportTimeRangeError.self) { try ReportTimeRange(since: "soon", until: nil) }
    }

    static func sampleReport() throws -> ClaudeCallReport {
        let file = TemporaryFile()
        let spans = [
            Fixture.span("chat", id: 1, duration: 0.8, kind: .client, attributes: Fixture.claudeAttributes(
                input: 100, output: 20, costUSD: 0.0006, user: "u-1", feature: "summary", timeToFirstChunk: 0.2)),
            Fixture.span("chat", id: 2, offset: 86_400, kind: .client, status: .error(description: "busy"),
                         attributes: Fixture.claudeAttributes(model: "claude-opus-4-8", errorCategory: "overloaded", tokens: false)),
        ]
        file.write(lines: [Fixture.line(spans), "garbage"])
        return try ClaudeCallReport.make(from: [file.path])
    }

    @Test("writes the JSON object the CLI's --json prints, with every documented key")
    func json() throws {
        let text = try Self.sampleReport().jsonString()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["calls"] as? Int == 2)
        #expect(object["errors"] as? [String: Int] == ["overloaded": 1])
        #expect(object["unpricedCalls"] as? Int == 0)
        let cost = try #require(object["cost"] as? [String: Any])
        #expect(cost["totalUSD"] as? Double == 0.0006)
        #expect(cost["byModel"] as? [String: Double] == ["claude-sonnet-4-6": 0.0006, "claude-opus-4-8": 0])
        #expect(cost["byUser"] as? [String: Double] == ["u-1": 0.0006, "(none)": 0])
        #expect(cost["byFeature"] as? [String: Double] == ["summary": 0.0006, "(none)": 0])
        #expect(cost["byDay"] as? [String: Double] == ["2026-11-10": 0.0006, "2026-11-11": 0])
        #expect(object["tokens"] as? [String: Int] == ["input": 100, "output": 20, "cacheRead": 0, "cacheCreation": 0])
        let latency = try #require((object["latency"] as? [String: [String: Any]])?["claude-sonnet-4-6"])
        #expect(Set(latency.keys) == ["count", "min", "p50", "p95", "p99", "max", "mean"])
        #expect(latency["count"] as? Int == 1)
        #expect((object["timeToFirstChunk"] as? [String: Any])?["claude-sonnet-4-6"] != nil)
        let file = try #require(object["file"] as? [String: Any])
        #expect(file["lines"] as? Int == 2)
        #expect(file["badLines"] as? Int == 1)
        #expect(file["truncatedLastLine"] as? Bool == false)
    }

    @Test("decodes its own JSON back to the same report")
    func codableRoundTrip() throws {
        let report = try Self.sampleReport()
        let decoded = try JSONDecoder().decode(ClaudeCallReport.self, from: Data(report.jsonString().utf8))
        #expect(decoded == report)
    }

    @Test("renders a text dashboard with totals, models, errors and what reading found")
    func dashboard() throws {
        let text = try Self.sampleReport().dashboard()
        #expect(text.contains("Claude calls  2   errors 1 (50.0%)   unpriced 0"))
        #expect(text.contains("Cost          $0.000600"))
        #expect(text.contains("Tokens        input 100 · output 20 · cache read 0 · cache write 0"))
        #expect(text.contains("claude-sonnet-4-6"))
        #expect(text.contains("Errors        overloaded 1"))
        #expect(text.contains("2026-11-11"))
        #expect(text.contains("1 bad (line 2)"))
    }
}
