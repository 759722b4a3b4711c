extension Duration {
    /// The duration in seconds, as a double.
    package var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) / 1e18
    }

    /// Whole nanoseconds, saturating; negative durations are zero.
    package var wholeNanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        guard seconds >= 0 else { return 0 }
        let (whole, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : whole &+ UInt64(max(0, attoseconds) / 1_000_000_000)
    }

    /// The duration in whole milliseconds, rounded.
    package var milliseconds: Int64 {
        let (whole, attoseconds) = components
        return whole * 1000 + Int64((Double(attoseconds) / 1e15).rounded())
    }
}
