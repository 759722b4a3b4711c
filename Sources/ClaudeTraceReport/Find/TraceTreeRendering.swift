import ClaudeTrace

extension TraceTree {
    /// The trace as an indented tree, one span per line with its offset from the trace's start,
    /// duration and status, and under it the span's key attributes (model, tokens, cost, error
    /// category, request ids). Spans in `highlighted` are marked `◀ match`. A call whose span
    /// records no cost (another SDK wrote it) shows its cost by `pricing`, marked `(priced here)`.
    ///
    /// ```
    /// trace 4bf92f3577b34da6a3ce929d0e0e4736 · 3 spans · 1.234 s · 2026-11-10T13:07:42.123Z
    /// handle-ticket [server] +0.000 s 1.234 s ok
    /// │    service.name=support-bot
    /// └─ chat claude-sonnet-4-6 [client] +0.010 s 0.812 s error: overloaded ◀ match
    ///        model=claude-sonnet-4-6 tokens in=120 out=40 cache_read=50 cache_write=0 cost=$0.001230
    /// ```
    public func render(highlighting highlighted: Set<SpanID> = [], pricing: ReportPricing = .standard) -> String {
        var lines = [
            "trace \(traceID.hexString) · \(spanCount) span\(spanCount == 1 ? "" : "s") · \(Self.seconds(durationSeconds)) · \(ReportTimeRange.format(startTimeNanoseconds))",
        ]
        let start = startTimeNanoseconds
        // Each entry: the node, the prefix of its own line, the prefix of lines below it.
        var stack: [(node: Node, prefix: String, continuation: String, isTop: Bool)] =
            roots.reversed().map { ($0, "", "", true) }
        while let (node, prefix, continuation, isTop) = stack.popLast() {
            let span = node.span
            var line = prefix + "\(span.name) [\(span.kind)] +\(Self.seconds(Double(span.startTimeNanoseconds &- start) / 1e9)) \(Self.seconds(span.durationSeconds)) \(Self.status(span))"
            if node.isOrphan, let parent = span.parentSpanID { line += " (orphan: parent \(parent.hexString) not found)" }
            if highlighted.contains(span.context.spanID) { line += " ◀ match" }
            lines.append(line)
            let detailPrefix = continuation + (node.children.isEmpty ? "     " : "│    ")
            for detail in Self.details(of: span, isTop: isTop, pricing: pricing) { lines.append(detailPrefix + detail) }
            for (offset, child) in node.children.enumerated().reversed() {
                let isLast = offset == node.children.count - 1
                stack.append((child, continuation + (isLast ? "└─ " : "├─ "), continuation + (isLast ? "   " : "│  "), false))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The span's key attributes, as at most two `key=value` lines.
    static func details(of span: SpanData, isTop: Bool, pricing: ReportPricing) -> [String] {
        var lines: [String] = []
        if let call = ClaudeCall(span, readsDetails: true, learnsKeys: false) {
            var usage: [String] = []
            if let model = call.model { usage.append("model=\(model)") }
            if call.hasTokens {
                usage.append("tokens in=\(call.uncachedInputTokens) out=\(call.outputTokens) cache_read=\(call.cacheReadTokens) cache_write=\(call.cacheCreationTokens)")
            }
            let recorded = call.costPicodollars != nil || call.costUSD != nil
            switch pricing.price(of: call) {
            case .priced(let cost): usage.append("cost=\(ClaudeCallReport.dollars(Nanodollars.usd(cost)))\(recorded ? "" : " (priced here)")")
            case .unknown, .unpriced: usage.append("cost=unknown")
            case .free: break
            }
            if let ttft = call.timeToFirstToken { usage.append("ttft=\(seconds(ttft))") }
            if let category = call.errorCategory { usage.append("error.category=\(category.rawValue)") }
            if let user = call.userID { usage.append("user.id=\(user)") }
            if let feature = call.feature { usage.append("claude.feature=\(feature)") }
            if !usage.isEmpty { lines.append(usage.joined(separator: " ")) }
            let ids = [("claude.request_id", call.requestID), ("anthropic.request_id", call.serverRequestID),
                       ("gen_ai.response.id", call.messageID)]
                .compactMap { key, value in value.map { "\(key)=\($0)" } }
            if !ids.isEmpty { lines.append(ids.joined(separator: " ")) }
        } else {
            var generic: [String] = []
            if isTop, let service = span.resource.attributes["service.name"] { generic.append("service.name=\(service)") }
            for key in ["error.type", "http.request.method", "http.route", "http.response.status_code"] {
                if let value = span.attributes[key] { generic.append("\(key)=\(value)") }
            }
            if !generic.isEmpty { lines.append(generic.joined(separator: " ")) }
        }
        return lines
    }

    static func status(_ span: SpanData) -> String {
        switch span.status {
        case .unset: "unset"
        case .ok: "ok"
        case .error(let description): description.map { "error: \($0)" } ?? "error"
        }
    }

    static func seconds(_ value: Double) -> String { ClaudeCallReport.seconds(value) + " s" }
}

extension TraceSearchResult {
    /// Every trace found, rendered as a tree with the matching spans marked (calls without a
    /// recorded cost priced by `pricing`), or a line saying nothing matched.
    public func render(pricing: ReportPricing = .standard) -> String {
        guard !traces.isEmpty else {
            return "no span matches \(query.id) (searched \(files.spans) spans in \(files.lines) lines)\n"
        }
        let highlighted = Set(matches.keys)
        var text = traces.map { $0.render(highlighting: highlighted, pricing: pricing) }.joined(separator: "\n")
        if tracesNotShown > 0 { text += "\n… and \(tracesNotShown) more matching trace\(tracesNotShown == 1 ? "" : "s") not shown\n" }
        if files.badLines > 0 { text += "(\(files.badLines) unreadable line\(files.badLines == 1 ? "" : "s") skipped)\n" }
        return text
    }
}
