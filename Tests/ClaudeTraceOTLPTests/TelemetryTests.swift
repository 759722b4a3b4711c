import ClaudeTrace
import ClaudeTraceCore
@testable import ClaudeTraceOTLP
import Foundation
import Synchronization
import Testing

/// A processor that records the names of the spans it sees end.
final class RecordingProcessor: SpanProcessor {
    private let names = Mutex<[String]>([])
    func onEnd(_ span: SpanData) { names.withLock { $0.append(span.name) } }
    var ended: [String] { names.withLock { $0 } }
}

func telemetry(_ variables: [String: String], _ configure: (inout TelemetryConfiguration) -> Void = { _ in }) throws -> Telemetry {
    var configuration = TelemetryConfiguration(environment: EnvironmentReader(variables))
    configure(&configuration)
    return try Telemetry(configuration)
}

extension DiagnosticsCapturingTests {
    @Suite("Telemetry bootstrap")
    struct TelemetryTests {
        @Test("OTEL_SDK_DISABLED=true gives a provider that records nothing, unless code says otherwise")
        func disabled() async throws {
            try await withCapturedDiagnostics { diagnostics in
                let off = try telemetry(["OTEL_SDK_DISABLED": "TRUE", "OTEL_TRACES_EXPORTER": "none"])
                #expect(!off.provider.isActive && off.exporters.isEmpty)
                #expect(!off.tracer("t").startSpan("s").isRecording)
                let on = try telemetry(["OTEL_SDK_DISABLED": "true", "OTEL_TRACES_EXPORTER": "none"]) { $0.disabled = false }
                #expect(on.provider.isActive)
                let junk = try telemetry(["OTEL_SDK_DISABLED": "1", "OTEL_TRACES_EXPORTER": "none"])
                #expect(junk.provider.isActive)
                #expect(diagnostics.matching("OTEL_SDK_DISABLED=\"1\" is invalid").count == 1)
            }
        }

        @Test("the resource: code wins over OTEL_SERVICE_NAME, which wins over OTEL_RESOURCE_ATTRIBUTES")
        func resource() async throws {
            try await withCapturedDiagnostics { _ in
                let variables = ["OTEL_TRACES_EXPORTER": "none", "OTEL_SERVICE_NAME": "from-env",
                                 "OTEL_RESOURCE_ATTRIBUTES": "service.name=attrs,deployment.environment=prod%20eu,team=a"]
                let fromEnvironment = try telemetry(variables).provider.resource.attributes
                #expect(fromEnvironment["service.name"] == "from-env")
                #expect(fromEnvironment["deployment.environment"] == "prod eu")
                #expect(fromEnvironment["telemetry.sdk.language"] == "swift")
                let fromCode = try telemetry(variables) {
                    $0.serviceName = "support-bot"
                    $0.resourceAttributes = ["team": "b"]
                }.provider.resource.attributes
                #expect(fromCode["service.name"] == "support-bot")
                #expect(fromCode["team"] == "b")
                #expect(fromCode["deployment.environment"] == "prod eu")
            }
        }

        @Test("exporters come from code, else OTEL_TRACES_EXPORTER, else OTLP; console uses a simple processor")
        func exporterChoice() async throws {
            let path = try temporaryDirectory() + "/t.jsonl"
            try await withCapturedDiagnostics { _ in
                let byDefault = try telemetry([:])
                #expect(byDefault.exporters.count == 1 && byDefault.exporters[0] is OTLPHTTPExporter)
                #expect(byDefault.provider.processors.first is BatchSpanProcessor)
                let console = try telemetry(["OTEL_TRACES_EXPORTER": "console,otlp/file", "OTEL_EXPORTER_OTLP_FILE_PATH": path])
                #expect(console.exporters.count == 2 && console.exporters[0] is ConsoleSpanExporter && console.exporters[1] is OTLPFileExporter)
                #expect(console.provider.processors[0] is SimpleSpanProcessor && console.provider.processors[1] is BatchSpanProcessor)
                let code = try telemetry(["OTEL_TRACES_EXPORTER": "console"]) { $0.exporters = [.file(path), .otlp()] }
                #expect(code.exporters[0] is OTLPFileExporter && code.exporters[1] is OTLPHTTPExporter)
                let none = try telemetry(["OTEL_TRACES_EXPORTER": "console"]) { $0.exporters = [.none] }
                #expect(none.exporters.isEmpty && none.provider.processors.count == 1 && none.provider.processors[0] is ClaudeMonitor)
                for instance in [byDefault, console, code, none] { await instance.shutdown(timeout: .seconds(5)) }
            }
        }

        @Test("OTLP settings given in code override the environment; the rest still comes from it")
        func otlpOverrides() async throws {
            try await withCapturedDiagnostics { _ in
                let variables = ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://env:4318", "OTEL_EXPORTER_OTLP_HEADERS": "authorization=Bearer%20env",
                                 "OTEL_EXPORTER_OTLP_TIMEOUT": "1234", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"]
                let instance = try telemetry(variables) { $0.exporters = [.otlp(endpoint: "http://code:4318/v1/traces", compression: .gzip)] }
                let exporter = try #require(instance.exporters.first as? OTLPHTTPExporter)
                #expect(exporter.configuration.endpoint == "http://code:4318/v1/traces")
                #expect(exporter.configuration.compression == .gzip)
                #expect(exporter.configuration.headers == ["authorization": "Bearer env"])
                #expect(exporter.configuration.timeout == .milliseconds(1234))
                #expect(exporter.configuration.protocol == .httpJSON)
                let protobuf = try telemetry(variables) { $0.exporters = [.otlp(protocol: .httpProtobuf)] }
                let protobufExporter = try #require(protobuf.exporters.first as? OTLPHTTPExporter)
                #expect(protobufExporter.configuration.protocol == .httpProtobuf)
                #expect(protobufExporter.configuration.endpoint == "http://env:4318/v1/traces")
                let exact = try telemetry(variables) { $0.exporters = [.otlp(OTLPHTTPExporterConfiguration(endpoint: "http://exact/v1/traces"))] }
                let exactExporter = try #require(exact.exporters.first as? OTLPHTTPExporter)
                #expect(exactExporter.configuration.headers.isEmpty && exactExporter.configuration.timeout == .seconds(10))
                #expect(exactExporter.configuration.protocol == .httpProtobuf)
                await instance.shutdown(timeout: .seconds(5))
                await protobuf.shutdown(timeout: .seconds(5))
                await exact.shutdown(timeout: .seconds(5))
            }
        }

        @Test("sampler, batching and limits come from the environment unless set in code")
        func samplerBatchLimits() async throws {
            try await withCapturedDiagnostics { diagnostics in
                let variables = ["OTEL_TRACES_EXPORTER": "otlp/file", "OTEL_EXPORTER_OTLP_FILE_PATH": try temporaryDirectory() + "/x.jsonl",
                                 "OTEL_TRACES_SAMPLER": "traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0.25",
                                 "OTEL_BSP_MAX_QUEUE_SIZE": "100", "OTEL_BSP_SCHEDULE_DELAY": "250", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE": "oops",
                                 "OTEL_SPAN_EVENT_COUNT_LIMIT": "7"]
                let fromEnvironment = try telemetry(variables)
                #expect(fromEnvironment.provider.sampler.description == "TraceIdRatioBased{0.250000}")
                let batch = try #require(fromEnvironment.provider.processors.first as? BatchSpanProcessor).configuration
                #expect(batch.maxQueueSize == 100 && batch.scheduleDelay == .milliseconds(250) && batch.maxExportBatchSize == 100)
                #expect(fromEnvironment.provider.limits.eventCountLimit == 7)
                #expect(diagnostics.matching("OTEL_BSP_MAX_EXPORT_BATCH_SIZE=\"oops\" is invalid").count == 1)
                let fromCode = try telemetry(variables) {
                    $0.sampler = AlwaysOnSampler()
                    $0.batch = .init(maxQueueSize: 10, maxExportBatchSize: 5)
                    $0.limits = SpanLimits(eventCountLimit: 3)
                }
                #expect(fromCode.provider.sampler.description == "AlwaysOnSampler")
                #expect((fromCode.provider.processors.first as? BatchSpanProcessor)?.configuration.maxQueueSize == 10)
                #expect(fromCode.provider.limits.eventCountLimit == 3)
                await fromEnvironment.shutdown(timeout: .seconds(5))
                await fromCode.shutdown(timeout: .seconds(5))
            }
        }

        @Test("settings in code that cannot work throw a typed error")
        func invalidCode() {
            #expect(throws: TelemetryConfigurationError.invalidEndpoint("localhost:4318")) {
                try telemetry([:]) { $0.exporters = [.otlp(endpoint: "localhost:4318")] }
            }
            #expect(throws: TelemetryConfigurationError.emptyFilePath) {
                try telemetry([:]) { $0.exporters = [.file("")] }
            }
        }

        @Test("spans reach the exporter and then the extra processors, and shutdown flushes them to the file")
        func endToEnd() async throws {
            let path = try temporaryDirectory() + "/e2e.jsonl"
            let recorder = RecordingProcessor()
            let instance = try telemetry([:]) {
                $0.serviceName = "e2e"
                $0.exporters = [.file(path)]
                $0.processors = [recorder]
            }
            #expect(instance.provider.processors.count == 3 && instance.provider.processors[1] is RecordingProcessor)
            instance.tracer("tests").withSpan("outer") { _ in
                instance.tracer("tests").withSpan("inner") { span in span.setAttribute("answer", 42) }
            }
            #expect(await instance.shutdown())
            #expect(await instance.shutdown())
            #expect(recorder.ended == ["inner", "outer"])
            let lines = try jsonLines(path)
            let exported = lines.flatMap(allSpans)
            #expect(exported.compactMap { $0["name"] as? String }.sorted() == ["inner", "outer"])
            let resource = lines.first?.array("resourceSpans").first?.object("resource") ?? [:]
            #expect(attributeValues(resource)["service.name"]?["stringValue"] as? String == "e2e")
        }

        @Test("shutdown returns within its timeout when the collector hangs, and a second call is harmless")
        func boundedShutdown() async throws {
            let server = try TestHTTPServer { _, _ in .neverAnswer }
            defer { server.stop() }
            try await withCapturedDiagnostics { diagnostics in
                let instance = try telemetry([:]) {
                    $0.exporters = [.otlp(endpoint: server.url, timeout: .seconds(120))]
                    $0.batch = .init(exportTimeout: .seconds(120))
                }
                for _ in 0..<3 { instance.tracer("tests").withSpan("stuck") { _ in } }
                let start = ContinuousClock.now
                #expect(await instance.shutdown(timeout: .seconds(1)) == false)
                #expect(seconds(from: start, to: .now) >= 0.9)
                // Final before shutdown returned: the hung export's spans are counted as failed.
                let summary = diagnostics.matching("shutdown did not finish within")
                #expect(summary.count == 1)
                #expect(summary.first?.message.contains("0 spans exported, 0 dropped, 3 failed, 0 still queued") == true)
                // The exporters were told to stop, so the first shutdown's work now ends.
                #expect(await instance.shutdown(timeout: .seconds(30)))
                #expect(server.requests.count == 1)
            }
        }

        @Test("bootstrap installs the provider and the telemetry globally")
        func bootstrapInstallsGlobally() throws {
            // A disabled provider behaves like the default no-op one, and a monitor without
            // budgets admits every call, so other suites are unaffected.
            let instance = try Telemetry.bootstrap(exporters: [.none], disabled: true, environment: EnvironmentReader([:]))
            #expect(TracerProvider.current === instance.provider)
            #expect(Telemetry.current === instance)
        }
    }
}
