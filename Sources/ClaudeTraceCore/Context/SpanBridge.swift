import Synchronization

/// Another tracing API that keeps a current span of its own, such as swift-distributed-tracing
/// with its `ServiceContext`. Once installed (``Span/installBridge(_:)``), ClaudeTrace's current
/// span is the newer of its own and the bridge's, so spans started through either API nest under
/// each other. The ClaudeTraceTracing package (`Integration/Tracing`) is one.
public protocol SpanBridge: AnyObject, Sendable {
    /// The span the other API has made current in this task, if any.
    func currentBridgedSpan() -> BridgedSpan?
}

/// A span that another tracing API made current, with what ClaudeTrace needs to tell whether it
/// is newer than ClaudeTrace's own current span.
///
/// Both APIs keep their current span in a task-local, and task-locals nest: a span made current
/// inside the other's scope is the newer one until its scope ends. So a bridged span records
/// which of ClaudeTrace's spans was current when it was made. While that one is still
/// ClaudeTrace's current span, the bridged span is newer; once ClaudeTrace has made another one
/// current (a `withSpan` inside the bridged span's scope), that one is.
public struct BridgedSpan: Sendable {
    /// The span the other API made current.
    public let span: Span
    /// The id of ClaudeTrace's own current span when this was made; nil when there was none.
    let enclosingSpanID: SpanID?

    /// Wraps `span`, noting ClaudeTrace's own current span: make it in the task, and at the
    /// time, that the other API starts `span` (or extracts its context from a request).
    public init(_ span: Span) {
        self.span = span
        self.enclosingSpanID = CurrentSpan.value?.context.spanID
    }
}

extension Span {
    /// Makes ``current`` follow `bridge` too, for the rest of the process. Only the first bridge
    /// is kept: returns false, and changes nothing, when one is already installed.
    @discardableResult
    public static func installBridge(_ bridge: any SpanBridge) -> Bool {
        let box = InstalledBridge(bridge)
        return InstalledBridge.shared.storeIfNil(box) === box
    }

    /// The newer of ClaudeTrace's own current span and `bridged` (see ``BridgedSpan``): what a
    /// bridge uses as the parent of a span the other API starts with `bridged` as its parent.
    public static func current(bridged: BridgedSpan?) -> Span? {
        let own = CurrentSpan.value
        guard let bridged else { return own }
        guard let own else { return bridged.span }
        return bridged.enclosingSpanID == own.context.spanID ? bridged.span : own
    }
}

/// The installed bridge, written once and then only read: one atomic load per lookup.
final class InstalledBridge: Sendable {
    let bridge: any SpanBridge
    init(_ bridge: any SpanBridge) { self.bridge = bridge }

    static let shared = AtomicLazyReference<InstalledBridge>()
}
