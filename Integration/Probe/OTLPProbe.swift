// Commands the OTLP integration tests (Integration/tests/test_otlp_*.py) drive.
//
//   otlp-export [--endpoint URL] [--protocol http/protobuf|http/json] [--file PATH] [--spans N]
//               [--timeout-ms N] [--retry-initial-ms N] [--gzip] [--header k=v]… [--batch-size N]
//               [--schedule-delay-ms N] [--export-timeout-ms N] [--shutdown-timeout-ms N]
//               [--finite-doubles]
//       Builds a provider with the OTLP/HTTP exporter (--endpoint, the full traces URL; its
//       encoding is --protocol, else OTEL_EXPORTER_OTLP_PROTOCOL, else http/protobuf) and/or
//       the file exporter (--file); with neither, OTEL_* variables decide. Creates N spans that
//       cover every field and attribute type, shuts down, and prints a JSON summary of what it
//       sent (the spans, as plain JSON written independently of the OTLP encoder) and what the
//       exporters counted. Diagnostics go to standard error, one line each, unthrottled.
//       --finite-doubles leaves NaN and ±Infinity out: rotel (0.0.1a15) rejects the protobuf JSON
//       mapping's "NaN"/"Infinity" strings with HTTP 400, though the mapping requires them.
//
//   otlp-file-writer --file PATH [--padding BYTES]
//       Exports one-span batches to PATH with the file exporter, each followed by forceFlush,
//       until killed, and prints `written ID` once a batch's export and fsync have returned. The
//       span is named ID (`<pid>-<n>`) and carries BYTES of padding (default 200000), so a kill
//       often lands inside a write.
//
//   otlp-config
//       Prints the OTLP exporter configuration and exporter choice the OTEL_* variables give.
import ClaudeTrace
import Foundation
import Synchronization

let otlpCommands: [String: ProbeCommand] = [
    "otlp-export": { arguments in try await OTLPProbe.export(OTLPProbeArguments(arguments)) },
    "otlp-config": { _ in OTLPProbe.printConfiguration() },
    "otlp-file-writer": { arguments in try await OTLPProbe.writeFile(OTLPProbeArguments(arguments)) },
]

/// `--name value` and `--flag` arguments.
struct OTLPProbeArguments {
    var values: [String: [String]] = [:]

    init(_ arguments: [String]) {
        var index = 0
        while index < arguments.count {
            let name = arguments[index]
            if index + 1 < arguments.count, !arguments[index + 1].hasPrefix("--") {
                values[name, default: []].append(arguments[index + 1])
                index += 2
            } else {
                values[name, default: []].append("")
                index += 1
            }
        }
    }

    func string(_ name: String) -> String? { values[name]?.last }
    func int(_ name: String) -> Int? { string(name).flatMap { Int($0) } }
    func flag(_ name: String) -> Bool { values[name] != nil }
    func all(_ name: String) -> [String] { values[name] ?? [] }
}

/// Keeps every sampled span that ends, for the summary.
final class OTLPProbeRecorder: SpanProcessor {
    private let spans = Mutex<[SpanData]>([])
    func onEnd(_ span: SpanData) {
        guard span.context.isSampled else { return }
        spans.withLock { $0.append(span) }
    }
    var ended: [SpanData] { spans.withLock { $0 } }
}

/// The error the probe's failing spans record.
struct OTLPProbeFailure: Error, CustomStringConvertible {
    let description: String
}

enum OTLPProbe {
    static func export(_ arguments: OTLPProbeArguments) async throws {
        Diagnostics.setHandler { diagnostic in
            FileHandle.standardError.write(Data("\(diagnostic)\n".utf8))
        }
        var exporters: [TraceExporterChoice] = []
        var wireProtocol: OTLPProtocol?
        if let name = arguments.string("--protocol") {
            guard let named = OTLPProtocol(rawValue: name) else { throw OTLPProbeFailure(description: "unknown --protocol \(name)") }
            wireProtocol = named
        }
        if let endpoint = arguments.string("--endpoint") {
            var headers: [String: String] = [:]
            for header in arguments.all("--header") {
                let parts = header.split(separator: "=", maxSplits: 1).map(String.init)
                if parts.count == 2 { headers[parts[0]] = parts[1] }
            }
            exporters.append(.otlp(
                endpoint: endpoint, headers: headers.isEmpty ? nil : headers,
                timeout: arguments.int("--timeout-ms").map { .milliseconds($0) },
                compression: arguments.flag("--gzip") ? .gzip : nil,
                protocol: wireProtocol,
                retry: arguments.int("--retry-initial-ms").map { OTLPRetryPolicy(initialBackoff: .milliseconds($0)) }))
        }
        if let path = arguments.string("--file") { exporters.append(.file(path)) }

        var batch = BatchSpanProcessor.Configuration.fromEnvironment()
        batch = BatchSpanProcessor.Configuration(
            maxQueueSize: max(batch.maxQueueSize, arguments.int("--spans") ?? 0),
            maxExportBatchSize: arguments.int("--batch-size") ?? batch.maxExportBatchSize,
            scheduleDelay: arguments.int("--schedule-delay-ms").map { .milliseconds($0) } ?? batch.scheduleDelay,
            exportTimeout: arguments.int("--export-timeout-ms").map { .milliseconds($0) } ?? batch.exportTimeout)
        let recorder = OTLPProbeRecorder()
        let telemetry = try Telemetry(TelemetryConfiguration(
            serviceName: "integration-probe", resourceAttributes: ["probe.run": .string(UUID().uuidString)],
            exporters: exporters.isEmpty ? nil : exporters, processors: [recorder], batch: batch,
            limits: SpanLimits(attributeCountLimit: 32, eventCountLimit: 8, linkCountLimit: 4),
            shutdownTimeout: .milliseconds(arguments.int("--shutdown-timeout-ms") ?? 30_000)))

        makeSpans(arguments.int("--spans") ?? 10, finiteDoubles: arguments.flag("--finite-doubles"),
                  tracer: telemetry.tracer("integration-probe", version: "1.0"))

        let start = ContinuousClock.now
        let completed = await telemetry.shutdown()
        let elapsed = ContinuousClock.now - start
        let summary: [String: Any] = [
            "spans": recorder.ended.map(describe),
            "shutdownCompleted": completed,
            "shutdownSeconds": elapsed.seconds,
            "exporters": telemetry.exporters.map(describe),
        ]
        let data = try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys])
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }

    /// `count` spans: every eighth a server span with a remote parent, the rest its children of
    /// every kind, with every attribute type, events, links, all three statuses and dropped counts.
    static func makeSpans(_ count: Int, finiteDoubles: Bool, tracer: Tracer) {
        let kinds: [SpanKind] = [.internal, .client, .producer, .consumer, .server]
        let remoteState = TraceState().setting("vendor", to: "probe")!
        var root: Span?
        var previous: SpanContext?
        for index in 0..<count {
            let span: Span
            if index % 8 == 0 || root == nil {
                let remote = SpanContext(
                    traceID: TraceID(high: 0x0af7_6519_16cd_43dd, low: 0x8448_eb21_1c80_0000 | UInt64(index + 1)),
                    spanID: SpanID(0xb7ad_6b71_6920_0000 | UInt64(index + 1)), traceFlags: .sampled,
                    traceState: remoteState, isRemote: true)
                span = tracer.startSpan("request \(index)", kind: .server, attributes: ["http.request.method": "GET"], parent: .context(remote))
                root = span
            } else {
                var links: [SpanLink] = []
                if index % 8 == 5, let previous {
                    links = [SpanLink(context: previous, attributes: ["link.kind": "previous", "link.index": .int(index)])]
                    let remote = SpanContext(traceID: TraceID(high: 7, low: UInt64(index)), spanID: SpanID(UInt64(index) + 100),
                                             traceFlags: .sampled, traceState: remoteState, isRemote: true)
                    links += (0..<5).map { SpanLink(context: remote, attributes: ["n": .int($0)]) }  // 6 links, limit 4: 2 dropped
                }
                span = tracer.startSpan("operation \(index)", kind: kinds[index % kinds.count], links: links, parent: .span(root!))
            }
            span.setAttributes([
                "probe.index": .int(index),
                "string": "value \(index)", "empty": "", "unicode": "héllo 👋 \u{2028} \"quoted\" back\\slash\n\ttab \u{1} \u{10FFFF}",
                "bool.true": true, "bool.false": false,
                "int.zero": .int(0), "int.max": .int(Int64.max), "int.min": .int(Int64.min),
                "double": .double(Double(index) + 0.25), "double.small": .double(.leastNonzeroMagnitude), "double.big": .double(1e300),
                "double.special": .double(finiteDoubles ? -0.0 : [Double.nan, .infinity, -.infinity][index % 3]),
                "strings": ["a", "b \(index)", ""], "bools": .boolArray([true, false]),
                "ints": .intArray([1, -2, Int64.max]), "doubles": .doubleArray([0.1, -2.5, finiteDoubles ? 3 : .nan]),
                "empty.array": .stringArray([]),
            ])
            span.addEvent("event \(index)", attributes: ["event.index": .int(index), "event.flag": true])
            if index % 8 == 6 {
                for extra in 0..<20 { span.setAttribute("extra.\(extra)", .int(extra)) }  // limit 32: dropped
                for extra in 0..<9 { span.addEvent("burst \(extra)") }  // limit 8: 2 dropped
            }
            switch index % 3 {
            case 0: span.setStatus(.ok)
            case 1: span.recordError(OTLPProbeFailure(description: "failure \(index)"))
            default: break
            }
            previous = span.context
            span.end()
        }
    }

    /// A span as plain JSON: what the tests compare the collector's and the files' copies with.
    static func describe(_ span: SpanData) -> [String: Any] {
        var status: [String: Any] = ["code": span.status.code]
        if case .error(let description?) = span.status { status["message"] = description }
        return [
            "traceId": span.context.traceID.hexString, "spanId": span.context.spanID.hexString,
            "parentSpanId": span.parentSpanID?.hexString ?? "", "traceState": span.context.traceState.headerValue,
            "flags": Int(span.otlpFlags), "name": span.name, "kind": span.kind.rawValue, "status": status,
            "startTimeUnixNano": String(span.startTimeNanoseconds), "endTimeUnixNano": String(span.endTimeNanoseconds),
            "attributes": describe(span.attributes),
            "events": span.events.map { ["name": $0.name, "timeUnixNano": String($0.timeNanoseconds), "attributes": describe($0.attributes)] },
            "links": span.links.map { link in
                ["traceId": link.context.traceID.hexString, "spanId": link.context.spanID.hexString,
                 "traceState": link.context.traceState.headerValue, "attributes": describe(link.attributes)] as [String: Any]
            },
            "droppedAttributesCount": span.droppedAttributesCount, "droppedEventsCount": span.droppedEventsCount,
            "droppedLinksCount": span.droppedLinksCount,
        ]
    }

    /// Attributes as `{key: [type, value]}`; doubles as Swift's description (`nan`, `inf`).
    static func describe(_ attributes: Attributes) -> [String: Any] {
        var result: [String: Any] = [:]
        for (key, value) in attributes {
            switch value {
            case .string(let string): result[key] = ["string", string]
            case .bool(let bool): result[key] = ["bool", bool]
            case .int(let int): result[key] = ["int", String(int)]
            case .double(let double): result[key] = ["double", double.description]
            case .stringArray(let values): result[key] = ["string[]", values]
            case .boolArray(let values): result[key] = ["bool[]", values]
            case .intArray(let values): result[key] = ["int[]", values.map(String.init)]
            case .doubleArray(let values): result[key] = ["double[]", values.map(\.description)]
            }
        }
        return result
    }

    static func describe(_ exporter: any SpanExporter) -> [String: Any] {
        switch exporter {
        case let http as OTLPHTTPExporter:
            let statistics = http.statistics
            return ["type": "otlp", "endpoint": http.configuration.endpoint, "protocol": http.configuration.protocol.rawValue,
                    "requests": statistics.requests,
                    "retries": statistics.retries, "exportedSpans": statistics.exportedSpans,
                    "rejectedSpans": statistics.rejectedSpans, "failedSpans": statistics.failedSpans]
        case let file as OTLPFileExporter:
            let statistics = file.statistics
            return ["type": "file", "path": file.configuration?.path ?? "-", "lines": statistics.lines,
                    "exportedSpans": statistics.exportedSpans, "failedSpans": statistics.failedSpans, "syncs": statistics.syncs]
        default:
            return ["type": String(describing: type(of: exporter))]
        }
    }

    static func writeFile(_ arguments: OTLPProbeArguments) async throws {
        guard let path = arguments.string("--file") else { throw OTLPProbeFailure(description: "--file is required") }
        Diagnostics.setHandler { diagnostic in FileHandle.standardError.write(Data("\(diagnostic)\n".utf8)) }
        let exporter = OTLPFileExporter(path: path)
        let padding = String(repeating: "p", count: arguments.int("--padding") ?? 200_000)
        let process = getpid()
        for batch in 1... {
            let id = "\(process)-\(batch)"
            let span = SpanData(
                name: id, context: SpanContext(traceID: TraceID(high: 1, low: UInt64(batch)), spanID: SpanID(UInt64(batch)), traceFlags: .sampled),
                startTimeNanoseconds: 1, endTimeNanoseconds: 2, attributes: ["padding": .string(padding)])
            guard await exporter.export([span]) == .success, await exporter.forceFlush() == .success else {
                throw OTLPProbeFailure(description: "batch \(id) was not written")
            }
            FileHandle.standardOutput.write(Data("written \(id)\n".utf8))
        }
    }

    static func printConfiguration() {
        let otlp = OTLPHTTPExporterConfiguration.fromEnvironment()
        let choices = TelemetryConfiguration().exporters ?? TraceExporterChoice.fromEnvironment() ?? [.otlp()]
        let summary: [String: Any] = [
            "endpoint": otlp.endpoint, "headers": otlp.headers,
            "timeoutMilliseconds": Int(otlp.timeout.milliseconds),
            "compression": otlp.compression.rawValue, "protocol": otlp.protocol.rawValue,
            "exporters": choices.count,
        ]
        if let data = try? JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys]) {
            FileHandle.standardOutput.write(data + Data("\n".utf8))
        }
    }
}
