import ClaudeTrace

/// What `find` looks for: one id, compared with each span's ids and request ids.
///
/// A span matches when the id equals its trace id (32 hex digits, any case), its span id (16
/// hex digits), or the string value of `claude.request_id` (our client's id),
/// `anthropic.request_id` (the server's `request-id`) or `gen_ai.response.id` (the message id).
public struct TraceQuery: Hashable, Sendable {
    /// The id searched for, without surrounding whitespace.
    public let id: String
    private let traceID: TraceID?
    private let spanID: SpanID?

    /// The attributes that hold request and message ids.
    package static let idAttributes = ["claude.request_id", "anthropic.request_id", "gen_ai.response.id"]

    /// A query for `id`; surrounding whitespace is ignored.
    public init(id: String) {
        var text = Substring(id)
        while text.first?.isWhitespace == true { text.removeFirst() }
        while text.last?.isWhitespace == true { text.removeLast() }
        let trimmed = String(text)
        self.id = trimmed
        traceID = TraceID(hexString: trimmed, allowUppercase: true)
        spanID = SpanID(hexString: trimmed, allowUppercase: true)
    }

    /// Which of `span`'s ids the query names, or nil when none does.
    package func match(in span: SpanData) -> String? {
        if let traceID, span.context.traceID == traceID { return "trace id" }
        if let spanID, span.context.spanID == spanID { return "span id" }
        for key in Self.idAttributes where span.attributes[key]?.stringValue == id { return key }
        return nil
    }
}

/// The traces `find` found, whole.
public struct TraceSearchResult: Hashable, Sendable {
    /// What was searched for.
    public var query: TraceQuery
    /// The traces holding a matching span, in the order their first match was read.
    public var traces: [TraceTree]
    /// The spans that matched, and which of their ids did (`trace id`, `span id` or the attribute).
    public var matches: [SpanID: String]
    /// Traces that matched beyond the `maximumTraces` asked for (not collected).
    public var tracesNotShown: Int
    /// What the first pass read.
    public var files: TraceFileSummary

    package init(
        query: TraceQuery, traces: [TraceTree], matches: [SpanID: String], tracesNotShown: Int, files: TraceFileSummary
    ) {
        self.query = query
        self.traces = traces
        self.matches = matches
        self.tracesNotShown = tracesNotShown
        self.files = files
    }
}

/// The `find` command: the whole traces that hold a span with a given id.
public enum TraceSearch {
    /// Reads `paths` twice, in bounded memory: the first pass finds the traces holding a span
    /// that matches `id` (see ``TraceQuery``), the second collects every span of those traces
    /// (so memory holds only them). Standard input (`-`) cannot be read twice and is refused.
    ///
    /// - Parameters:
    ///   - id: a trace id, span id, request id or message id.
    ///   - paths: the OTLP-JSON Lines files to read.
    ///   - maximumTraces: how many matching traces to collect (an id shared by many traces, like
    ///     a popular request id, would otherwise fill memory); the rest are counted in
    ///     ``TraceSearchResult/tracesNotShown``.
    public static func find(_ id: String, in paths: [String], maximumTraces: Int = 20) throws -> TraceSearchResult {
        if paths.contains("-") {
            throw TraceFileError.cannotOpen(path: "-", reason: "find reads its files twice, so it needs files, not standard input")
        }
        let query = TraceQuery(id: id)
        var traceOrder: [TraceID] = []
        var wanted = Set<TraceID>()
        var overflow = Set<TraceID>()
        var matches: [SpanID: String] = [:]
        let summary = try TraceFileReader.forEachSpan(in: paths) { span in
            guard let kind = query.match(in: span) else { return }
            let trace = span.context.traceID
            if wanted.contains(trace) {
                matches[span.context.spanID] = kind
            } else if wanted.count < max(maximumTraces, 1) {
                wanted.insert(trace)
                traceOrder.append(trace)
                matches[span.context.spanID] = kind
            } else {
                overflow.insert(trace)
            }
        }
        var spansByTrace: [TraceID: [SpanData]] = [:]
        if !wanted.isEmpty {
            try TraceFileReader.forEachSpan(in: paths) { span in
                if wanted.contains(span.context.traceID) { spansByTrace[span.context.traceID, default: []].append(span) }
            }
        }
        let traces = traceOrder.map { TraceTree(traceID: $0, spans: spansByTrace[$0] ?? []) }
        return TraceSearchResult(
            query: query, traces: traces, matches: matches, tracesNotShown: overflow.count, files: summary)
    }
}
