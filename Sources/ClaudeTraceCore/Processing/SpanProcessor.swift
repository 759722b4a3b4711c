/// Sees every recording span start and end, in registration order, synchronously on the
/// caller's thread. Implementations must not block and must be safe to call concurrently.
public protocol SpanProcessor: Sendable {
    /// A span started; it can still be changed.
    func onStart(_ span: Span, parentContext: SpanContext?)
    /// A span ended. Sampled and record-only spans both arrive here; only sampled ones may be
    /// exported.
    func onEnd(_ span: SpanData)
    /// Exports everything received so far.
    func forceFlush() async
    /// Flushes, then refuses further spans. Only the first call does anything.
    func shutdown() async
}

extension SpanProcessor {
    public func onStart(_ span: Span, parentContext: SpanContext?) {}
    public func forceFlush() async {}
    public func shutdown() async {}
}
