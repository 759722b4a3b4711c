/// Where a new span's parent comes from.
public enum SpanParent: Sendable {
    /// The span current in this task (the default).
    case current
    /// No parent: the span starts a new trace.
    case root
    /// This span.
    case span(Span)
    /// This context, e.g. captured before `Task.detached` or extracted from a `traceparent`.
    case context(SpanContext)

    @inline(__always)
    var resolved: SpanContext? {
        switch self {
        case .current: Span.current?.context
        case .root: nil
        case .span(let span): span.context
        case .context(let context): context
        }
    }
}

/// Starts spans for one instrumentation scope. Get one from ``TracerProvider/tracer(_:version:schemaURL:attributes:)``.
public final class Tracer: Sendable {
    /// The provider whose sampler, limits and processors its spans use.
    public let provider: TracerProvider
    @usableFromInline let origin: SpanOrigin

    /// The instrumentation library its spans name.
    public var scope: InstrumentationScope { origin.scope }

    convenience init(provider: TracerProvider, scope: InstrumentationScope) {
        self.init(provider: provider, origin: SpanOrigin(resource: provider.resource, scope: scope))
    }

    init(provider: TracerProvider, origin: SpanOrigin) {
        self.provider = provider
        self.origin = origin
    }

    /// Starts a span that the caller ends with ``Span/end(at:)``. It does not become current.
    ///
    /// Follows the spec's order: trace id from a valid parent (or a new one), then the sampler,
    /// then a new span id whatever the decision. (With the built-in ``RandomIDGenerator`` a
    /// root span's two ids are drawn together; the order cannot be observed.)
    ///
    /// `attributes` is evaluated only when it is needed: when the span records, or when the
    /// sampler is one that reads attributes (not the built-in ones). A span nobody keeps so
    /// never builds its attributes: building, checking and freeing 8 of them was two thirds of
    /// an unsampled span's cost (212 ns before, 75 ns after; docs/benchmarks.md, W1c).
    public func startSpan(
        _ name: String, kind: SpanKind = .internal, attributes: @autoclosure () -> Attributes = [:],
        links: [SpanLink] = [], parent: SpanParent = .current, startTime: UInt64? = nil
    ) -> Span {
        provider.startSpan(name, origin: origin, kind: kind, attributes: attributes(), links: links, parent: parent, startTime: startTime)
    }

    /// Runs `operation` inside a new span that is current for its duration (through `await`,
    /// `async let`, task groups and `Task { }`). The span ends when `operation` returns or
    /// throws; a thrown error is recorded (an `exception` event, status error) and rethrown.
    /// Runs on the caller's isolation: no executor hop.
    ///
    /// Inlinable, so that it is specialized and inlined into the caller with the caller's
    /// `operation`: as a call into this module, every async frame between the caller and its
    /// closure (this one, the stdlib's `withValue`, the closure that binds the span) cost
    /// executor switches on entry and after each await, each a 16-byte atomic read of the task's
    /// status (`swift_task_switch`; W1b-async in docs/benchmarks.md).
    @inlinable @inline(__always)
    public func withSpan<T>(
        _ name: String, kind: SpanKind = .internal, attributes: @autoclosure () -> Attributes = [:],
        links: [SpanLink] = [], parent: SpanParent = .current,
        isolation: isolated (any Actor)? = #isolation,
        _ operation: (Span) async throws -> T
    ) async rethrows -> T {
        try await provider.withSpan(
            name, origin: origin, kind: kind, attributes: attributes(), links: links, parent: parent, isolation: isolation, operation)
    }

    /// The synchronous form of ``withSpan(_:kind:attributes:links:parent:isolation:_:)``.
    public func withSpan<T>(
        _ name: String, kind: SpanKind = .internal, attributes: @autoclosure () -> Attributes = [:],
        links: [SpanLink] = [], parent: SpanParent = .current,
        _ operation: (Span) throws -> T
    ) rethrows -> T {
        try provider.withSpan(name, origin: origin, kind: kind, attributes: attributes(), links: links, parent: parent, operation)
    }
}

/// Where spans start: the bodies of ``Tracer``'s methods, for a tracer's origin. The free
/// functions use the provider's default origin with them, without making a tracer (an
/// allocation per span). As methods of the provider they read its fields from `self`, without
/// the retains that reading them through a tracer's `provider` cost.
extension TracerProvider {
    @usableFromInline
    func startSpan(
        _ name: String, origin: SpanOrigin, kind: SpanKind, attributes: @autoclosure () -> Attributes,
        links: [SpanLink], parent: SpanParent, startTime: UInt64? = nil
    ) -> Span {
        let parentContext = parent.resolved.flatMap { $0.isValid ? $0 : nil }
        let traceID: TraceID
        var rootSpanID: SpanID? = nil
        if let parentContext {
            traceID = parentContext.traceID
        } else {
            (traceID, rootSpanID) = makeRootIDs()
        }
        guard isActive else {
            let context = SpanContext(
                traceID: traceID, spanID: rootSpanID ?? makeSpanID(),
                traceFlags: parentContext?.traceFlags ?? [], traceState: parentContext?.traceState ?? TraceState())
            return Span(nonRecording: context, parentSpanID: parentContext?.spanID, kind: kind)
        }
        let initialAttributes = samplerReadsAttributes ? attributes() : nil
        let decision: SamplingDecision
        let traceState: TraceState
        var samplerAttributes = Attributes()
        if let builtIn = builtInSampling {
            decision = builtIn.decision(parent: parentContext)
            traceState = parentContext?.traceState ?? TraceState()
        } else {
            let result = sampler.shouldSample(
                parentContext: parentContext, traceID: traceID, name: name, kind: kind,
                attributes: initialAttributes ?? Attributes(), links: links)
            (decision, traceState, samplerAttributes) = (result.decision, result.traceState, result.attributes)
        }
        let spanID = rootSpanID ?? makeSpanID()
        var flags: TraceFlags = parentContext.map { $0.traceFlags.intersection(.random) } ?? .random
        if decision == .recordAndSample { flags.insert(.sampled) }
        let context = SpanContext(traceID: traceID, spanID: spanID, traceFlags: flags, traceState: traceState)
        guard decision != .drop else { return Span(nonRecording: context, parentSpanID: parentContext?.spanID, kind: kind) }

        var spanAttributes = initialAttributes ?? attributes()
        for (key, value) in samplerAttributes { spanAttributes[key] = value }
        let (limitedAttributes, droppedAttributes) = (consume spanAttributes).limited(by: limits.spanAttributes)
        var keptLinks: [SpanLink] = []
        for link in links {
            guard let limited = makeLink(link.context, attributes: link.attributes) else { continue }
            keptLinks.append(limited)
        }
        let droppedLinks = max(0, keptLinks.count - limits.linkCountLimit)
        if droppedLinks > 0 { keptLinks.removeLast(droppedLinks) }

        let monotonic = MonotonicClock.nanoseconds()
        let span = Span(
            name: name, kind: kind, context: context, parentSpanID: parentContext?.spanID,
            parentIsRemote: parentContext?.isRemote ?? false, attributes: limitedAttributes,
            droppedAttributes: droppedAttributes, links: keptLinks, droppedLinks: droppedLinks,
            startWall: startTime ?? AnchoredWallClock.nanoseconds(at: monotonic), startMonotonic: monotonic, provider: self, origin: origin)
        for processor in startProcessors { processor.onStart(span, parentContext: parentContext) }
        return span
    }

    /// The body of the tracer's and the free async `withSpan`, inlined into both, and with
    /// them into their callers (see ``Tracer/withSpan(_:kind:attributes:links:parent:isolation:_:)``).
    @inlinable @inline(__always)
    func withSpan<T>(
        _ name: String, origin: SpanOrigin, kind: SpanKind, attributes: @autoclosure () -> Attributes,
        links: [SpanLink], parent: SpanParent, isolation: isolated (any Actor)?,
        _ operation: (Span) async throws -> T
    ) async rethrows -> T {
        // Held as the task-local's type from the start, so binding it copies nothing more (a
        // copy of a span is two retains and two releases; W1b in docs/benchmarks.md).
        let current: Span? = startSpan(name, origin: origin, kind: kind, attributes: attributes(), links: links, parent: parent)
        defer { current!.end() }
        do {
            // The closure names `isolation`, which makes it isolated to the caller's actor: a
            // closure that does not is nonisolated, so it hopped to the global executor and the
            // caller's `operation` hopped back, twice more on its return. On an actor those
            // switches are cheap; on the main actor each is a thread hop, and a nested pair of
            // spans took 17 µs instead of 0.3 (a bare model of this function, measured alone;
            // W1b-main in docs/benchmarks.md).
            return try await CurrentSpan.binding.withValue(current, operation: {
                _ = isolation
                return try await operation(current.unsafelyUnwrapped)
            }, isolation: isolation)
        } catch {
            current!.recordError(error)
            throw error
        }
    }

    func withSpan<T>(
        _ name: String, origin: SpanOrigin, kind: SpanKind, attributes: @autoclosure () -> Attributes,
        links: [SpanLink], parent: SpanParent, _ operation: (Span) throws -> T
    ) rethrows -> T {
        // As in the async form: held as the task-local's type, so binding it copies nothing more.
        let current: Span? = startSpan(name, origin: origin, kind: kind, attributes: attributes(), links: links, parent: parent)
        defer { current!.end() }
        do {
            return try CurrentSpan.$value.withValue(current) { try operation(current!) }
        } catch {
            current!.recordError(error)
            throw error
        }
    }
}

/// ``Tracer/withSpan(_:kind:attributes:links:parent:isolation:_:)`` on the current provider's
/// default tracer's scope (the task-local override, else the global provider). Inlinable, as
/// the tracer's is.
@inlinable
public func withSpan<T>(
    _ name: String, kind: SpanKind = .internal, attributes: @autoclosure () -> Attributes = [:],
    links: [SpanLink] = [], parent: SpanParent = .current,
    isolation: isolated (any Actor)? = #isolation,
    _ operation: (Span) async throws -> T
) async rethrows -> T {
    let provider = TracerProvider.current
    return try await provider.withSpan(
        name, origin: provider.defaultOrigin, kind: kind, attributes: attributes(), links: links, parent: parent,
        isolation: isolation, operation)
}

/// The synchronous free `withSpan`.
public func withSpan<T>(
    _ name: String, kind: SpanKind = .internal, attributes: @autoclosure () -> Attributes = [:],
    links: [SpanLink] = [], parent: SpanParent = .current,
    _ operation: (Span) throws -> T
) rethrows -> T {
    let provider = TracerProvider.current
    return try provider.withSpan(
        name, origin: provider.defaultOrigin, kind: kind, attributes: attributes(), links: links, parent: parent, operation)
}

/// Starts a span on the current provider's default tracer; the caller ends it.
public func startSpan(
    _ name: String, kind: SpanKind = .internal, attributes: @autoclosure () -> Attributes = [:],
    links: [SpanLink] = [], parent: SpanParent = .current
) -> Span {
    let provider = TracerProvider.current
    return provider.startSpan(name, origin: provider.defaultOrigin, kind: kind, attributes: attributes(), links: links, parent: parent)
}

extension CurrentSpan {
    /// The task-local itself, for the inlinable `withSpan`s.
    @usableFromInline static var binding: TaskLocal<Span?> { $value }
}
