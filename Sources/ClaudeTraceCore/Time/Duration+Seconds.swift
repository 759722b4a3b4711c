extension Duration {
    /// The duration in seconds, as a double.
    package var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) / 1e18
    }

    /// The duration in whole milliseconds, rounded.
    package var milliseconds: Int64 {
        let (whole, attoseconds) = components
        return whole * 1000 + Int64((Double(attoseconds) / 1e15).rounded())
    }
}
