import ClaudeTraceCore
@testable import ClaudeTraceOTLP
import Foundation
import Testing

/// The file's lines (without the final newline), each checked to be a JSON object.
func jsonLines(_ path: String) throws -> [[String: Any]] {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    guard !data.isEmpty else { return [] }
    #expect(data.last == UInt8(ascii: "\n"), "\(path) should end with a newline")
    return try data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast().map { try parseObject(Array($0)) }
}

func spans(_ count: Int, prefix: String = "s", padding: Int = 0) -> [SpanData] {
    (0..<count).map { index in
        makeSpan(name: "\(prefix)-\(index)", spanID: SpanID(UInt64(index) + 1),
                 attributes: padding > 0 ? ["pad": .string(String(repeating: "p", count: padding))] : [:])
    }
}

@Suite("OTLP file exporter")
struct OTLPFileExporterTests {
    @Test("each export appends one line holding the whole batch")
    func oneLinePerBatch() async throws {
        let path = try temporaryDirectory() + "/traces.jsonl"
        let exporter = OTLPFileExporter(path: path)
        #expect(await exporter.export(spans(3, prefix: "first")) == .success)
        #expect(await exporter.export([]) == .success)
        #expect(await exporter.export(spans(2, prefix: "second")) == .success)
        await exporter.shutdown()
        let lines = try jsonLines(path)
        #expect(lines.count == 2)
        #expect(allSpans(lines[0]).map { $0["name"] as? String } == ["first-0", "first-1", "first-2"])
        #expect(allSpans(lines[1]).count == 2)
        #expect(exporter.statistics.lines == 2 && exporter.statistics.exportedSpans == 5)
    }

    @Test("an existing file is appended to, never truncated")
    func appends() async throws {
        let path = try temporaryDirectory() + "/traces.jsonl"
        try Data("{\"resourceSpans\":[]}\n".utf8).write(to: URL(fileURLWithPath: path))
        let exporter = OTLPFileExporter(path: path)
        #expect(await exporter.export(spans(1)) == .success)
        await exporter.shutdown()
        #expect(try jsonLines(path).count == 2)
    }

    @Test("a file that ends in a torn line gets the next batch on a line of its own")
    func repairsTornTail() async throws {
        let path = try temporaryDirectory() + "/traces.jsonl"
        // What a writer killed part way through a line leaves.
        let whole = "{\"resourceSpans\":[]}\n", torn = "{\"resourceSpans\":[{\"resou"
        try Data((whole + torn).utf8).write(to: URL(fileURLWithPath: path))
        let exporter = OTLPFileExporter(path: path)
        #expect(await exporter.export(spans(1, prefix: "after")) == .success)
        #expect(await exporter.export(spans(1, prefix: "later")) == .success)
        await exporter.shutdown()
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 5 && lines.last == "")
        #expect(lines.prefix(2).map(String.init) == [String(whole.dropLast()), torn])
        let after = try lines.dropFirst(2).dropLast().map { try parseObject(Array($0.utf8)) }
        #expect(after.map { allSpans($0).compactMap { $0["name"] as? String } } == [["after-0"], ["later-0"]])
        #expect(exporter.statistics.repairedTornLines == 1 && exporter.statistics.lines == 2)
    }

    @Test("a file that ends in a newline, or is empty, gets no newline of the exporter's")
    func leavesWholeTailAlone() async throws {
        let directory = try temporaryDirectory()
        let whole = Data("{\"resourceSpans\":[]}\n".utf8)
        try whole.write(to: URL(fileURLWithPath: directory + "/whole.jsonl"))
        try Data().write(to: URL(fileURLWithPath: directory + "/empty.jsonl"))
        let lineSize = OTLPFileExporter.lineSize(of: spans(2))
        for (name, before) in [("whole.jsonl", whole.count), ("empty.jsonl", 0)] {
            let path = directory + "/" + name
            let exporter = OTLPFileExporter(path: path)
            #expect(await exporter.export(spans(2)) == .success)
            #expect(await exporter.export(spans(2)) == .success)
            await exporter.shutdown()
            let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int
            #expect(size == before + 2 * lineSize, "\(name)")
            #expect(exporter.statistics.repairedTornLines == 0)
        }
    }

    @Test("a line torn by another writer while this one keeps writing is ended before the next")
    func repairsLineTornByAnotherWriter() async throws {
        let path = try temporaryDirectory() + "/traces.jsonl"
        let exporter = OTLPFileExporter(path: path)
        #expect(await exporter.export(spans(1, prefix: "first")) == .success)
        let other = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try other.seekToEnd()
        try other.write(contentsOf: Data("{\"resourceSpans\":[{".utf8))
        try other.close()
        #expect(await exporter.export(spans(1, prefix: "second")) == .success)
        await exporter.shutdown()
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 4 && lines[1] == "{\"resourceSpans\":[{")
        let second = try parseObject(Array(lines[2].utf8))
        #expect(allSpans(second).compactMap { $0["name"] as? String } == ["second-0"])
        #expect(exporter.statistics.repairedTornLines == 1)
    }

    @Test("forceFlush and shutdown fsync the file")
    func syncs() async throws {
        let path = try temporaryDirectory() + "/traces.jsonl"
        let exporter = OTLPFileExporter(path: path)
        _ = await exporter.export(spans(1))
        #expect(exporter.statistics.syncs == 0)
        #expect(await exporter.forceFlush() == .success)
        #expect(exporter.statistics.syncs == 1)
        await exporter.shutdown()
        #expect(exporter.statistics.syncs == 2)
        await exporter.shutdown()
        #expect(exporter.statistics.syncs == 2)
        #expect(await exporter.export(spans(1)) == .failure)
    }

    @Test("two exporters writing one file from many tasks never interleave lines")
    func concurrentWriters() async throws {
        let path = try temporaryDirectory() + "/shared.jsonl"
        let writers = [OTLPFileExporter(path: path), OTLPFileExporter(path: path)]
        let tasks = 8, batchesPerTask = 25
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<tasks {
                group.addTask {
                    for batch in 0..<batchesPerTask {
                        // Lines from 200 B to ~150 KB: far past PIPE_BUF and the writer's scratch block.
                        let padding = (task * 7 + batch * 13) % 5 == 0 ? 50_000 : 10
                        let size = 1 + (task + batch) % 3
                        _ = await writers[task % 2].export(spans(size, prefix: "t\(task)b\(batch)", padding: padding))
                    }
                }
            }
        }
        for writer in writers { await writer.shutdown() }
        let lines = try jsonLines(path)
        #expect(lines.count == tasks * batchesPerTask)
        var seen: Set<String> = []
        for line in lines {
            let names = allSpans(line).compactMap { $0["name"] as? String }
            let prefixes = Set(names.map { $0.split(separator: "-")[0] })
            #expect(prefixes.count == 1, "a line mixes batches: \(prefixes)")
            seen.formUnion(prefixes.map(String.init))
        }
        #expect(seen.count == tasks * batchesPerTask)
    }

    @Test("rotation moves the file aside before it would pass the size limit, keeping N files")
    func rotation() async throws {
        let directory = try temporaryDirectory()
        let path = directory + "/traces.jsonl"
        let lineSize = OTLPFileExporter.lineSize(of: spans(1, prefix: "b0", padding: 900))
        let exporter = OTLPFileExporter(path: path, maxFileSize: lineSize * 3, maxRotatedFiles: 2)
        for batch in 0..<10 {
            #expect(await exporter.export(spans(1, prefix: "b\(batch)", padding: 900)) == .success)
        }
        await exporter.shutdown()
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        #expect(files == ["traces.jsonl", "traces.jsonl.1", "traces.jsonl.2"])
        let current = try jsonLines(path), previous = try jsonLines(path + ".1"), oldest = try jsonLines(path + ".2")
        #expect([oldest.count, previous.count, current.count] as [Int] == [3, 3, 1])
        let names = (oldest + previous + current).flatMap { allSpans($0).compactMap { $0["name"] as? String } }
        #expect(names == (3..<10).map { "b\($0)-0" })
        #expect(exporter.statistics.rotations == 3)
        for file in files {
            let size = try FileManager.default.attributesOfItem(atPath: directory + "/" + file)[.size] as? Int ?? 0
            #expect(size <= lineSize * 3)
        }
    }

    @Test("two writers sharing a rotated file follow each other's rotation")
    func rotationWithTwoWriters() async throws {
        let directory = try temporaryDirectory()
        let path = directory + "/traces.jsonl"
        let lineSize = OTLPFileExporter.lineSize(of: spans(1, padding: 500))
        let writers = [OTLPFileExporter(path: path, maxFileSize: lineSize * 4, maxRotatedFiles: 50),
                       OTLPFileExporter(path: path, maxFileSize: lineSize * 4, maxRotatedFiles: 50)]
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<4 {
                group.addTask {
                    for batch in 0..<10 {
                        _ = await writers[task % 2].export(spans(1, prefix: "t\(task)b\(batch)", padding: 500))
                    }
                }
            }
        }
        for writer in writers { await writer.shutdown() }
        var total = 0
        for file in try FileManager.default.contentsOfDirectory(atPath: directory) {
            let lines = try jsonLines(directory + "/" + file)
            #expect(lines.count <= 4, "\(file) holds \(lines.count) lines")
            total += lines.count
        }
        #expect(total == 40)
    }
}

extension OTLPFileExporter {
    /// The bytes one export of `spans` appends.
    static func lineSize(of spans: [SpanData]) -> Int { OTLPJSONEncoder().encode(spans).count + 1 }
}

extension DiagnosticsCapturingTests {
    @Suite("OTLP file exporter diagnostics")
    struct OTLPFileExporterDiagnosticsTests {
        @Test("a path that cannot be opened is reported, and exports fail and are counted")
        func unopenablePath() async throws {
            // Root ignores permissions, so the parent is a regular file instead of a read-only directory.
            let directory = try temporaryDirectory()
            try Data("x".utf8).write(to: URL(fileURLWithPath: directory + "/file-not-dir"))
            let path = directory + "/file-not-dir/out.jsonl"
            await withCapturedDiagnostics { diagnostics in
                let exporter = OTLPFileExporter(path: path)
                #expect(diagnostics.matching("cannot open \(path) for appending: Not a directory").count == 1)
                #expect(await exporter.export(spans(4)) == .failure)
                #expect(diagnostics.matching("could not write 4 spans to \(path)").count == 1)
                #expect(exporter.statistics.failedSpans == 4)
                await exporter.shutdown()
            }
        }

        @Test("ending a torn line is reported once, naming the file")
        func tornLineReported() async throws {
            let path = try temporaryDirectory() + "/traces.jsonl"
            try Data("{\"resourceSpans\":[{".utf8).write(to: URL(fileURLWithPath: path))
            await withCapturedDiagnostics { diagnostics in
                let exporter = OTLPFileExporter(path: path)
                #expect(await exporter.export(spans(1)) == .success)
                #expect(await exporter.export(spans(1)) == .success)
                #expect(diagnostics.matching("\(path) ended in a torn line").count == 1)
                await exporter.shutdown()
            }
        }

        @Test("a full disk fails the export with a clear diagnostic")
        func diskFull() async throws {
            try #require(FileManager.default.fileExists(atPath: "/dev/full"))
            await withCapturedDiagnostics { diagnostics in
                let exporter = OTLPFileExporter(path: "/dev/full")
                #expect(await exporter.export(spans(2)) == .failure)
                #expect(diagnostics.matching("could not write 2 spans to /dev/full: the disk is full").count == 1)
                #expect(exporter.statistics.failedSpans == 2 && exporter.statistics.lines == 0)
                await exporter.shutdown()
            }
        }
    }
}
