extension MonitorSnapshot {
    /// A compact, readable text rendering: calls, errors by category, latency and TTFT
    /// percentiles by model, cost by model, feature, user and day, top features, tokens,
    /// budget, alerts. `rows` caps each list. No colour codes, no trailing spaces; lines fit in
    /// about 100 columns.
    public func dashboard(rows: Int = 5) -> String {
        let rows = max(1, rows)
        var out: [String] = []
        out.append("Claude monitor · \(takenAt) · UTC day \(day)")

        var callLine = "calls     \(grouped(calls.total)) total · \(grouped(calls.succeeded)) ok · \(grouped(calls.failed)) failed"
        if calls.total > 0 { callLine += " (\(percent(errors.rate)))" }
        if calls.streamed > 0 { callLine += " · \(grouped(calls.streamed)) streamed" }
        if calls.blockedByBudget > 0 { callLine += " · \(grouped(calls.blockedByBudget)) blocked by budget" }
        out.append(callLine)
        if !errors.byCategory.isEmpty {
            out.append("errors    " + errors.byCategory.prefix(rows).map { "\($0.name) \(grouped($0.count))" }.joined(separator: " · "))
        }
        if errors.retries.totalRetries > 0 || errors.retries.failedAfterRetries > 0 {
            out.append("retries   \(counted(errors.retries.totalRetries, "retry", "retries")) · \(counted(errors.retries.retriedCalls, "call")) retried · \(grouped(errors.retries.failedAfterRetries)) failed after retries")
        }

        if latency.duration != nil {
            out.append("latency   \(pad("model", 26)) \(pad("n", 8)) \(pad("p50", 9)) \(pad("p95", 9)) \(pad("p99", 9)) ttft p50 / p95 / p99")
            out.append(latencyRow("all", latency.duration, latency.timeToFirstToken))
            for model in latency.byModel.prefix(rows) where model.duration != nil || model.timeToFirstToken != nil {
                out.append(latencyRow(model.model, model.duration, model.timeToFirstToken))
            }
        }

        var costLine = "cost      total $\(formatUSD(cost.totalUSD)) · today $\(formatUSD(cost.todayUSD))"
        if let perRequest = cost.perRequest {
            costLine += " · per call p50 $\(formatUSD(perRequest.p50USD)) p95 $\(formatUSD(perRequest.p95USD)) max $\(formatUSD(perRequest.maxUSD))"
        }
        out.append(costLine)
        if cost.unknownPriceCalls > 0 || cost.unpricedCalls > 0 {
            out.append("          not priced: \(grouped(cost.unknownPriceCalls)) unknown price · \(grouped(cost.unpricedCalls)) without a cost")
        }
        appendCosts(&out, "by model", cost.byModel, rows)
        appendCosts(&out, "by feature", cost.byFeature, rows)
        appendCosts(&out, "by user", cost.byUserToday, rows, suffix: " (today)")
        if !cost.byDay.isEmpty {
            out.append("  by day  " + cost.byDay.suffix(rows).map { "\($0.start) $\(formatUSD($0.costUSD))" }.joined(separator: " · "))
        }

        if budget.limits != .unlimited || budget.blockedByDailyLimit + budget.blockedByPerUserLimit > 0 {
            var parts: [String] = []
            if let daily = budget.limits.dailyLimitUSD { parts.append("today $\(formatUSD(budget.spentTodayUSD)) of $\(formatUSD(daily))") }
            if let perUser = budget.limits.perUserDailyLimitUSD { parts.append("per user $\(formatUSD(perUser)) (\(budget.usersAtLimit) at limit)") }
            if let warning = budget.limits.perRequestWarningUSD { parts.append("\(counted(budget.perRequestWarnings, "call")) over $\(formatUSD(warning))") }
            parts.append("blocked \(budget.blockedByDailyLimit) daily, \(budget.blockedByPerUserLimit) per user")
            out.append("budget    " + parts.joined(separator: " · "))
        }

        var usageLine = "usage     \(grouped(usage.uniqueUsersToday))\(usage.usersTodayAtCapacity ? "+" : "") \(usage.uniqueUsersToday == 1 ? "user" : "users") today"
        if usage.feedback.total > 0, let rate = usage.feedback.acceptanceRate {
            usageLine += " · feedback \(grouped(usage.feedback.total)), \(percent(rate)) accepted"
        }
        out.append(usageLine)
        if !usage.byFeature.isEmpty {
            out.append("  top features  " + usage.byFeature.prefix(rows).map { feature in
                var text = "\(feature.feature) \(grouped(feature.calls))"
                if let rate = feature.feedback.acceptanceRate { text += " (\(percent(rate)) accepted)" }
                return text
            }.joined(separator: " · "))
        }
        out.append("tokens    input \(compact(tokens.input)) · output \(compact(tokens.output)) · cache read \(compact(tokens.cacheRead)) · cache write \(compact(tokens.cacheCreation))")

        if alerts.fired > 0 {
            var line = "alerts    \(alerts.fired) fired"
            if let last = alerts.recent.last { line += "; last [\(last.severity.rawValue)] \(last.rule): \(last.message)" }
            out.append(line)
        }
        if health.droppedLogLines + health.droppedAlerts > 0 {
            out.append("monitor   dropped \(counted(health.droppedLogLines, "log line")), \(counted(health.droppedAlerts, "alert")) (queue full)")
        }
        return out.joined(separator: "\n")
    }

    /// `1 call`, `2 calls`, `1,204 calls`.
    private func counted(_ count: Int, _ noun: String, _ plural: String? = nil) -> String {
        "\(grouped(count)) \(count == 1 ? noun : plural ?? noun + "s")"
    }

    private func latencyRow(_ name: String, _ duration: Percentiles?, _ ttft: Percentiles?) -> String {
        var row = "  \(pad(name, 34)) \(pad(grouped(duration?.count ?? 0), 8))"
        if let duration {
            row += " \(pad(seconds(duration.p50), 9)) \(pad(seconds(duration.p95), 9)) \(pad(seconds(duration.p99), 9))"
        } else {
            row += " \(pad("-", 9)) \(pad("-", 9)) \(pad("-", 9))"
        }
        if let ttft { row += " \(seconds(ttft.p50)) / \(seconds(ttft.p95)) / \(seconds(ttft.p99))" }
        return trimTrailing(row)
    }

    private func appendCosts(_ out: inout [String], _ label: String, _ entries: [MonitorSnapshot.NamedCost], _ rows: Int, suffix: String = "") {
        guard !entries.isEmpty else { return }
        let text = entries.prefix(rows).map { "\($0.name) $\(formatUSD($0.costUSD)) (\(grouped($0.calls)))" }.joined(separator: " · ")
        out.append("  \(label)\(suffix)  \(text)")
    }
}

private func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
}

private func trimTrailing(_ text: String) -> String {
    var text = text
    while text.last == " " { text.removeLast() }
    return text
}

/// `1.234s`, `87ms`
private func seconds(_ value: Double) -> String {
    value < 1 ? "\(formatFixed(value * 1000, decimals: 0))ms" : "\(formatFixed(value, decimals: 3, trimTo: 3))s"
}
