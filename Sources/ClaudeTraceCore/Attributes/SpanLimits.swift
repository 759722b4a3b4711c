/// How many attributes a collection may hold, and how long their strings may be.
public struct AttributeLimits: Hashable, Sendable {
    /// Attributes the collection may hold; later ones are dropped and counted.
    public var countLimit: Int
    /// Characters per string value (and per element of a string array); nil is no limit.
    public var valueLengthLimit: Int?

    /// Limits of `countLimit` attributes and, when given, `valueLengthLimit` characters per string.
    public init(countLimit: Int = 128, valueLengthLimit: Int? = nil) {
        self.countLimit = countLimit
        self.valueLengthLimit = valueLengthLimit
    }
}

/// Limits on what a span may hold. Surplus attributes, events and links are dropped and
/// counted; the counts are exported. Defaults are the spec's.
public struct SpanLimits: Hashable, Sendable {
    /// Attributes per span. `OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT`, else `OTEL_ATTRIBUTE_COUNT_LIMIT`; default 128.
    public var attributeCountLimit: Int
    /// Characters per attribute string. `OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT`, else
    /// `OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT`; default no limit.
    public var attributeValueLengthLimit: Int?
    /// Events per span. `OTEL_SPAN_EVENT_COUNT_LIMIT`; default 128.
    public var eventCountLimit: Int
    /// Links per span. `OTEL_SPAN_LINK_COUNT_LIMIT`; default 128.
    public var linkCountLimit: Int
    /// Attributes per event. `OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT`; default 128.
    public var attributePerEventCountLimit: Int
    /// Attributes per link. `OTEL_LINK_ATTRIBUTE_COUNT_LIMIT`; default 128.
    public var attributePerLinkCountLimit: Int

    /// Limits with the spec's defaults for whatever is not given.
    public init(
        attributeCountLimit: Int = 128, attributeValueLengthLimit: Int? = nil,
        eventCountLimit: Int = 128, linkCountLimit: Int = 128,
        attributePerEventCountLimit: Int = 128, attributePerLinkCountLimit: Int = 128
    ) {
        self.attributeCountLimit = attributeCountLimit
        self.attributeValueLengthLimit = attributeValueLengthLimit
        self.eventCountLimit = eventCountLimit
        self.linkCountLimit = linkCountLimit
        self.attributePerEventCountLimit = attributePerEventCountLimit
        self.attributePerLinkCountLimit = attributePerLinkCountLimit
    }

    /// The spec's defaults, overridden by the `OTEL_*` limit variables that are set and valid.
    /// The span-specific variable wins over the general `OTEL_ATTRIBUTE_*` one.
    public static func fromEnvironment(_ environment: EnvironmentReader = EnvironmentReader()) -> SpanLimits {
        let generalCount = environment.integer("OTEL_ATTRIBUTE_COUNT_LIMIT", minimum: 0)
        let generalLength = environment.integer("OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", minimum: 0)
        return SpanLimits(
            attributeCountLimit: environment.integer("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", minimum: 0) ?? generalCount ?? 128,
            attributeValueLengthLimit: environment.integer("OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT", minimum: 0) ?? generalLength,
            eventCountLimit: environment.integer("OTEL_SPAN_EVENT_COUNT_LIMIT", minimum: 0) ?? 128,
            linkCountLimit: environment.integer("OTEL_SPAN_LINK_COUNT_LIMIT", minimum: 0) ?? 128,
            attributePerEventCountLimit: environment.integer("OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT", minimum: 0) ?? 128,
            attributePerLinkCountLimit: environment.integer("OTEL_LINK_ATTRIBUTE_COUNT_LIMIT", minimum: 0) ?? 128)
    }

    /// A link to `context` within these limits; nil for a link to an invalid context with no
    /// attributes and no trace state (spec: such a link is not kept).
    func makeLink(_ context: SpanContext, attributes: Attributes) -> SpanLink? {
        guard context.isValid || !attributes.isEmpty || !context.traceState.isEmpty else { return nil }
        let (limited, dropped) = attributes.limited(by: linkAttributes)
        return SpanLink(context: context, attributes: limited, droppedAttributesCount: dropped)
    }

    var spanAttributes: AttributeLimits { AttributeLimits(countLimit: attributeCountLimit, valueLengthLimit: attributeValueLengthLimit) }
    var eventAttributes: AttributeLimits { AttributeLimits(countLimit: attributePerEventCountLimit, valueLengthLimit: attributeValueLengthLimit) }
    var linkAttributes: AttributeLimits { AttributeLimits(countLimit: attributePerLinkCountLimit, valueLengthLimit: attributeValueLengthLimit) }
}
