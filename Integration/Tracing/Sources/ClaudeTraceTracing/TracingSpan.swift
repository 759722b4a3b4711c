import ClaudeTraceCore
import Instrumentation
import Tracing

/// A swift-distributed-tracing span backed by a ClaudeTrace span: every change goes to that
/// span, under its lock and limits, and it is exported when it ends.
///
/// A small value: copies refer to the same span. `attributes` reads and writes the ClaudeTrace
/// span's own attributes, so what either API sets, both see.
public struct TracingSpan: Tracing.Span {
    /// The ClaudeTrace span.
    public let span: ClaudeTraceCore.Span
    /// The context this span was started in, with this span in it.
    public let context: ServiceContext

    init(span: ClaudeTraceCore.Span, context: ServiceContext) {
        self.span = span
        self.context = context
    }

    public var operationName: String {
        get { span.name }
        nonmutating set { span.updateName(newValue) }
    }

    public var isRecording: Bool { span.isRecording }

    /// The span's attributes. Setting them replaces them all: a key left out is removed.
    ///
    /// swift-distributed-tracing sets attributes by reading them all, changing the copy and
    /// writing it back (`span.attributes["k"] = v`, `updateAttributes`), so the copy read here
    /// has room for 8 more: without it, the dictionary grew 4 times as a span's first 8 were set
    /// (12% of a nested pair through swift-distributed-tracing, perf on W1b-sdt).
    public var attributes: SpanAttributes {
        get {
            let current = span.attributes.all
            var attributes = [String: SpanAttribute](minimumCapacity: current.count + 8)
            for (key, value) in current { attributes[key] = SpanAttribute(value) }
            return SpanAttributes(attributes)
        }
        nonmutating set {
            span.replaceAttributes(Attributes(newValue))
        }
    }

    public func setStatus(_ status: Tracing.SpanStatus) {
        switch status.code {
        case .ok: span.setStatus(.ok)
        case .error: span.setStatus(.error(description: status.message))
        }
    }

    public func addEvent(_ event: Tracing.SpanEvent) {
        span.addEvent(event.name, attributes: Attributes(event.attributes), at: event.nanosecondsSinceEpoch)
    }

    /// Adds an `exception` event (`exception.type`, `exception.message`, then `attributes`), as
    /// swift-distributed-tracing means it: the status is left to the caller (its `withSpan` sets
    /// error when the operation throws).
    public func recordError<Instant: TracerInstant>(
        _ error: any Error, attributes: SpanAttributes, at instant: @autoclosure () -> Instant
    ) {
        guard span.isRecording else { return }
        var eventAttributes: Attributes = [
            "exception.type": .string(String(reflecting: type(of: error))),
            "exception.message": .string(String(describing: error)),
        ]
        for (key, value) in Attributes(attributes) { eventAttributes[key] = value }
        span.addEvent("exception", attributes: eventAttributes, at: instant().nanosecondsSinceEpoch)
    }

    /// Links to the span in `link.context`; a context with none is ignored.
    public func addLink(_ link: Tracing.SpanLink) {
        guard let linked = link.context.claudeTraceSpan else { return }
        span.addLink(linked.context, attributes: Attributes(link.attributes))
    }

    public func end<Instant: TracerInstant>(at instant: @autoclosure () -> Instant) {
        span.end(at: instant().nanosecondsSinceEpoch)
    }
}

extension ClaudeTraceCore.SpanKind {
    init(_ kind: Tracing.SpanKind) {
        self = switch kind {
        case .server: .server
        case .client: .client
        case .producer: .producer
        case .consumer: .consumer
        case .internal: .internal
        }
    }
}

extension Attributes {
    /// swift-distributed-tracing's attributes as ClaudeTrace's: 32-bit integers widen to 64, a
    /// `CustomStringConvertible` value becomes its description.
    init(_ attributes: SpanAttributes) {
        var elements: [(String, AttributeValue)] = []
        elements.reserveCapacity(attributes.count)
        attributes.forEach { key, attribute in
            if let value = AttributeValue(attribute) { elements.append((key, value)) }
        }
        self.init(elements)
    }
}

extension AttributeValue {
    init?(_ attribute: SpanAttribute) {
        switch attribute {
        case .int32(let value): self = .int(Int64(value))
        case .int64(let value): self = .int(value)
        case .int32Array(let values): self = .intArray(values.map(Int64.init))
        case .int64Array(let values): self = .intArray(values)
        case .double(let value): self = .double(value)
        case .doubleArray(let values): self = .doubleArray(values)
        case .bool(let value): self = .bool(value)
        case .boolArray(let values): self = .boolArray(values)
        case .string(let value): self = .string(value)
        case .stringArray(let values): self = .stringArray(values)
        case .stringConvertible(let value): self = .string(value.description)
        case .stringConvertibleArray(let values): self = .stringArray(values.map(\.description))
        default: return nil
        }
    }
}

extension SpanAttribute {
    init(_ value: AttributeValue) {
        self = switch value {
        case .string(let value): .string(value)
        case .bool(let value): .bool(value)
        case .int(let value): .int64(value)
        case .double(let value): .double(value)
        case .stringArray(let values): .stringArray(values)
        case .boolArray(let values): .boolArray(values)
        case .intArray(let values): .int64Array(values)
        case .doubleArray(let values): .doubleArray(values)
        }
    }
}
