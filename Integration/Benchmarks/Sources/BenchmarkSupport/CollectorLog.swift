import Foundation
import Synchronization

/// Counts what the collector accepted, from its own log rather than from what was sent.
///
/// rotel, started with `--debug-log traces --debug-log-verbosity basic`, writes one line per
/// request it accepted: `INFO Received traces. data_type="traces" resource_spans=1 spans=512`
/// (with ANSI colour codes). A span rotel dropped (e.g. from a request over its
/// `--batch-max-size`) never appears there. The log is read incrementally: only what was
/// appended since the last reading is parsed.
public final class CollectorLog: Sendable {
    public let path: String
    private let progress = Mutex((offset: UInt64(0), total: 0, partial: ""))

    public init(path: String) { self.path = path }

    /// Spans the collector has logged as received since it started.
    public func acceptedSpans() -> Int {
        progress.withLock { progress in
            guard let handle = FileHandle(forReadingAtPath: path) else { return progress.total }
            defer { try? handle.close() }
            try? handle.seek(toOffset: progress.offset)
            let data = handle.readDataToEndOfFile()
            progress.offset += UInt64(data.count)
            var text = progress.partial + String(decoding: data, as: UTF8.self)
            // Keep an unfinished last line for the next reading.
            if let lastNewline = text.lastIndex(of: "\n") {
                progress.partial = String(text[text.index(after: lastNewline)...])
                text = String(text[...lastNewline])
            } else {
                progress.partial = text
                return progress.total
            }
            for line in text.split(separator: "\n") where line.contains("Received traces") {
                progress.total += Self.spanCount(in: Self.withoutEscapes(line)) ?? 0
            }
            return progress.total
        }
    }

    /// Waits until the count reaches `target`, or has not moved for `quiet` (rotel logs a
    /// request within milliseconds of answering it), or `limit` passes. Returns the count.
    public func waitForAccepted(atLeast target: Int, quiet: Duration = .milliseconds(1500), limit: Duration = .seconds(60)) async -> Int {
        let clock = ContinuousClock()
        let end = clock.now + limit
        var last = acceptedSpans(), lastChange = clock.now
        while last < target && clock.now < end && clock.now - lastChange < quiet {
            try? await Task.sleep(for: .milliseconds(20))
            let count = acceptedSpans()
            if count != last {
                last = count
                lastChange = clock.now
            }
        }
        return last
    }

    static func withoutEscapes(_ line: Substring) -> String {
        var result = ""
        var index = line.startIndex
        while index < line.endIndex {
            if line[index] == "\u{1B}" {
                // ESC [ … m
                while index < line.endIndex && line[index] != "m" { index = line.index(after: index) }
                if index < line.endIndex { index = line.index(after: index) }
                continue
            }
            result.append(line[index])
            index = line.index(after: index)
        }
        return result
    }

    static func spanCount(in line: String) -> Int? {
        guard let range = line.range(of: " spans=") else { return nil }
        return Int(line[range.upperBound...].prefix { $0.isNumber })
    }
}
