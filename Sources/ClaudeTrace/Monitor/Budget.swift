/// Spending limits the monitor enforces before a call is sent. All limits are per UTC day and
/// roll over at UTC midnight (by the monitor's clock). A nil limit is no limit.
public struct BudgetConfiguration: Sendable, Hashable, Codable {
    /// The most all calls together may cost in one UTC day.
    public var dailyLimitUSD: Double?
    /// The most one user's calls (`user.id`) may cost in one UTC day.
    public var perUserDailyLimitUSD: Double?
    /// A single call costing more than this is counted as a warning (the client also adds a
    /// `budget.warning` event to its span). It does not block.
    public var perRequestWarningUSD: Double?
    /// Whether the client's worst-case estimate of each call (its `max_tokens` priced as
    /// output) is reserved against the limits until the call ends. Off (the default), a call is
    /// admitted while today's spend is below the limit, and calls in flight together can pass
    /// it, each by at most its own cost. On, a call whose estimate would pass a limit is
    /// blocked, so concurrent callers cannot overspend (the estimate is an upper bound), at the
    /// price of blocking some calls that would have fitted.
    public var reservesEstimatedCost: Bool

    public init(
        dailyLimitUSD: Double? = nil, perUserDailyLimitUSD: Double? = nil, perRequestWarningUSD: Double? = nil,
        reservesEstimatedCost: Bool = false
    ) {
        self.dailyLimitUSD = dailyLimitUSD
        self.perUserDailyLimitUSD = perUserDailyLimitUSD
        self.perRequestWarningUSD = perRequestWarningUSD
        self.reservesEstimatedCost = reservesEstimatedCost
    }

    /// No limits.
    public static let unlimited = BudgetConfiguration()
}

/// Which limit stopped a call.
public enum BudgetLimit: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The daily limit for all calls.
    case daily
    /// The daily limit of this user.
    case perUserDaily(userID: String)

    /// `daily` or `per_user_daily`: the span's `claude.budget.limit`.
    public var name: String {
        switch self {
        case .daily: "daily"
        case .perUserDaily: "per_user_daily"
        }
    }

    public var description: String {
        switch self {
        case .daily: "daily limit"
        case .perUserDaily(let userID): "daily limit of user \(userID)"
        }
    }
}

/// The monitor's answer to "may this call be sent?" (``ClaudeMonitor/checkBudget(userID:requestID:estimatedCostUSD:)``).
public enum BudgetCheck: Sendable, Hashable {
    /// Send it.
    case allow
    /// Do not send it: `error` says which limit and by how much.
    case block(BudgetExceededError)

    public var isAllowed: Bool { if case .allow = self { true } else { false } }
}

/// A call was not sent because a budget limit was reached. Its error category is
/// `budget_exceeded`; ``limit`` says which limit.
public struct BudgetExceededError: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The span's `claude.error.category` (and `error.type`) for a blocked call.
    public static let category = "budget_exceeded"

    public var limit: BudgetLimit
    /// The limit, in USD.
    public var limitUSD: Double
    /// What was spent today under that limit when the call was asked for (ended calls, plus
    /// reservations of calls in flight).
    public var spentUSD: Double
    /// The UTC day the limit applies to, `2026-11-10`.
    public var day: String

    public init(limit: BudgetLimit, limitUSD: Double, spentUSD: Double, day: String) {
        self.limit = limit
        self.limitUSD = limitUSD
        self.spentUSD = spentUSD
        self.day = day
    }

    /// `budget_exceeded: daily limit of user u-42 reached: spent $5.0012 of $5.00 on 2026-11-10 (UTC); resets at 00:00 UTC`
    public var message: String {
        "budget_exceeded: \(limit) reached: spent $\(formatUSD(spentUSD)) of $\(formatUSD(limitUSD)) on \(day) (UTC); resets at 00:00 UTC"
    }

    public var description: String { message }
}

/// Budget counters for one UTC day: what was blocked and warned, and the reservations of calls
/// admitted with an estimated cost that have not ended yet.
struct BudgetLedger: Sendable {
    struct Reservation: Sendable {
        var userID: String?
        var nanos: Int64
    }

    /// At most this many reservations are held; beyond it calls are admitted unreserved.
    let maxReservations: Int
    private(set) var reservations: [String: Reservation] = [:]
    private(set) var reservedNanos: Int64 = 0
    private(set) var reservedNanosByUser: [String: Int64] = [:]
    var blockedByDailyLimit = 0
    var blockedByPerUserLimit = 0
    var perRequestWarnings = 0
    var unreservedAdmissions = 0

    init(maxReservations: Int) {
        self.maxReservations = max(0, maxReservations)
    }

    var hasReservations: Bool { !reservations.isEmpty }

    func reserved(forUser userID: String) -> Int64 { reservedNanosByUser[userID] ?? 0 }

    mutating func reserve(requestID: String, userID: String?, nanos: Int64) {
        guard nanos > 0 else { return }
        guard reservations[requestID] == nil else { return }
        guard reservations.count < maxReservations else {
            unreservedAdmissions += 1
            return
        }
        reservations[requestID] = Reservation(userID: userID, nanos: nanos)
        reservedNanos += nanos
        if let userID { reservedNanosByUser[userID, default: 0] += nanos }
    }

    /// Releases the reservation of a call that ended (its real cost is now counted).
    mutating func release(requestID: String) {
        guard let reservation = reservations.removeValue(forKey: requestID) else { return }
        reservedNanos -= reservation.nanos
        if let userID = reservation.userID {
            let left = (reservedNanosByUser[userID] ?? 0) - reservation.nanos
            reservedNanosByUser[userID] = left > 0 ? left : nil
        }
    }

    /// A new UTC day: counters and reservations start again. Calls in flight at midnight are
    /// charged to the new day when they end.
    mutating func rollOver() {
        self = BudgetLedger(maxReservations: maxReservations)
    }
}
