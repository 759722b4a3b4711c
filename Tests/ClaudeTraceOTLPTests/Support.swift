import ClaudeTraceCore
@testable import ClaudeTraceOTLP
import Foundation
import Synchronization
import Testing

/// A span with every field set to something recognisable; override what a test looks at.
func makeSpan(
    name: String = "op", kind: SpanKind = .internal,
    traceID: TraceID = TraceID(high: 0x0af7_6519_16cd_43dd, low: 0x8448_eb21_1c80_319c),
    spanID: SpanID = SpanID(0xe91e_bc76_5c6f_dd5e), flags: TraceFlags = [.sampled],
    traceState: TraceState = TraceState(), parent: SpanID? = nil, parentIsRemote: Bool = false,
    start: UInt64 = 1_795_352_218_595_442_183, end: UInt64 = 1_795_352_218_595_749_797,
    attributes: Attributes = [:], events: [SpanEvent] = [], links: [SpanLink] = [],
    status: SpanStatus = .unset, droppedAttributes: Int = 0, droppedEvents: Int = 0, droppedLinks: Int = 0,
    resource: Resource = Resource(attributes: ["service.name": "tests"]),
    scope: InstrumentationScope = InstrumentationScope(name: "tests", version: "1.0")
) -> SpanData {
    SpanData(
        name: name, kind: kind,
        context: SpanContext(traceID: traceID, spanID: spanID, traceFlags: flags, traceState: traceState),
        parentSpanID: parent, parentIsRemote: parentIsRemote, startTimeNanoseconds: start, endTimeNanoseconds: end,
        attributes: attributes, events: events, links: links, status: status,
        droppedAttributesCount: droppedAttributes, droppedEventsCount: droppedEvents, droppedLinksCount: droppedLinks,
        resource: resource, scope: scope)
}

struct NotAnObject: Error {}

/// A JSON number parsed by Foundation, as the exact double its text denotes.
///
/// `JSONSerialization` on Linux keeps many numbers as `NSDecimalNumber`, whose `doubleValue`
/// is sometimes off by an ulp; its `description` holds the digits as written, and Swift's
/// `Double(_:)` parses those exactly.
func exactDouble(_ any: Any?) -> Double? {
    guard let number = any as? NSNumber else { return nil }
    return Double(number.description)
}

/// The encoder's output for `spans`, parsed back by Foundation.
func encodeAndParse(_ spans: [SpanData]) throws -> [String: Any] {
    try parseObject(OTLPJSONEncoder().encode(spans))
}

func parseObject(_ bytes: [UInt8]) throws -> [String: Any] {
    guard let object = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]) as? [String: Any]
    else { throw NotAnObject() }
    return object
}

extension Dictionary where Key == String, Value == Any {
    func object(_ key: String) -> [String: Any]? { self[key] as? [String: Any] }
    func array(_ key: String) -> [[String: Any]] { self[key] as? [[String: Any]] ?? [] }
}

/// The spans of every scope of every resource, in order.
func allSpans(_ request: [String: Any]) -> [[String: Any]] {
    request.array("resourceSpans").flatMap { $0.array("scopeSpans").flatMap { $0.array("spans") } }
}

/// The single span of a one-span request.
func onlySpan(_ request: [String: Any]) throws -> [String: Any] {
    let spans = allSpans(request)
    try #require(spans.count == 1)
    return spans[0]
}

/// The `value` objects of a span's (or event's, or link's) attributes, by key.
func attributeValues(_ object: [String: Any]) -> [String: [String: Any]] {
    var result: [String: [String: Any]] = [:]
    for attribute in object.array("attributes") {
        if let key = attribute["key"] as? String { result[key] = attribute.object("value") }
    }
    return result
}

/// Collects diagnostics while a test runs. The handler is global: tests that use this live in
/// the serialized ``DiagnosticsCapturingTests`` suite, and look for their own markers.
final class DiagnosticsRecorder: Sendable {
    private let recorded = Mutex<[Diagnostic]>([])

    func record(_ diagnostic: Diagnostic) { recorded.withLock { $0.append(diagnostic) } }

    var all: [Diagnostic] { recorded.withLock { $0 } }

    func matching(_ text: String) -> [Diagnostic] { all.filter { $0.message.contains(text) } }
}

func withCapturedDiagnostics<T>(
    isolation: isolated (any Actor)? = #isolation, _ body: (DiagnosticsRecorder) async throws -> T
) async rethrows -> T {
    let recorder = DiagnosticsRecorder()
    Diagnostics.setHandler { recorder.record($0) }
    defer { Diagnostics.setHandler(nil) }
    return try await body(recorder)
}

/// The root of every suite that installs a diagnostics handler: serialized, so that no two
/// such tests replace each other's handler.
@Suite("Tests that capture diagnostics", .serialized)
enum DiagnosticsCapturingTests {}

func temporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "claude-trace-otlp-tests-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
