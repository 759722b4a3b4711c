/// What reading one or more OTLP-JSON Lines files found: how many lines and spans, and which
/// lines could not be read (reported, never fatal).
public struct TraceFileSummary: Hashable, Sendable, Codable {
    /// A line that was skipped, and why.
    public struct BadLine: Hashable, Sendable, Codable {
        /// The file's path as given (`-` for standard input).
        public var file: String
        /// 1-based physical line number.
        public var line: Int
        /// Why it was skipped, such as a JSON syntax error and its byte offset.
        public var reason: String

        package init(file: String, line: Int, reason: String) {
            self.file = file
            self.line = line
            self.reason = reason
        }
    }

    /// How many ``badLineDetails`` are kept; ``badLines`` keeps counting past it.
    public static let maximumBadLineDetails = 100

    /// Non-blank lines read (blank lines are skipped silently).
    public var lines = 0
    /// Spans decoded from the good lines.
    public var spans = 0
    /// Bytes read.
    public var bytes = 0
    /// Lines skipped because they are not valid OTLP-JSON (the truncated last line included).
    public var badLines = 0
    /// The first ``maximumBadLineDetails`` bad lines.
    public var badLineDetails: [BadLine] = []
    /// True when a file's last line has no newline and does not parse: a writer was cut off
    /// mid-write. That line also counts in ``badLines``.
    public var truncatedLastLine = false

    /// An empty summary: nothing read yet.
    public init() {}

    /// The line numbers of the first bad lines.
    public var badLineNumbers: [Int] { badLineDetails.map(\.line) }

    mutating func recordBadLine(file: String, line: Int, reason: String) {
        badLines += 1
        if badLineDetails.count < Self.maximumBadLineDetails {
            badLineDetails.append(BadLine(file: file, line: line, reason: reason))
        }
    }

    /// The totals of `self` and `other`, e.g. over several files.
    package func merging(_ other: TraceFileSummary) -> TraceFileSummary {
        var merged = self
        merged.lines += other.lines
        merged.spans += other.spans
        merged.bytes += other.bytes
        merged.badLines += other.badLines
        merged.badLineDetails += other.badLineDetails.prefix(Self.maximumBadLineDetails - merged.badLineDetails.count)
        merged.truncatedLastLine = truncatedLastLine || other.truncatedLastLine
        return merged
    }
}

/// A trace file could not be read at all (a bad line is not an error: see ``TraceFileSummary``).
public enum TraceFileError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file at `path` could not be opened; `reason` is the system's.
    case cannotOpen(path: String, reason: String)
    /// Reading the file at `path` failed part-way; `reason` is the system's.
    case readFailed(path: String, reason: String)

    /// The problem, with the path.
    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): "cannot open \(path): \(reason); check the path and its permissions"
        case .readFailed(let path, let reason): "reading \(path) failed: \(reason)"
        }
    }
}
