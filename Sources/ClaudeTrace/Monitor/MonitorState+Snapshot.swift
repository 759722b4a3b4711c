extension MonitorState {
    /// Builds the snapshot from each ledger's part. Cost: a pass over each bounded table
    /// (today's users is the largest, up to ``MonitorLimits/maxUsersPerDay``) and a quantile
    /// walk per sketch; no copy of the tables.
    mutating func snapshot(now: UInt64, outbox: MonitorOutbox.Statistics) -> MonitorSnapshot {
        advance(to: now)
        let listLimit = limits.snapshotListLimit
        let minute = UTCTime.minute(now)
        let byModel = models.rows(listLimit: listLimit)
        let features = usage.featureRows(listLimit: listLimit)
        let budget = self.budget
        let users = usage.userRows(listLimit: listLimit) { budget.isAtPerUserLimit($0, spentNanos: $1) }
        return MonitorSnapshot(
            takenAt: UTCTime.timestamp(now), takenAtUnixNanoseconds: now, day: UTCTime.dateString(day: day),
            calls: totals.counts,
            cost: cost.summary(
                byModel: byModel.costs, byFeature: features.costs, byUserToday: users.costs,
                topUsersAllTime: usage.topSpenders(limit: listLimit), hour: minute / 60, day: day),
            budget: budget.summary(spentToday: cost.todayNanos, usersAtLimit: users.atLimit),
            latency: MonitorSnapshot.Latency(
                relativeAccuracy: byModel.duration.relativeAccuracy, duration: Percentiles(byModel.duration),
                timeToFirstToken: Percentiles(byModel.timeToFirstToken), recent: Percentiles(recentLatency.sketch(at: minute)),
                byModel: byModel.latencies),
            errors: errors.summary(totals: totals, byModel: byModel.errors, minute: minute),
            tokens: totals.tokens(byModel: byModel.tokens),
            usage: usage.summary(listLimit: listLimit, users: users, features: features),
            alerts: alerts.summary,
            health: MonitorSnapshot.Health(
                droppedLogLines: outbox.droppedLogLines, droppedAlerts: outbox.droppedAlerts,
                writtenLogLines: outbox.writtenLogLines, failedLogWrites: outbox.failedWrites,
                callsBeyondUserCapacity: users.callsBeyondCapacity, callsBeyondFeatureCapacity: features.callsBeyondCapacity,
                callsBeyondModelCapacity: byModel.callsBeyondCapacity, recentRequestsRemembered: recent.count,
                unreservedAdmissions: budget.unreservedAdmissions))
    }
}
