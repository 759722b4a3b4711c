import ClaudeTrace

extension ClaudeCallReport {
    /// The report as a plain-text dashboard for a terminal: totals first (calls, streams,
    /// budget blocks, retries, what is unpriced, feedback), then cost, tokens, latency and
    /// errors by model, top features, cost by user and by day, and what reading found. A cost
    /// that includes unpriced calls is marked: `unknown` when none of them was priced, `+` after
    /// the priced part otherwise.
    public func dashboard() -> String {
        var lines: [String] = []
        let errorShare = calls > 0 ? " (\(Self.percentWithOneDecimal(Double(errorCount) / Double(calls))))" : ""
        lines.append("Claude calls  \(grouped(calls))   errors \(grouped(errorCount))\(errorShare)   unpriced \(grouped(unpricedCalls))")
        var kinds: [String] = []
        if streamedCalls > 0 { kinds.append("\(grouped(streamedCalls)) streamed") }
        if blockedByBudget > 0 { kinds.append("\(grouped(blockedByBudget)) blocked by budget") }
        if !kinds.isEmpty { lines.append("Calls         " + kinds.joined(separator: " · ")) }
        if retries.total > 0 || retries.failedAfterRetries > 0 {
            lines.append("Retries       \(grouped(retries.total)) retries · \(grouped(retries.retriedCalls)) calls retried · \(grouped(retries.failedAfterRetries)) failed after retries")
        }
        if let first = timeRange.firstCall, let last = timeRange.lastCall { lines.append("Calls from    \(first) to \(last)") }
        if timeRange.since != nil || timeRange.until != nil {
            lines.append("Window        \(timeRange.since ?? "…") to \(timeRange.until ?? "…") (start time, until exclusive)")
        }
        var costLine = "Cost          \(Self.dollars(cost.totalUSD))"
        if unpricedCalls > 0 {
            costLine += "  (+ \(grouped(unpricedCalls)) unpriced call\(unpricedCalls == 1 ? "" : "s"): \(grouped(unknownPriceCalls)) unknown price · \(grouped(unpricedCalls - unknownPriceCalls)) without a cost)"
        }
        lines.append(costLine)
        lines.append("Tokens        input \(grouped(tokens.input)) · output \(grouped(tokens.output)) · cache read \(grouped(tokens.cacheRead)) · cache write \(grouped(tokens.cacheCreation))")
        if feedback.total > 0, let rate = feedback.acceptanceRate {
            lines.append("Feedback      \(grouped(feedback.total)), \(Self.percentWithOneDecimal(rate)) accepted (accept \(feedback.accept) · edit \(feedback.edit) · retry \(feedback.retry) · reject \(feedback.reject))")
        }

        let models = callsByModel.keys.sorted { (cost.byModel[$0] ?? 0, $0) > (cost.byModel[$1] ?? 0, $1) }
        if !models.isEmpty {
            lines.append("")
            lines.append(Self.row(["model", "calls", "cost", "p50 s", "p95 s", "p99 s", "ttft p50", "ttft p95"]))
            for model in models {
                let latency = latency[model], ttft = timeToFirstChunk[model]
                let calls = callsByModel[model] ?? 0
                lines.append(Self.row([
                    model, grouped(calls),
                    Self.cost(cost.byModel[model] ?? 0, unpriced: unpricedCallsByModel[model] ?? 0, of: calls),
                    Self.seconds(latency?.p50), Self.seconds(latency?.p95), Self.seconds(latency?.p99),
                    Self.seconds(ttft?.p50), Self.seconds(ttft?.p95),
                ]))
            }
        }
        if !errors.isEmpty {
            lines.append("")
            lines.append("Errors        " + errors.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
                .map { "\($0.key) \($0.value)" }.joined(separator: " · "))
        }
        if !topFeatures.isEmpty {
            lines.append("")
            // The acceptance column only when there is feedback to show.
            let showsFeedback = feedback.total > 0
            lines.append(Self.row(["feature", "calls", "cost"] + (showsFeedback ? ["accepted"] : [])))
            for feature in topFeatures {
                var cells = [feature.feature, grouped(feature.calls), Self.dollars(feature.costUSD)]
                if showsFeedback { cells.append(feature.feedback.acceptanceRate.map(Self.percentWithOneDecimal) ?? "–") }
                lines.append(Self.row(cells))
            }
        }
        let users = cost.byUser.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(Self.maximumTopFeatures)
        if !users.isEmpty {
            lines.append("")
            lines.append(Self.row(["user", "cost"]))
            for (user, amount) in users { lines.append(Self.row([user, Self.dollars(amount)])) }
        }
        if !cost.byDay.isEmpty {
            lines.append("")
            lines.append(Self.row(["day (UTC)", "cost"]))
            for (day, amount) in cost.byDay.sorted(by: { $0.key < $1.key }) { lines.append(Self.row([day, Self.dollars(amount)])) }
        }
        lines.append("")
        var fileLine = "Read          \(grouped(file.lines)) lines, \(grouped(file.spans)) spans"
        if file.badLines > 0 {
            let numbers = file.badLineDetails.prefix(5).map { "\($0.line)" }.joined(separator: ", ")
            fileLine += ", \(file.badLines) bad (line\(file.badLines == 1 ? "" : "s") \(numbers)\(file.badLines > 5 ? ", …" : ""))"
        }
        if file.truncatedLastLine { fileLine += ", last line truncated" }
        lines.append(fileLine)
        return lines.joined(separator: "\n") + "\n"
    }

    /// Columns: the first left-aligned in 34 characters, the others right-aligned in 11.
    private static func row(_ cells: [String]) -> String {
        guard let first = cells.first else { return "" }
        var line = first.count >= 34 ? first + " " : first + String(repeating: " ", count: 34 - first.count)
        for cell in cells.dropFirst() {
            line += cell.count >= 11 ? " " + cell : String(repeating: " ", count: 11 - cell.count) + cell
        }
        return line
    }

    /// A cost that leaves out `unpriced` of `calls` calls: `unknown` when all are unpriced.
    private static func cost(_ usd: Double, unpriced: Int, of calls: Int) -> String {
        guard unpriced > 0 else { return dollars(usd) }
        return unpriced >= calls ? "unknown" : dollars(usd) + "+"
    }

    /// `$12.345678`: six decimals (micro-dollars), as costs per call are often fractions of a cent.
    static func dollars(_ usd: Double) -> String {
        (usd < 0 ? "-$" : "$") + formatFixed(Swift.abs(usd), decimals: 6, trimTo: 6)
    }

    /// `1.234`, or `–` when absent.
    static func seconds(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "–" }
        return formatFixed(value, decimals: 3, trimTo: 3)
    }

    /// `50.0%`: the report's columns keep the decimal, so they line up.
    private static func percentWithOneDecimal(_ share: Double) -> String {
        formatFixed(share * 100, decimals: 1, trimTo: 1) + "%"
    }
}
