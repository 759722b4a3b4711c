/// Every bound on the monitor's memory. Whatever the traffic, the monitor holds no more than
/// these; what falls beyond a bound is aggregated (an `(other)` entry) or forgotten (periods
/// past a horizon), never stored.
public struct MonitorLimits: Sendable, Hashable {
    /// Users tracked exactly for the current UTC day (cost, calls, per-user budget). Beyond it,
    /// further users of the day share one `(other)` entry and their per-user limit cannot be
    /// enforced (they still count toward the daily limit). Default 100,000.
    public var maxUsersPerDay: Int
    /// Counters of the all-time top-users summaries (by cost and by calls; Space-Saving). A
    /// user whose share exceeds `1/topUsersCapacity` of the total is always listed; each
    /// estimate may overestimate by at most `total / topUsersCapacity` (reported). Default 1,000.
    public var topUsersCapacity: Int
    /// Distinct features tracked; beyond it they share `(other)`. Default 1,000.
    public var maxFeatures: Int
    /// Distinct models tracked (each with two latency sketches); beyond it they share
    /// `(other)`. Default 64.
    public var maxModels: Int
    /// UTC days kept in the by-day series. Default 90.
    public var dayHorizon: Int
    /// UTC hours kept in the by-hour series. Default 48.
    public var hourHorizon: Int
    /// Minutes kept in the error-rate series. Default 60.
    public var minuteHorizon: Int
    /// Recent request ids remembered (with their span context) for feedback links and
    /// per-request cost look-ups; the oldest is forgotten first. Default 10,000.
    public var recentRequests: Int
    /// Log lines and alert notifications that may wait for the background writer; beyond it
    /// they are dropped and counted. Default 4,096.
    public var outboxCapacity: Int
    /// Budget reservations of calls in flight. Default 10,000.
    public var maxReservations: Int
    /// Entries per list in a snapshot (models, features, users, …). Default 50.
    public var snapshotListLimit: Int
    /// Alert notifications kept for the snapshot. Default 20.
    public var recentAlerts: Int
    /// The recent-latency window, in minutes: the latency alert reads the last one or two
    /// windows. Default 5.
    public var latencyWindowMinutes: Int

    /// Bounds on the monitor's memory; every default is the property's.
    public init(
        maxUsersPerDay: Int = 100_000, topUsersCapacity: Int = 1_000, maxFeatures: Int = 1_000,
        maxModels: Int = 64, dayHorizon: Int = 90, hourHorizon: Int = 48, minuteHorizon: Int = 60,
        recentRequests: Int = 10_000, outboxCapacity: Int = 4_096, maxReservations: Int = 10_000,
        snapshotListLimit: Int = 50, recentAlerts: Int = 20, latencyWindowMinutes: Int = 5
    ) {
        self.maxUsersPerDay = max(1, maxUsersPerDay)
        self.topUsersCapacity = max(1, topUsersCapacity)
        self.maxFeatures = max(1, maxFeatures)
        self.maxModels = max(1, maxModels)
        self.dayHorizon = max(1, dayHorizon)
        self.hourHorizon = max(1, hourHorizon)
        self.minuteHorizon = max(1, minuteHorizon)
        self.recentRequests = max(1, recentRequests)
        self.outboxCapacity = max(1, outboxCapacity)
        self.maxReservations = max(0, maxReservations)
        self.snapshotListLimit = max(1, snapshotListLimit)
        self.recentAlerts = max(0, recentAlerts)
        self.latencyWindowMinutes = max(1, latencyWindowMinutes)
    }
}
