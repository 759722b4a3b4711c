#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ClaudeTrace

/// Streams the spans of an OTLP-JSON Lines file (ours, or any SDK's file exporter), one line
/// at a time, in bounded memory.
///
/// The file is read with `read(2)` in chunks (1 MiB by default) and split on `\n`; each line is
/// decoded straight from the read buffer. Memory holds one chunk plus
/// the longest line (a line longer than ``maximumLineLength`` is skipped as bad), whatever
/// the file's size. A line that does not parse is counted and skipped; so is a last line cut
/// off mid-write, which also sets ``TraceFileSummary/truncatedLastLine``.
///
/// ```swift
/// let summary = try TraceFileReader(path: "traces.jsonl").forEachSpan { span in … }
/// print(summary.spans, summary.badLines)
/// ```
public struct TraceFileReader: Sendable {
    /// The file to read; `-` reads standard input.
    public var path: String
    /// Bytes asked of each `read(2)`.
    public var chunkSize: Int
    /// The longest line decoded; longer ones are skipped and counted as bad (64 MiB, the OTLP
    /// request size limit, by default).
    public var maximumLineLength: Int

    /// A reader of the file at `path`, reading 1 MiB at a time and skipping lines over 64 MiB by default.
    public init(path: String, chunkSize: Int = 1 << 20, maximumLineLength: Int = 64 << 20) {
        self.path = path
        self.chunkSize = max(chunkSize, 16)
        self.maximumLineLength = max(maximumLineLength, 16)
    }

    /// Calls `body` once per span, in file order.
    @discardableResult
    public func forEachSpan(_ body: (SpanData) throws -> Void) throws -> TraceFileSummary {
        try forEachLine { _, spans in
            for span in spans { try body(span) }
        }
    }

    /// Calls `body` once per good line with its 1-based line number and its spans (a line
    /// holds one export batch, so its spans share a few resources and scopes).
    @discardableResult
    public func forEachLine(_ body: (_ line: Int, _ spans: [SpanData]) throws -> Void) throws -> TraceFileSummary {
        let descriptor = path == "-" ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw TraceFileError.cannotOpen(path: path, reason: Self.errorText()) }
        defer { if descriptor != STDIN_FILENO { close(descriptor) } }

        var buffer = LineBuffer(capacity: min(chunkSize, maximumLineLength) + 1)
        defer { buffer.deallocate() }
        var summary = TraceFileSummary()
        var spans: [SpanData] = []
        var lineNumber = 0
        var skippingLongLine = false

        func finish(line start: Int, _ end: Int, terminated: Bool) throws {
            lineNumber += 1
            if skippingLongLine {
                skippingLongLine = false
                summary.lines += 1
                summary.recordBadLine(file: path, line: lineNumber, reason: "line longer than \(maximumLineLength) bytes")
                return
            }
            guard !buffer.isBlank(start, end) else { return }
            summary.lines += 1
            do {
                try OTLPJSONDecoder.decodeSpans(base: buffer.base + start, count: end - start, into: &spans)
            } catch {
                summary.recordBadLine(file: path, line: lineNumber, reason: error.description)
                if !terminated { summary.truncatedLastLine = true }
                return
            }
            summary.spans += spans.count
            try body(lineNumber, spans)
            spans.removeAll(keepingCapacity: true)
        }

        while true {
            if buffer.isFull {
                if buffer.lineStart > 0 {
                    buffer.discardConsumed()
                } else if buffer.capacity <= maximumLineLength {
                    buffer.grow(limit: maximumLineLength + 1)
                } else {
                    // A line beyond the limit: drop what we have and skip to its end.
                    skippingLongLine = true
                    buffer.discardAll()
                }
            }
            let count = read(descriptor, buffer.base + buffer.filled, buffer.capacity - buffer.filled)
            if count < 0 {
                if errno == EINTR { continue }
                throw TraceFileError.readFailed(path: path, reason: Self.errorText())
            }
            if count == 0 { break }
            summary.bytes += count
            buffer.filled += count
            while let end = buffer.nextNewline() {
                try finish(line: buffer.lineStart, end, terminated: true)
                buffer.lineStart = end + 1
                buffer.scanFrom = end + 1
            }
            buffer.scanFrom = buffer.filled
        }
        if buffer.lineStart < buffer.filled || skippingLongLine {
            try finish(line: buffer.lineStart, buffer.filled, terminated: false)
        }
        return summary
    }

    /// Reads every file in turn; the summary covers them all.
    @discardableResult
    public static func forEachSpan(in paths: [String], _ body: (SpanData) throws -> Void) throws -> TraceFileSummary {
        var summary = TraceFileSummary()
        for path in paths { summary = summary.merging(try TraceFileReader(path: path).forEachSpan(body)) }
        return summary
    }

    private static func errorText() -> String { String(cString: strerror(errno)) }
}

/// The read buffer: bytes `[lineStart, filled)` are the pending (unfinished) line, of which
/// `[lineStart, scanFrom)` are known to hold no newline.
private struct LineBuffer {
    var base: UnsafeMutablePointer<UInt8>
    var capacity: Int
    var filled = 0
    var lineStart = 0
    var scanFrom = 0

    init(capacity: Int) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    var isFull: Bool { filled == capacity }

    func deallocate() { base.deallocate() }

    /// The offset of the next `\n` at or after `scanFrom` (memchr: vectorised by libc).
    func nextNewline() -> Int? {
        guard scanFrom < filled, let found = memchr(base + scanFrom, Int32(UInt8.newline), filled - scanFrom) else {
            return nil
        }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }

    func isBlank(_ start: Int, _ end: Int) -> Bool {
        for index in start..<end {
            switch base[index] {
            case .space, .tab, .carriageReturn: continue
            default: return false
            }
        }
        return true
    }

    /// Moves the pending line to the front.
    mutating func discardConsumed() {
        let pending = filled - lineStart
        memmove(base, base + lineStart, pending)
        scanFrom -= lineStart
        filled = pending
        lineStart = 0
    }

    mutating func discardAll() {
        filled = 0
        lineStart = 0
        scanFrom = 0
    }

    mutating func grow(limit: Int) {
        let newCapacity = min(capacity * 2, limit)
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: filled)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }
}
