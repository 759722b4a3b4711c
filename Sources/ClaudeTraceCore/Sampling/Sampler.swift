/// A sampler's verdict on a new span.
public enum SamplingDecision: Sendable, Hashable {
    /// Not recorded, not exported; the context still propagates.
    case drop
    /// Recorded (processors see it) but not sampled (exporters do not).
    case recordOnly
    /// Recorded and exported.
    case recordAndSample
}

/// What a sampler decided for a new span, and what it adds to it.
public struct SamplingResult: Sendable {
    /// Whether the span is dropped, recorded, or recorded and sampled.
    public var decision: SamplingDecision
    /// Added to the span's attributes.
    public var attributes: Attributes
    /// The new span's trace state: pass the parent's through unless changing it.
    public var traceState: TraceState

    /// A result; the attributes and trace state default to none.
    public init(decision: SamplingDecision, attributes: Attributes = Attributes(), traceState: TraceState = TraceState()) {
        self.decision = decision
        self.attributes = attributes
        self.traceState = traceState
    }
}

/// Decides whether a new span is recorded and exported. Must be safe to call concurrently.
public protocol Sampler: Sendable, CustomStringConvertible {
    /// The decision for a span about to start, from what is known of it then.
    func shouldSample(
        parentContext: SpanContext?, traceID: TraceID, name: String, kind: SpanKind,
        attributes: Attributes, links: [SpanLink]
    ) -> SamplingResult
}

/// Samples every span. Description `AlwaysOnSampler`.
public struct AlwaysOnSampler: Sampler {
    /// The sampler.
    public init() {}
    /// Records and samples the span, keeping the parent's trace state.
    public func shouldSample(
        parentContext: SpanContext?, traceID: TraceID, name: String, kind: SpanKind,
        attributes: Attributes, links: [SpanLink]
    ) -> SamplingResult {
        SamplingResult(decision: .recordAndSample, traceState: parentContext?.traceState ?? TraceState())
    }
    /// `AlwaysOnSampler`.
    public var description: String { "AlwaysOnSampler" }
}

/// Drops every span. Description `AlwaysOffSampler`.
public struct AlwaysOffSampler: Sampler {
    /// The sampler.
    public init() {}
    /// Drops the span, keeping the parent's trace state.
    public func shouldSample(
        parentContext: SpanContext?, traceID: TraceID, name: String, kind: SpanKind,
        attributes: Attributes, links: [SpanLink]
    ) -> SamplingResult {
        SamplingResult(decision: .drop, traceState: parentContext?.traceState ?? TraceState())
    }
    /// `AlwaysOffSampler`.
    public var description: String { "AlwaysOffSampler" }
}

/// Samples a fixed fraction of traces, decided by the trace id alone, so every service that
/// sees a trace makes the same decision.
///
/// The algorithm is Go's and Java's: read trace-id bytes 8–15 as a big-endian `UInt64` `x`
/// and sample when `x >> 1 < UInt64(ratio × 2⁶³)`. It is monotone (a higher ratio samples a
/// superset). Python compares `x < round(ratio × 2⁶⁴)`, which differs only on the lowest bit.
/// https://opentelemetry.io/docs/specs/otel/trace/sdk/#traceidratiobased
public struct TraceIDRatioBasedSampler: Sampler {
    /// The fraction of traces sampled, 0…1 (below 0 samples none, above 1 all).
    public let ratio: Double
    let bound: UInt64

    /// Samples `ratio` of all traces.
    public init(ratio: Double) {
        self.ratio = ratio
        if !(ratio > 0) {
            bound = 0
        } else if ratio >= 1 {
            bound = UInt64.max
        } else {
            bound = UInt64(ratio * 9_223_372_036_854_775_808.0)  // ratio × 2⁶³
        }
    }

    /// Whether a trace with this id is sampled.
    public func isSampled(_ traceID: TraceID) -> Bool {
        bound == UInt64.max || (traceID.low >> 1) < bound
    }

    /// Samples the span when ``isSampled(_:)`` says its trace is, keeping the parent's trace state.
    public func shouldSample(
        parentContext: SpanContext?, traceID: TraceID, name: String, kind: SpanKind,
        attributes: Attributes, links: [SpanLink]
    ) -> SamplingResult {
        SamplingResult(
            decision: isSampled(traceID) ? .recordAndSample : .drop,
            traceState: parentContext?.traceState ?? TraceState())
    }

    /// `TraceIdRatioBased{0.250000}`, as the spec spells it.
    public var description: String {
        "TraceIdRatioBased{\(formatSixDecimals(ratio))}"
    }
}

/// Follows the parent's decision, and asks `root` for spans without a parent. Each of the five
/// cases has its own delegate, with the spec's defaults.
public struct ParentBasedSampler: Sampler {
    /// Decides for spans without a parent.
    public let root: any Sampler
    /// Decides under a sampled parent from another process; default always on.
    public let remoteParentSampled: any Sampler
    /// Decides under an unsampled parent from another process; default always off.
    public let remoteParentNotSampled: any Sampler
    /// Decides under a sampled parent in this process; default always on.
    public let localParentSampled: any Sampler
    /// Decides under an unsampled parent in this process; default always off.
    public let localParentNotSampled: any Sampler

    /// A parent-based sampler; only `root` is required.
    public init(
        root: any Sampler,
        remoteParentSampled: any Sampler = AlwaysOnSampler(),
        remoteParentNotSampled: any Sampler = AlwaysOffSampler(),
        localParentSampled: any Sampler = AlwaysOnSampler(),
        localParentNotSampled: any Sampler = AlwaysOffSampler()
    ) {
        self.root = root
        self.remoteParentSampled = remoteParentSampled
        self.remoteParentNotSampled = remoteParentNotSampled
        self.localParentSampled = localParentSampled
        self.localParentNotSampled = localParentNotSampled
    }

    /// Asks the delegate for the new span's kind of parent.
    public func shouldSample(
        parentContext: SpanContext?, traceID: TraceID, name: String, kind: SpanKind,
        attributes: Attributes, links: [SpanLink]
    ) -> SamplingResult {
        let delegate: any Sampler
        switch (parentContext, parentContext?.isRemote, parentContext?.isSampled) {
        case (nil, _, _): delegate = root
        case (_, true, true): delegate = remoteParentSampled
        case (_, true, _): delegate = remoteParentNotSampled
        case (_, _, true): delegate = localParentSampled
        default: delegate = localParentNotSampled
        }
        return delegate.shouldSample(
            parentContext: parentContext, traceID: traceID, name: name, kind: kind,
            attributes: attributes, links: links)
    }

    /// `ParentBased{root:…,remoteParentSampled:…,…}`, as the spec spells it.
    public var description: String {
        "ParentBased{root:\(root),remoteParentSampled:\(remoteParentSampled),remoteParentNotSampled:\(remoteParentNotSampled),localParentSampled:\(localParentSampled),localParentNotSampled:\(localParentNotSampled)}"
    }
}

extension Sampler {
    /// True for the built-in samplers, which decide without reading the new span's attributes
    /// (a parent-based one when all its delegates are built in). Another sampler may read them.
    var ignoresAttributes: Bool {
        switch self {
        case is AlwaysOnSampler, is AlwaysOffSampler, is TraceIDRatioBasedSampler: true
        case let parentBased as ParentBasedSampler:
            [parentBased.root, parentBased.remoteParentSampled, parentBased.remoteParentNotSampled,
             parentBased.localParentSampled, parentBased.localParentNotSampled].allSatisfy(\.ignoresAttributes)
        default: false
        }
    }
}

/// The rule of a built-in sampler that decides from the parent alone: always on, always off,
/// or parent-based with an always-on root and the default delegates (the provider's default).
/// Each keeps the parent's trace state and adds no attributes, as those samplers do.
enum BuiltInSampling {
    case alwaysOn, alwaysOff, parentBasedAlwaysOn

    init?(_ sampler: any Sampler) {
        switch sampler {
        case is AlwaysOnSampler: self = .alwaysOn
        case is AlwaysOffSampler: self = .alwaysOff
        case let parentBased as ParentBasedSampler
            where parentBased.root is AlwaysOnSampler
            && parentBased.remoteParentSampled is AlwaysOnSampler && parentBased.remoteParentNotSampled is AlwaysOffSampler
            && parentBased.localParentSampled is AlwaysOnSampler && parentBased.localParentNotSampled is AlwaysOffSampler:
            self = .parentBasedAlwaysOn
        default: return nil
        }
    }

    @inline(__always)
    func decision(parent: SpanContext?) -> SamplingDecision {
        switch self {
        case .alwaysOn: .recordAndSample
        case .alwaysOff: .drop
        case .parentBasedAlwaysOn: parent == nil || parent!.isSampled ? .recordAndSample : .drop
        }
    }
}

extension Sampler where Self == AlwaysOnSampler {
    /// A sampler that samples every span.
    public static var alwaysOn: AlwaysOnSampler { AlwaysOnSampler() }
}

extension Sampler where Self == AlwaysOffSampler {
    /// A sampler that drops every span.
    public static var alwaysOff: AlwaysOffSampler { AlwaysOffSampler() }
}

extension Sampler where Self == TraceIDRatioBasedSampler {
    /// A sampler that samples `ratio` of all traces, by trace id.
    public static func traceIDRatio(_ ratio: Double) -> TraceIDRatioBasedSampler { TraceIDRatioBasedSampler(ratio: ratio) }
}

extension Sampler where Self == ParentBasedSampler {
    /// A sampler that follows the parent, and asks `root` for spans without one.
    public static func parentBased(root: any Sampler) -> ParentBasedSampler { ParentBasedSampler(root: root) }
}

/// The sampler named by `OTEL_TRACES_SAMPLER` and `OTEL_TRACES_SAMPLER_ARG`; nil when unset
/// or unsupported (reported), so the caller keeps its default.
public func samplerFromEnvironment(_ environment: EnvironmentReader = EnvironmentReader()) -> (any Sampler)? {
    let names = ["always_on", "always_off", "traceidratio", "parentbased_always_on", "parentbased_always_off", "parentbased_traceidratio"]
    guard let name = environment.choice("OTEL_TRACES_SAMPLER", names) else { return nil }
    let ratio = { environment.double("OTEL_TRACES_SAMPLER_ARG", in: 0...1) ?? 1.0 }
    switch name {
    case "always_on": return AlwaysOnSampler()
    case "always_off": return AlwaysOffSampler()
    case "traceidratio": return TraceIDRatioBasedSampler(ratio: ratio())
    case "parentbased_always_off": return ParentBasedSampler(root: AlwaysOffSampler())
    case "parentbased_traceidratio": return ParentBasedSampler(root: TraceIDRatioBasedSampler(ratio: ratio()))
    default: return ParentBasedSampler(root: AlwaysOnSampler())
    }
}

func formatSixDecimals(_ value: Double) -> String {
    let scaled = Int64((value * 1_000_000).rounded())
    let whole = scaled / 1_000_000, fraction = scaled % 1_000_000
    let digits = String(fraction)
    return "\(whole).\(String(repeating: "0", count: 6 - digits.count))\(digits)"
}
