/// Sees every recording span start and end, in registration order, synchronously on the
/// caller's thread. Implementations must not block and must be safe to call concurrently.
///
/// A processor is an object (a class or an actor): it is shared by every span of a provider,
/// and calling it then needs no copy of an existential container per span.
public protocol SpanProcessor: AnyObject, Sendable {
    /// A span started; it can still be changed.
    func onStart(_ span: Span, parentContext: SpanContext?)
    /// A span ended. Sampled and record-only spans both arrive here; only sampled ones may be
    /// exported. `consuming` lets a processor keep the span without copying it (the last
    /// processor gets the span itself); an implementation may still declare a plain parameter.
    func onEnd(_ span: consuming SpanData)
    /// Exports everything received so far.
    func forceFlush() async
    /// Flushes, then refuses further spans. Only the first call does anything.
    func shutdown() async
}

extension SpanProcessor {
    /// Does nothing: most processors only look at ended spans.
    public func onStart(_ span: Span, parentContext: SpanContext?) {}
    /// Nothing buffered: returns at once.
    public func forceFlush() async {}
    /// Nothing to release.
    public func shutdown() async {}
}

/// A processor whose `onStart` does nothing. The provider leaves it out of the loop over
/// processors when a span starts (an existential copy and call per processor per span).
protocol SpanStartIgnoring {}
