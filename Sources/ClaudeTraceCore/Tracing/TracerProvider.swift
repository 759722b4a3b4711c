import Synchronization

/// Owns the sampler, id generator, limits, resource and processors, and hands out tracers.
///
/// Build one at start-up (`Telemetry.bootstrap` does this from code and the environment) and
/// install it with ``TracerProvider/setGlobal(_:)``; tests use ``withTracerProvider(_:operation:)``
/// to run with their own provider in parallel.
public final class TracerProvider: Sendable {
    /// The service every span of this provider belongs to.
    public let resource: Resource
    /// Decides which new spans are recorded and exported.
    public let sampler: any Sampler
    /// What one span may hold.
    public let limits: SpanLimits
    /// Makes trace and span ids.
    public let idGenerator: any IDGenerator
    /// Receive every recorded span as it starts and ends, in this order.
    public let processors: [any SpanProcessor]
    /// The last processor, which gets each ended span itself (the others get copies); nil
    /// when there are none. A `let` of its own, not an element of `processors`: reading an
    /// array element retains it, a stored property of `self` does not (see ``onEnd(_:)``).
    private let lastProcessor: (any SpanProcessor)?
    /// The processors before the last one.
    private let otherProcessors: [any SpanProcessor]
    /// The processors that want ``SpanProcessor/onStart(_:parentContext:)``.
    let startProcessors: [any SpanProcessor]
    private let isShutDown = Atomic(false)
    let disabled: Bool
    /// Whether the sampler may read a new span's attributes; when it cannot (the built-in
    /// samplers), a span the sampler drops never evaluates them.
    let samplerReadsAttributes: Bool
    /// The id generator when it is the built-in one, called directly (no existential) and,
    /// for a root span, for both ids at once.
    let randomIDGenerator: RandomIDGenerator?
    /// The sampler's decision rule when it is one of the common built-in ones, applied without
    /// an existential call or a ``SamplingResult`` (the same decisions and trace state).
    let builtInSampling: BuiltInSampling?

    /// - Parameters:
    ///   - resource: the service; defaults to ``Resource/detect(code:environment:)``.
    ///   - sampler: defaults to parent-based, always on for roots.
    ///   - limits: caps on each span's attributes, events and links; the defaults are the specification's.
    ///   - idGenerator: makes trace and span ids; defaults to random ones.
    ///   - processors: called in order for every recording span.
    ///   - disabled: a no-op provider (`OTEL_SDK_DISABLED=true`): spans propagate context but
    ///     record nothing.
    public init(
        resource: Resource = .detect(), sampler: any Sampler = .parentBased(root: .alwaysOn),
        limits: SpanLimits = SpanLimits(), idGenerator: any IDGenerator = RandomIDGenerator(),
        processors: [any SpanProcessor] = [], disabled: Bool = false
    ) {
        self.resource = resource
        self.sampler = sampler
        self.limits = limits
        self.idGenerator = idGenerator
        self.processors = processors
        self.lastProcessor = processors.last
        self.otherProcessors = processors.dropLast()
        self.startProcessors = processors.filter { !($0 is SpanStartIgnoring) }
        self.disabled = disabled
        self.samplerReadsAttributes = !sampler.ignoresAttributes
        self.randomIDGenerator = idGenerator as? RandomIDGenerator
        self.builtInSampling = BuiltInSampling(sampler)
        self.defaultOrigin = SpanOrigin(resource: resource, scope: InstrumentationScope(name: Resource.sdkName, version: Resource.sdkVersion))
    }

    /// A provider that records nothing: the global one until something is installed.
    public static let noop = TracerProvider(resource: Resource(), sampler: .alwaysOff, disabled: true)

    /// A tracer for an instrumentation scope. An empty name still works (the spec says log it).
    public func tracer(_ name: String, version: String? = nil, schemaURL: String = "", attributes: Attributes = [:]) -> Tracer {
        if name.isEmpty {
            Diagnostics.report(.info, component: "TracerProvider", "a tracer was requested with an empty name")
        }
        return Tracer(provider: self, scope: InstrumentationScope(name: name, version: version, schemaURL: schemaURL, attributes: attributes))
    }

    /// A tracer with the scope the free `withSpan` and `startSpan` functions use (`claude-trace`;
    /// they start their spans without making one). Made per call (one small allocation) rather
    /// than cached: a cached tracer would form a cycle with its provider.
    public var defaultTracer: Tracer { Tracer(provider: self, origin: defaultOrigin) }

    /// The resource and the default tracer's scope.
    @usableFromInline let defaultOrigin: SpanOrigin

    /// Whether spans are still recorded: false once shut down or when disabled.
    public var isActive: Bool { !disabled && !isShutDown.load(ordering: .relaxed) }

    /// Exports everything ended so far, through every processor.
    public func forceFlush() async {
        for processor in processors { await processor.forceFlush() }
    }

    /// Flushes and shuts down every processor. Only the first call does anything; after it,
    /// new spans are non-recording.
    public func shutdown() async {
        guard !isShutDown.exchange(true, ordering: .acquiringAndReleasing) else { return }
        for processor in processors { await processor.shutdown() }
    }

    /// Hands a span that has just ended to the processors in order, as a snapshot that shares
    /// the span's storage: the last processor gets it, each other one a copy. Not inlined into
    /// `Span.end`: here the processors are read from `self`, without retaining the array and
    /// each processor (see ``makeRootIDs()``).
    @inline(never)
    func onEnd(_ record: consuming Locked<SpanRecord>) {
        let span = SpanData(record: record)
        for processor in otherProcessors { processor.onEnd(span) }
        lastProcessor?.onEnd(span)
    }

    /// A new trace's id, and its root span's id when the built-in generator draws both at once.
    ///
    /// The generator is read from `self`, optionally chained: so it is not retained. (Read
    /// through a tracer's `provider`, or bound with `if let`, it was retained and released
    /// around every draw: two atomic operations more than the draw's own; W1 in
    /// docs/benchmarks.md.)
    @inline(__always)
    func makeRootIDs() -> (TraceID, SpanID?) {
        if let ids = randomIDGenerator?.makeTraceAndSpanID() { return ids }
        return (idGenerator.makeTraceID(), nil)
    }

    /// A new span id (see ``makeRootIDs()``).
    @inline(__always)
    func makeSpanID() -> SpanID {
        randomIDGenerator?.makeSpanID() ?? idGenerator.makeSpanID()
    }

    func makeLink(_ context: SpanContext, attributes: Attributes) -> SpanLink? {
        limits.makeLink(context, attributes: attributes)
    }

    // MARK: The global provider

    /// The installed provider, leaked on purpose: a reader on any thread may hold it without a
    /// lock, so it must never be freed. Providers are process-lifetime objects; replacing one
    /// leaks one object.
    /// Stored as the pointer's bit pattern (0: none) because pointers are not `Sendable`.
    private static let globalStorage = Atomic<UInt>(0)

    /// Installs `provider` as the global one, used by the free `withSpan` and by
    /// instrumentation that is given no tracer.
    public static func setGlobal(_ provider: TracerProvider) {
        let pointer = Unmanaged.passRetained(provider).toOpaque()
        globalStorage.store(UInt(bitPattern: pointer), ordering: .releasing)
    }

    /// The provider in force here: the task-local one set by ``withTracerProvider(_:operation:)``,
    /// else the global one, else ``noop``.
    public static var current: TracerProvider {
        if let local = TaskLocalProvider.value { return local }
        guard let pointer = UnsafeRawPointer(bitPattern: globalStorage.load(ordering: .acquiring)) else { return noop }
        return Unmanaged<TracerProvider>.fromOpaque(pointer).takeUnretainedValue()
    }
}

enum TaskLocalProvider {
    @TaskLocal static var value: TracerProvider?
}

/// Runs `operation` with `provider` in place of the global one, for this task and its children.
/// Lets tests run in parallel, each with its own exporter.
public func withTracerProvider<T>(
    _ provider: TracerProvider, isolation: isolated (any Actor)? = #isolation,
    operation: () async throws -> T
) async rethrows -> T {
    try await TaskLocalProvider.$value.withValue(provider, operation: operation, isolation: isolation)
}

/// The synchronous form of ``withTracerProvider(_:isolation:operation:)``.
public func withTracerProvider<T>(_ provider: TracerProvider, operation: () throws -> T) rethrows -> T {
    try TaskLocalProvider.$value.withValue(provider, operation: operation)
}
