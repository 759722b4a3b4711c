/// Per feature (all time): calls, failures, cost and feedback.
struct FeatureStats: Sendable {
    var calls = 0
    var errors = 0
    var costNanos: Int64 = 0
    var unpricedCalls = 0
    var feedback = MonitorSnapshot.Feedback()

    @inline(__always)
    mutating func record(failed: Bool, nanos: Int64, unpriced: Bool) {
        calls += 1
        if failed { errors += 1 }
        costNanos &+= nanos
        if unpriced { unpricedCalls += 1 }
    }
}

extension MonitorSnapshot.Feedback {
    package mutating func add(_ action: FeedbackAction) {
        switch action {
        case .accept: accept += 1
        case .reject: reject += 1
        case .edit: edit += 1
        case .retry: retry += 1
        }
    }
}

/// Per user, for the current UTC day only: what the per-user budget compares with.
struct UserDayStats: Sendable {
    var calls = 0
    var costNanos: Int64 = 0
    var unpricedCalls = 0
}

/// Who uses Claude, for what, when: today's users exactly (bounded), all-time top users
/// (Space-Saving), features, hour-of-day traffic and feedback.
struct UsageStats: Sendable {
    /// Today's users: exact up to ``MonitorLimits/maxUsersPerDay``, then `(other)`.
    var usersToday: BoundedTable<UserDayStats>
    var anonymousCallsToday = 0
    /// All-time top users of the days before today (Space-Saving). Today's exact figures are
    /// folded in at roll-over, and into a copy for a snapshot, so a span pays one table
    /// update per user, not three.
    var topUsersByCost: HeavyHitters
    var topUsersByCalls: HeavyHitters
    var features: BoundedTable<FeatureStats>
    var callsByHourOfDay = [Int](repeating: 0, count: 24)
    var feedback = MonitorSnapshot.Feedback()
    var feedbackUnmatched = 0

    init(limits: MonitorLimits) {
        usersToday = BoundedTable(capacity: limits.maxUsersPerDay, reserve: 1024) { UserDayStats() }
        topUsersByCost = HeavyHitters(capacity: limits.topUsersCapacity)
        topUsersByCalls = HeavyHitters(capacity: limits.topUsersCapacity)
        features = BoundedTable(capacity: limits.maxFeatures, reserve: min(limits.maxFeatures, 256)) { FeatureStats() }
    }

    /// The name features without `claude.feature` are tracked under.
    static let noFeature = "(none)"
    /// The feature of feedback whose call is no longer remembered.
    static let unknownFeature = "(unknown)"

    /// Counts the call for its feature, its hour of day and its user today. Returns the
    /// feature's slot in ``features``.
    @inline(__always)
    mutating func record(_ call: ClaudeCall, price: CallPrice, hour: Int64) -> Int {
        let nanos = price.nanos ?? 0
        let unpriced = price.isUnpriced
        let featureSlot = features.slot(for: HashedKey(call.feature ?? Self.noFeature))
        features[featureSlot].record(failed: call.isError, nanos: nanos, unpriced: unpriced)
        callsByHourOfDay[Int(hour % 24)] += 1
        if let userID = call.userID.map(HashedKey.init) {
            usersToday.update(userID) { user in
                user.calls += 1
                user.costNanos &+= nanos
                if unpriced { user.unpricedCalls += 1 }
            }
        } else {
            anonymousCallsToday += 1
        }
        return featureSlot
    }

    /// What `userID`'s ended calls cost today.
    func costToday(ofUser userID: String) -> Int64 {
        usersToday.existingSlot(for: HashedKey(userID)).map { usersToday[$0].costNanos } ?? 0
    }

    /// A new UTC day: today's users are folded into the all-time summaries, then start again.
    /// Runs on the first call after midnight: O(users today · log topUsersCapacity).
    mutating func rollOver() {
        Self.fold(usersToday, into: &topUsersByCost, &topUsersByCalls)
        usersToday.removeAll()
        anonymousCallsToday = 0
    }

    /// The `limit` (at most the summary's capacity) heaviest users of all time, today included, without touching the stored
    /// summaries: each summary entry plus its user's exact figure today, and each of today's
    /// heaviest users plus the most they can have weighed before today (the summary's floor,
    /// also reported as their possible overestimate). O(capacity + users today), no fold.
    func allTimeTopUsers(limit: Int, byCost: Bool) -> [HeavyHitters.Entry] {
        let past = byCost ? topUsersByCost : topUsersByCalls
        let limit = min(limit, past.capacity)
        func today(_ stats: UserDayStats) -> Int64 { byCost ? stats.costNanos : Int64(stats.calls) }
        var merged: [String: HeavyHitters.Entry] = [:]
        for entry in past.top(past.capacity) {
            let slot = usersToday.existingSlot(for: HashedKey(entry.key))
            merged[entry.key] = HeavyHitters.Entry(
                key: entry.key, weight: entry.weight &+ (slot.map { today(usersToday[$0]) } ?? 0), error: entry.error)
        }
        var heaviestToday = TopN<HeavyHitters.Entry>(limit: limit) { (Double($0.weight), $0.key) }
        usersToday.forEachKey { key, stats in
            guard merged[key.string] == nil else { return }
            heaviestToday.offer(HeavyHitters.Entry(key: key.string, weight: today(stats), error: 0))
        }
        let floor = past.floor
        for entry in heaviestToday.sorted() {
            merged[entry.key] = HeavyHitters.Entry(key: entry.key, weight: entry.weight &+ floor, error: floor)
        }
        return Array(merged.values).largestFirst(limit: limit) { (Double($0.weight), 0, $0.key) }
    }

    /// The snapshot's per-feature lists, sorted and cut to `listLimit`.
    struct FeatureRows {
        var costs: [MonitorSnapshot.NamedCost] = []
        var usage: [MonitorSnapshot.FeatureUsage] = []
        /// Calls of features beyond the table's capacity.
        var callsBeyondCapacity = 0
    }

    func featureRows(listLimit: Int) -> FeatureRows {
        var rows = FeatureRows()
        for entry in features.entries {
            let (name, feature) = (entry.name, entry.stats)
            if name == BoundedTable<FeatureStats>.overflowName { rows.callsBeyondCapacity = feature.calls }
            rows.costs.append(MonitorSnapshot.NamedCost(name: name, costUSD: Nanodollars.usd(feature.costNanos), calls: feature.calls, unpricedCalls: feature.unpricedCalls))
            rows.usage.append(MonitorSnapshot.FeatureUsage(
                feature: name, calls: feature.calls, errors: feature.errors, costUSD: Nanodollars.usd(feature.costNanos), feedback: feature.feedback))
        }
        rows.costs = rows.costs.largestFirst(limit: listLimit) { ($0.costUSD, Double($0.calls), $0.name) }
        rows.usage = rows.usage.largestFirst(limit: listLimit) { (Double($0.calls), $0.costUSD, $0.feature) }
        return rows
    }

    /// The snapshot's lists of today's users, the `listLimit` heaviest, and how many users
    /// `isAtLimit` (given a user and their cost today) says reached their budget.
    struct UserRows {
        var costs: [MonitorSnapshot.NamedCost] = []
        var calls: [MonitorSnapshot.NamedCount] = []
        var atLimit = 0
        /// Calls of users beyond the table's capacity.
        var callsBeyondCapacity = 0
    }

    func userRows(listLimit: Int, isAtLimit: (String, Int64) -> Bool) -> UserRows {
        var rows = UserRows()
        var topCosts = TopN<MonitorSnapshot.NamedCost>(limit: listLimit) { ($0.costUSD, $0.name) }
        var topCalls = TopN<MonitorSnapshot.NamedCount>(limit: listLimit) { (Double($0.count), $0.name) }
        for entry in usersToday.entries {
            let (name, user) = (entry.name, entry.stats)
            if name == BoundedTable<UserDayStats>.overflowName {
                rows.callsBeyondCapacity = user.calls
            } else if isAtLimit(name, user.costNanos) {
                rows.atLimit += 1
            }
            topCosts.offer(MonitorSnapshot.NamedCost(name: name, costUSD: Nanodollars.usd(user.costNanos), calls: user.calls, unpricedCalls: user.unpricedCalls))
            topCalls.offer(MonitorSnapshot.NamedCount(name: name, count: user.calls))
        }
        rows.costs = topCosts.sorted()
        rows.calls = topCalls.sorted()
        return rows
    }

    /// The all-time top spenders, for the snapshot's cost.
    func topSpenders(limit: Int) -> [MonitorSnapshot.TopUserCost] {
        allTimeTopUsers(limit: limit, byCost: true).map {
            MonitorSnapshot.TopUserCost(userID: $0.key, costUSD: Nanodollars.usd($0.weight), maxOverestimateUSD: Nanodollars.usd($0.error))
        }
    }

    /// The snapshot's usage, with the lists of ``userRows(listLimit:isAtLimit:)`` and
    /// ``featureRows(listLimit:)``.
    func summary(listLimit: Int, users: UserRows, features featureRows: FeatureRows) -> MonitorSnapshot.Usage {
        MonitorSnapshot.Usage(
            uniqueUsersToday: usersToday.keyCount, usersTodayAtCapacity: usersToday.hasOverflowed,
            anonymousCallsToday: anonymousCallsToday, callsByUserToday: users.calls,
            topUsersByCallsAllTime: allTimeTopUsers(limit: listLimit, byCost: false).map {
                MonitorSnapshot.TopUserCalls(userID: $0.key, calls: Int($0.weight), maxOverestimate: Int($0.error))
            },
            byFeature: featureRows.usage, callsByHourOfDay: callsByHourOfDay, feedback: feedback, feedbackUnmatched: feedbackUnmatched)
    }

    private static func fold(_ users: BoundedTable<UserDayStats>, into byCost: inout HeavyHitters, _ byCalls: inout HeavyHitters) {
        users.forEachKey { key, user in
            byCost.add(key, weight: user.costNanos)
            byCalls.add(key, weight: Int64(user.calls))
        }
    }

    /// Counts feedback for the call's feature (its slot in ``features``), or under
    /// `(unknown)` when the call is not remembered. Returns the feature's name.
    mutating func recordFeedback(_ action: FeedbackAction, featureSlot: Int?) -> String {
        feedback.add(action)
        let slot: Int
        if let featureSlot, features.contains(slot: featureSlot) {
            slot = featureSlot
        } else {
            feedbackUnmatched += 1
            slot = features.slot(for: HashedKey(Self.unknownFeature))
        }
        features[slot].feedback.add(action)
        return features.name(ofSlot: slot)
    }
}
