/// The monitor's shared parts: its state under one lock, its configuration and its outbox.
/// Separate from ``ClaudeMonitor`` so the background task holds these, not the monitor (whose
/// `deinit` then closes the outbox and ends the task).
final class MonitorCore: Sendable {
    let configuration: MonitorConfiguration
    /// Where the monitor's own counters go: the configured metrics, else the current ones.
    var metrics: ClaudeMetrics? { configuration.metrics ?? ClaudeMetrics.current }
    let state: Locked<MonitorState>
    let outbox: MonitorOutbox
    private let requestLog: RequestLogConfiguration?
    /// ``BudgetConfiguration/reservesEstimatedCost`` as configured (read without the lock).
    var reservesEstimatedCost: Bool { state.withLock { $0.budget.configuration.reservesEstimatedCost } }

    init(configuration: MonitorConfiguration) {
        self.configuration = configuration
        state = Locked(MonitorState(configuration: configuration))
        outbox = MonitorOutbox(capacity: configuration.limits.outboxCapacity)
        requestLog = configuration.requestLog
    }

    /// The hot path: parse, price, one locked update; log line and alerts to the outbox.
    @inline(__always)
    func record(_ span: SpanData) {
        guard let call = ClaudeCall(span, readsDetails: requestLog != nil, readsContent: requestLog?.includeContent ?? false) else { return }
        let price = CallPrice(of: call) { call in
            if let pricing = configuration.pricing { return pricing(span).map(Nanodollars.from(usd:)) }
            return ClaudePricing.standard.picodollars(for: call).map(Nanodollars.from(picodollars:))
        }
        let now = configuration.clock()
        let outcome = state.withLock { $0.record(call, price: price, context: span.context, now: now) }
        if let requestLog {
            outbox.enqueue(.call(Self.logRecord(call, span: span, price: price, includeContent: requestLog.includeContent)))
        }
        for alert in outcome.alerts { outbox.enqueue(.alert(alert)) }
        if outcome.evaluateAlerts { outbox.requestEvaluation() }
    }

    func snapshot() -> MonitorSnapshot {
        let now = configuration.clock()
        let statistics = outbox.statistics
        return state.withLock { $0.snapshot(now: now, outbox: statistics) }
    }

    func latencySketch(model: String?, timeToFirstToken: Bool) -> QuantileSketch {
        state.withLock { $0.models.latencySketch(model: model, timeToFirstToken: timeToFirstToken) }
    }

    /// Runs the state rules on a fresh snapshot (rule code runs outside the lock), then claims
    /// the cooldowns of those that fired.
    func evaluateStateRules() -> [AlertNotification] {
        let rules = state.withLock { $0.alerts.stateRules }
        guard !rules.isEmpty else { return [] }
        let snapshot = snapshot()
        let now = snapshot.takenAtUnixNanoseconds
        var firing: [(rule: AlertRule, message: String)] = []
        for rule in rules {
            guard case .state(let condition) = rule.condition, let message = condition(snapshot) else { continue }
            firing.append((rule, message))
        }
        guard !firing.isEmpty else { return [] }
        return state.withLock { $0.alerts.fire(firing, now: now) }
    }

    /// The background task: turns records into JSON lines and writes them, delivers alerts,
    /// evaluates the state rules when asked, and answers flushes in order.
    func runWorker() async {
        let alertLog = configuration.alertLog
        let alertHandler = configuration.alertHandler
        var lines: [String] = []
        func writeLines() -> (written: Int, failed: Int) {
            guard let destination = requestLog?.destination, !lines.isEmpty else { return (0, 0) }
            defer { lines.removeAll(keepingCapacity: true) }
            return destination.write(lines) ? (lines.count, 0) : (0, lines.count)
        }
        func deliver(_ notification: AlertNotification) {
            // One place per alert: the log, else the app's handler, else the diagnostics hook
            // (a handler that prints, like the demo's, would otherwise show each alert twice).
            if let alertLog {
                _ = alertLog.write([notification.jsonLine])
            } else if alertHandler == nil {
                Diagnostics.report(notification.severity == .critical ? .error : .warning, component: "ClaudeMonitor", notification.jsonLine)
            }
            alertHandler?(notification)
            metrics?.recordAlert(notification)
        }
        while var batch = await outbox.next() {
            var written = 0, failed = 0
            for item in batch {
                switch item {
                case .call(let record):
                    lines.append(record.jsonLine)
                case .alert(let notification):
                    deliver(notification)
                case .evaluateAlerts:
                    for notification in evaluateStateRules() { deliver(notification) }
                case .flush(let continuation):
                    let result = writeLines()
                    written += result.written
                    failed += result.failed
                    continuation.resume()
                }
            }
            let result = writeLines()
            outbox.recycle(&batch, written: written + result.written, failed: failed + result.failed)
        }
        if case .fileHandle(let handle)? = requestLog?.destination { try? handle.synchronize() }
    }

    static func logRecord(_ call: ClaudeCall, span: SpanData, price: CallPrice, includeContent: Bool) -> RequestLogRecord {
        var error: String?
        if case .error(let description) = span.status { error = description ?? call.errorType ?? "error" }
        else if call.isError { error = call.errorType ?? call.errorCategory?.rawValue }
        return RequestLogRecord(
            requestID: call.requestID, startNanoseconds: span.startTimeNanoseconds, traceID: span.context.traceID,
            spanID: span.context.spanID, model: call.model, userID: call.userID, feature: call.feature,
            uncachedInputTokens: call.uncachedInputTokens, outputTokens: call.outputTokens,
            cacheReadTokens: call.cacheReadTokens, cacheCreationTokens: call.cacheCreationTokens,
            durationSeconds: call.durationSeconds, timeToFirstToken: call.timeToFirstToken, statusCode: call.statusCode,
            error: error, errorCategory: call.errorCategory?.rawValue, retries: call.retries,
            costUSD: price.nanos.map(Nanodollars.usd) ?? (price == .free ? 0 : nil),
            priceUnknown: price == .unknown, anthropicRequestID: call.serverRequestID,
            system: includeContent ? call.systemInstructions : nil, prompt: includeContent ? call.inputMessages : nil,
            reply: includeContent ? call.outputMessages : nil, includeContent: includeContent)
    }
}
