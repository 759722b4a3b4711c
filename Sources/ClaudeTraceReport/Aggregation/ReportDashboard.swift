extension ClaudeCallReport {
    /// The report as a plain-text dashboard for a terminal: totals first, then cost, tokens,
    /// latency and errors by model, top features, cost by day, and what reading found.
    public func dashboard() -> String {
        var lines: [String] = []
        let errorShare = calls > 0 ? " (\(Self.percent(Double(errorCount) / Double(calls))))" : ""
        lines.append("Claude calls  \(Self.grouped(calls))   errors \(Self.grouped(errorCount))\(errorShare)   unpriced \(Self.grouped(unpricedCalls))")
        if let first = timeRange.firstCall, let last = timeRange.lastCall { lines.append("Calls from    \(first) to \(last)") }
        if timeRange.since != nil || timeRange.until != nil {
            lines.append("Window        \(timeRange.since ?? "…") to \(timeRange.until ?? "…") (start time, until exclusive)")
        }
        lines.append("Cost          \(Self.dollars(cost.totalUSD))\(unpricedCalls > 0 ? "  (+ \(unpricedCalls) unpriced call\(unpricedCalls == 1 ? "" : "s"))" : "")")
        lines.append("Tokens        input \(Self.grouped(tokens.input)) · output \(Self.grouped(tokens.output)) · cache read \(Self.grouped(tokens.cacheRead)) · cache write \(Self.grouped(tokens.cacheCreation))")

        let models = callsByModel.keys.sorted { (cost.byModel[$0] ?? 0, $0) > (cost.byModel[$1] ?? 0, $1) }
        if !models.isEmpty {
            lines.append("")
            lines.append(Self.row(["model", "calls", "cost", "p50 s", "p95 s", "p99 s", "ttft p50", "ttft p95"]))
            for model in models {
                let latency = latency[model], ttft = timeToFirstChunk[model]
                lines.append(Self.row([
                    model, Self.grouped(callsByModel[model] ?? 0), Self.dollars(cost.byModel[model] ?? 0),
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
            lines.append(Self.row(["feature", "calls", "cost"]))
            for feature in topFeatures {
                lines.append(Self.row([feature.feature, Self.grouped(feature.calls), Self.dollars(feature.costUSD)]))
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
        var fileLine = "Read          \(Self.grouped(file.lines)) lines, \(Self.grouped(file.spans)) spans"
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

    /// `$12.345678`: six decimals (micro-dollars), as costs per call are often fractions of a cent.
    static func dollars(_ usd: Double) -> String {
        let micro = (usd * 1e6).rounded()
        let negative = micro < 0
        let magnitude = Int64(exactly: abs(micro)) ?? Int64.max
        let fraction = String(magnitude % 1_000_000)
        return "\(negative ? "-" : "")$\(grouped(magnitude / 1_000_000)).\(String(repeating: "0", count: 6 - fraction.count))\(fraction)"
    }

    /// `1.234`, or `–` when absent.
    static func seconds(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "–" }
        let milli = Int64((value * 1000).rounded())
        let fraction = String(milli % 1000)
        return "\(milli / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
    }

    static func percent(_ share: Double) -> String {
        let tenths = Int((share * 1000).rounded())
        return "\(tenths / 10).\(tenths % 10)%"
    }

    /// `1,234,567`.
    static func grouped<Number: BinaryInteger>(_ value: Number) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return (value < 0 ? "-" : "") + result
    }
}
