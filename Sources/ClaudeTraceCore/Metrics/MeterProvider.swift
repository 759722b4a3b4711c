import Synchronization

/// Where instruments live and where readers collect them from: the metrics counterpart of
/// ``TracerProvider``, shaped after the OpenTelemetry metrics SDK (instruments aggregate in
/// memory; readers collect and export on a schedule).
///
/// Instruments are identified by name and scope: asking twice for the same one returns the
/// same instrument. Each instrument holds at most ``cardinalityLimit`` series, the last being
/// the overflow series, so memory is bounded whatever the attributes.
///
/// ```swift
/// let meters = MeterProvider(resource: resource)
/// let calls = meters.counter("app.calls", unit: "{call}", scope: scope)
/// calls.add(1, attributes: MetricAttributes(["route": "/a"]))
/// let reader = PeriodicMetricReader(provider: meters, exporter: exporter)
/// ```
public final class MeterProvider: Sendable {
    /// The resource every exported batch carries.
    public let resource: Resource
    /// The most series one instrument keeps (the overflow series included); default 2000, the
    /// specification's default.
    public let cardinalityLimit: Int
    /// Unix nanoseconds when the provider was made: the start of every cumulative point.
    public let startTimeNanoseconds: UInt64
    private let instruments = Locked<[any MetricInstrument]>([])
    private let readers = Locked<[PeriodicMetricReader]>([])

    /// A provider for `resource`, whose instruments keep at most `cardinalityLimit` series each (at least 2).
    public init(resource: Resource = .sdkDefault, cardinalityLimit: Int = 2000) {
        self.resource = resource
        self.cardinalityLimit = Swift.max(2, cardinalityLimit)
        startTimeNanoseconds = WallClock.nanoseconds()
    }

    /// The counter named `name` in `scope`, made on first use.
    /// - Parameters:
    ///   - name: the instrument's name, such as `claude.client.cost`.
    ///   - unit: its UCUM unit, such as `USD` or `{token}`.
    ///   - description: what it counts, for the exported metadata.
    ///   - scope: the library that records it.
    ///   - scale: what one integer unit is worth in exported units (e.g. `1e-12` for a counter
    ///     that adds picodollars and exports dollars); nil exports integers.
    public func counter(
        _ name: String, unit: String, description: String = "", scope: InstrumentationScope, scale: Double? = nil
    ) -> MetricCounter {
        instruments.withLock { instruments in
            if let existing = instruments.first(where: { $0.name == name && $0.scope == scope }) as? MetricCounter {
                return existing
            }
            let counter = MetricCounter(name: name, unit: unit, description: description, scope: scope, scale: scale, cardinalityLimit: cardinalityLimit)
            instruments.append(counter)
            return counter
        }
    }

    /// The histogram named `name` in `scope`, made on first use with `boundaries`.
    public func histogram(
        _ name: String, unit: String, description: String = "", boundaries: [Double], scope: InstrumentationScope
    ) -> MetricHistogram {
        instruments.withLock { instruments in
            if let existing = instruments.first(where: { $0.name == name && $0.scope == scope }) as? MetricHistogram {
                return existing
            }
            let histogram = MetricHistogram(
                name: name, unit: unit, description: description, scope: scope, boundaries: boundaries, cardinalityLimit: cardinalityLimit)
            instruments.append(histogram)
            return histogram
        }
    }

    /// The cumulative state of every instrument that recorded something, now.
    public func collect() -> MetricBatch {
        let now = WallClock.nanoseconds()
        let instruments = self.instruments.withLock { $0 }
        return MetricBatch(resource: resource, metrics: instruments.compactMap { $0.collect(start: startTimeNanoseconds, time: now) })
    }

    func register(_ reader: PeriodicMetricReader) {
        readers.withLock { $0.append(reader) }
    }

    /// Collects and exports now through every reader; true when every export succeeded.
    @discardableResult
    public func forceFlush() async -> Bool {
        var succeeded = true
        for reader in readers.withLock({ $0 }) where await reader.forceFlush() != .success { succeeded = false }
        return succeeded
    }

    /// A last export through every reader, then stops them. Idempotent.
    public func shutdown() async {
        for reader in readers.withLock({ $0 }) { await reader.shutdown() }
    }

    // MARK: The global provider

    private static let global = Locked<MeterProvider?>(nil)

    /// Installs `provider` as the one instrumentation uses when it is given none.
    public static func setGlobal(_ provider: MeterProvider?) {
        global.withLock { $0 = provider }
    }

    /// The provider in force here: the task-local one set by ``withMeterProvider(_:isolation:operation:)``,
    /// else the global one; nil when metrics are not set up.
    public static var current: MeterProvider? {
        if let local = TaskLocalMeterProvider.value { return local }
        return global.withLock { $0 }
    }
}

enum TaskLocalMeterProvider {
    @TaskLocal static var value: MeterProvider?
}

/// Runs `operation` with `provider` in place of the global meter provider, for this task and
/// its children: parallel tests each read their own metrics.
public func withMeterProvider<T>(
    _ provider: MeterProvider, isolation: isolated (any Actor)? = #isolation,
    operation: () async throws -> T
) async rethrows -> T {
    try await TaskLocalMeterProvider.$value.withValue(provider, operation: operation, isolation: isolation)
}
