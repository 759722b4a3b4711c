import ClaudeTraceCore
@testable import ClaudeTraceOTLP
import Foundation
import Testing

/// The OTLP exporter configuration for `variables`, and the diagnostics reading it produced.
func otlpConfiguration(_ variables: [String: String], _ diagnostics: DiagnosticsRecorder) -> OTLPHTTPExporterConfiguration {
    OTLPHTTPExporterConfiguration.fromEnvironment(EnvironmentReader(variables))
}

extension DiagnosticsCapturingTests {
    @Suite("OTLP exporter configuration from the environment")
    struct OTLPEnvironmentTests {
        @Test("the generic endpoint gets v1/traces appended after exactly one slash", arguments: [
            ("http://c:4318", "http://c:4318/v1/traces"),
            ("http://c:4318/", "http://c:4318/v1/traces"),
            ("http://c:4318/mycollector/", "http://c:4318/mycollector/v1/traces"),
            ("http://c:4318/mycollector", "http://c:4318/mycollector/v1/traces"),
            ("https://collector.example.com", "https://collector.example.com/v1/traces"),
        ])
        func genericEndpoint(value: String, expected: String) async {
            await withCapturedDiagnostics { diagnostics in
                #expect(otlpConfiguration(["OTEL_EXPORTER_OTLP_ENDPOINT": value], diagnostics).endpoint == expected)
                #expect(diagnostics.all.isEmpty)
            }
        }

        @Test("the traces endpoint is used as is, an empty path becoming /", arguments: [
            ("http://collector:4318", "http://collector:4318/"),
            ("http://collector:4318/", "http://collector:4318/"),
            ("http://c:4318/custom/traces", "http://c:4318/custom/traces"),
            ("http://c:4318/v1/traces", "http://c:4318/v1/traces"),
        ])
        func tracesEndpoint(value: String, expected: String) async {
            await withCapturedDiagnostics { diagnostics in
                let configuration = otlpConfiguration(
                    ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": value, "OTEL_EXPORTER_OTLP_ENDPOINT": "http://other:4318"], diagnostics)
                #expect(configuration.endpoint == expected)
            }
        }

        @Test("with no endpoint variable the default is localhost:4318/v1/traces")
        func defaultEndpoint() async {
            await withCapturedDiagnostics { diagnostics in
                #expect(otlpConfiguration([:], diagnostics).endpoint == "http://localhost:4318/v1/traces")
                #expect(otlpConfiguration(["OTEL_EXPORTER_OTLP_ENDPOINT": ""], diagnostics).endpoint == "http://localhost:4318/v1/traces")
            }
        }

        @Test("an invalid endpoint is reported by name and ignored")
        func invalidEndpoint() async {
            await withCapturedDiagnostics { diagnostics in
                let configuration = otlpConfiguration(
                    ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "collector:4318", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318"], diagnostics)
                #expect(configuration.endpoint == "http://c:4318/v1/traces")
                #expect(diagnostics.matching("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=\"collector:4318\" is invalid").count == 1)
                let fallback = otlpConfiguration(["OTEL_EXPORTER_OTLP_ENDPOINT": "ftp://c"], diagnostics)
                #expect(fallback.endpoint == OTLPHTTPExporterConfiguration.defaultEndpoint)
                #expect(diagnostics.matching("OTEL_EXPORTER_OTLP_ENDPOINT=\"ftp://c\" is invalid").count == 1)
            }
        }

        @Test("headers are percent-decoded, and the traces variable replaces the generic one")
        func headers() async {
            await withCapturedDiagnostics { diagnostics in
                let generic = otlpConfiguration(["OTEL_EXPORTER_OTLP_HEADERS": "api-key=secret%20value, x-list = a%2Cb%3Dc ,empty="], diagnostics)
                #expect(generic.headers == ["api-key": "secret value", "x-list": "a,b=c", "empty": ""])
                let specific = otlpConfiguration(
                    ["OTEL_EXPORTER_OTLP_HEADERS": "a=1", "OTEL_EXPORTER_OTLP_TRACES_HEADERS": "b=2"], diagnostics)
                #expect(specific.headers == ["b": "2"])
                #expect(diagnostics.all.isEmpty)
            }
        }

        @Test("malformed headers are reported and dropped whole")
        func malformedHeaders() async {
            await withCapturedDiagnostics { diagnostics in
                let configuration = otlpConfiguration(["OTEL_EXPORTER_OTLP_HEADERS": "good=1,bad%zz=2"], diagnostics)
                #expect(configuration.headers.isEmpty)
                #expect(!diagnostics.matching("OTEL_EXPORTER_OTLP_HEADERS").isEmpty)
            }
        }

        @Test("the timeout is in milliseconds; 0 means no limit; negative or junk falls back to 10 s")
        func timeout() async {
            await withCapturedDiagnostics { diagnostics in
                #expect(otlpConfiguration(["OTEL_EXPORTER_OTLP_TIMEOUT": "2500"], diagnostics).timeout == .milliseconds(2500))
                #expect(otlpConfiguration(["OTEL_EXPORTER_OTLP_TIMEOUT": "0"], diagnostics).timeout == .zero)
                #expect(otlpConfiguration(
                    ["OTEL_EXPORTER_OTLP_TIMEOUT": "2500", "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT": "700"], diagnostics).timeout == .milliseconds(700))
                #expect(diagnostics.all.isEmpty)
                #expect(otlpConfiguration(["OTEL_EXPORTER_OTLP_TIMEOUT": "-5"], diagnostics).timeout == .seconds(10))
                #expect(otlpConfiguration(["OTEL_EXPORTER_OTLP_TRACES_TIMEOUT": "10s"], diagnostics).timeout == .seconds(10))
                #expect(diagnostics.matching("OTEL_EXPORTER_OTLP_TIMEOUT=\"-5\" is invalid").count == 1)
                #expect(diagnostics.matching("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT=\"10s\" is invalid").count == 1)
            }
        }

        @Test("compression is none or gzip, case-insensitively; anything else is reported")
        func compression() async {
            await withCapturedDiagnostics { diagnostics in
                #expect(otlpConfiguration(["OTEL_EXPORTER_OTLP_COMPRESSION": "GZIP"], diagnostics).compression == .gzip)
                #expect(otlpConfiguration(["OTEL_EXPORTER_OTLP_TRACES_COMPRESSION": "none", "OTEL_EXPORTER_OTLP_COMPRESSION": "gzip"], diagnostics).compression == .none)
                #expect(otlpConfiguration(["OTEL_EXPORTER_OTLP_COMPRESSION": "brotli"], diagnostics).compression == .none)
                #expect(diagnostics.matching("OTEL_EXPORTER_OTLP_COMPRESSION=\"brotli\" is invalid").count == 1)
            }
        }

        @Test("the protocol is http/protobuf by default, or http/json, case-insensitively; the traces variable wins")
        func protocolChoice() async {
            await withCapturedDiagnostics { diagnostics in
                #expect(otlpConfiguration([:], diagnostics).protocol == .httpProtobuf)
                #expect(OTLPHTTPExporterConfiguration().protocol == .httpProtobuf)
                #expect(otlpConfiguration(["OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"], diagnostics).protocol == .httpJSON)
                #expect(otlpConfiguration(["OTEL_EXPORTER_OTLP_PROTOCOL": "HTTP/Protobuf"], diagnostics).protocol == .httpProtobuf)
                #expect(otlpConfiguration(["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/json", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf"], diagnostics).protocol == .httpJSON)
                #expect(otlpConfiguration(["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/protobuf", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"], diagnostics).protocol == .httpProtobuf)
                #expect(diagnostics.all.isEmpty)
            }
        }

        @Test("grpc and unknown protocols are reported by name and ignored, so the next variable or the default applies")
        func unsupportedProtocols() async {
            await withCapturedDiagnostics { diagnostics in
                #expect(otlpConfiguration(["OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"], diagnostics).protocol == .httpProtobuf)
                #expect(diagnostics.matching("OTEL_EXPORTER_OTLP_PROTOCOL=\"grpc\" is invalid").count == 1)
                #expect(diagnostics.matching("not gRPC").count == 1)
                #expect(otlpConfiguration(["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "grpc", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"], diagnostics).protocol == .httpJSON)
                #expect(diagnostics.matching("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=\"grpc\" is invalid").count == 1)
                #expect(otlpConfiguration(["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "carrier-pigeon", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"], diagnostics).protocol == .httpJSON)
                #expect(diagnostics.matching("carrier-pigeon").count == 1)
            }
        }

        @Test("each protocol picks its encoding and content type")
        func protocolEncodings() {
            #expect(OTLPProtocol.httpProtobuf.encoding.contentType == "application/x-protobuf")
            #expect(OTLPProtocol.httpProtobuf.encoding is OTLPProtobufEncoder)
            #expect(OTLPProtocol.httpJSON.encoding.contentType == "application/json")
            #expect(OTLPProtocol.httpJSON.encoding is OTLPJSONEncoder)
        }
    }

    @Suite("Unsupported OTLP settings")
    struct UnsupportedSettingsTests {
        @Test("certificate variables are reported, not silently ignored")
        func certificates() async {
            await withCapturedDiagnostics { diagnostics in
                _ = otlpConfiguration(["OTEL_EXPORTER_OTLP_CERTIFICATE": "/etc/ca.pem", "OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY": "/k.pem"], diagnostics)
                #expect(diagnostics.matching("OTEL_EXPORTER_OTLP_CERTIFICATE=\"/etc/ca.pem\" is invalid").count == 1)
                #expect(diagnostics.matching("OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY").count == 1)
            }
        }

        @Test("OTEL_CONFIG_FILE is reported, and the other variables still apply")
        func configFile() async throws {
            try await withCapturedDiagnostics { diagnostics in
                let instance = try telemetry(["OTEL_CONFIG_FILE": "/etc/otel.yaml", "OTEL_TRACES_EXPORTER": "none", "OTEL_SERVICE_NAME": "still-read"])
                #expect(diagnostics.matching("OTEL_CONFIG_FILE=\"/etc/otel.yaml\" is invalid").count == 1)
                #expect(instance.provider.resource.attributes["service.name"] == "still-read")
            }
        }
    }

    @Suite("Exporter selection from OTEL_TRACES_EXPORTER")
    struct ExporterSelectionTests {
        func kinds(_ value: String?, _ extra: [String: String] = [:]) -> [String]? {
            var variables = extra
            variables["OTEL_TRACES_EXPORTER"] = value
            return TraceExporterChoice.fromEnvironment(EnvironmentReader(variables))?.map { choice in
                switch choice.kind {
                case .otlp: "otlp"
                case .otlpConfigured: "otlp-configured"
                case .file(let file): "file:\(file.path)"
                case .standardOutput: "stdout"
                case .console: "console"
                case .none: "none"
                case .custom: "custom"
                }
            }
        }

        @Test("a comma list names several exporters; duplicates and case are ignored")
        func list() async {
            await withCapturedDiagnostics { diagnostics in
                #expect(kinds(nil) == nil)
                #expect(kinds("otlp") == ["otlp"])
                #expect(kinds(" OTLP , console,otlp") == ["otlp", "console"])
                #expect(kinds("otlp/stdout") == ["stdout"])
                #expect(kinds("otlp/file") == ["file:traces.jsonl"])
                #expect(kinds("otlp/file,otlp", ["OTEL_EXPORTER_OTLP_FILE_PATH": "/var/log/app/spans.jsonl"]) == ["file:/var/log/app/spans.jsonl", "otlp"])
                #expect(diagnostics.all.isEmpty)
            }
        }

        @Test("none wins over anything listed with it, with a diagnostic")
        func none() async {
            await withCapturedDiagnostics { diagnostics in
                #expect(kinds("none") == ["none"])
                #expect(diagnostics.all.isEmpty)
                #expect(kinds("console,none") == ["none"])
                #expect(diagnostics.matching("none cannot be combined").count == 1)
            }
        }

        @Test("unsupported and unknown exporters are reported and ignored")
        func unknown() async {
            await withCapturedDiagnostics { diagnostics in
                #expect(kinds("zipkin") == nil)
                #expect(kinds("jaeger,console") == ["console"])
                #expect(kinds("bogus") == nil)
                #expect(diagnostics.matching("OTEL_TRACES_EXPORTER").count == 3)
                #expect(diagnostics.matching("unknown exporter bogus").count == 1)
            }
        }
    }
}
