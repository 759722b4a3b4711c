/// Durations of recent successful calls, for the latency alert: the calls of the current
/// window of `windowMinutes` and of the one before, in two sketches that rotate. Memory: two
/// sketches.
struct RecentLatency: Sendable {
    let windowMinutes: Int64
    private var window: Int64 = .min
    private var current = QuantileSketch()
    private var previous = QuantileSketch()

    init(windowMinutes: Int) {
        self.windowMinutes = Int64(max(1, windowMinutes))
    }

    /// Adds the call's duration when it succeeded.
    @inline(__always)
    mutating func record(_ call: ClaudeCall, minute: Int64) {
        guard !call.isError else { return }
        rotate(to: minute)
        current.add(call.durationSeconds)
    }

    /// The recent durations as of `minute`: the current window merged with the previous one.
    func sketch(at minute: Int64) -> QuantileSketch {
        let now = minute / windowMinutes
        var result = QuantileSketch()
        if window == now {
            result.mergeCompatible(current)
            result.mergeCompatible(previous)
        } else if window == now - 1 {
            result.mergeCompatible(current)
        }
        return result
    }

    private mutating func rotate(to minute: Int64) {
        let now = minute / windowMinutes
        guard now != window else { return }
        if now < window { return }
        previous = now == window + 1 ? current : QuantileSketch()
        current = QuantileSketch()
        window = now
    }
}
