import ClaudeTrace
import ClaudeTraceCore
@testable import ClaudeTraceOTLP
import Foundation
import Testing

@Suite("Endpoint and header validation")
struct EndpointValidationTests {
    @Test("endpoints with an unclosed bracket, a bad port or a bad host are invalid", arguments: [
        "http://[::1", "http://[::1]x/v1/traces", "http://localhost:99999/v1/traces", "http://localhost:0/",
        "http://localhost:/", "http://localhost:80a/", "http://local host/", "http://@/", "http://exa<mple/",
    ])
    func invalidEndpoints(endpoint: String) {
        #expect(HTTPURL(endpoint) == nil)
    }

    @Test("valid endpoints: names, IPv4, IPv6 in brackets, ports up to 65535, user-info split off", arguments: [
        "http://localhost:4318/v1/traces", "https://collector.example/v1/traces", "http://127.0.0.1:65535/",
        "http://[::1]:4318/v1/traces", "http://[::1]/", "http://user:p%40ss@host:4318/v1/traces",
    ])
    func validEndpoints(endpoint: String) throws {
        let url = try #require(HTTPURL(endpoint))
        #expect(!url.withoutUserInfo.contains("@"))
    }

    @Test("user-info is percent-decoded and cut out of what is sent and shown")
    func userInfo() throws {
        let url = try #require(HTTPURL("http://alice:s3cr%40t@host:4318/v1/traces"))
        #expect(url.userInfo?.user == "alice" && url.userInfo?.password == "s3cr@t")
        #expect(url.withoutUserInfo == "http://host:4318/v1/traces")
        #expect(HTTPURL.displayed("http://alice:s3cret@[::1/x") == "http://<redacted>@[::1/x")
    }

    @Test("header names must be tokens and values free of CR, LF and NUL")
    func headerFields() {
        #expect(HTTPHeaderField.isValidName("x-tenant") && HTTPHeaderField.isValidName("Authorization"))
        for name in ["", "x tenant", "x:y", "naïve", "a\r\nb"] { #expect(!HTTPHeaderField.isValidName(name), "\(name)") }
        #expect(HTTPHeaderField.isValidValue("Bearer abc"))
        for value in ["a\rb", "a\nb", "a\0b"] { #expect(!HTTPHeaderField.isValidValue(value)) }
    }

    @Test("code that configures an invalid header or endpoint fails at bootstrap with a clear error, no secret in it")
    func bootstrapRejects() {
        #expect(throws: TelemetryConfigurationError.invalidHeader(name: "x tenant")) {
            try Telemetry(TelemetryConfiguration(
                exporters: [.otlp(endpoint: "http://localhost:4318/v1/traces", headers: ["x tenant": "1"])],
                environment: EnvironmentReader([:])))
        }
        #expect(throws: TelemetryConfigurationError.invalidHeader(name: "authorization")) {
            try Telemetry(TelemetryConfiguration(
                exporters: [.otlp(endpoint: "http://localhost:4318/v1/traces", headers: ["authorization": "Bearer x\r\nEvil: 1"])],
                environment: EnvironmentReader([:])))
        }
        do {
            _ = try Telemetry(TelemetryConfiguration(
                exporters: [.otlp(endpoint: "http://u:CANARY-PASS@localhost:99999/v1/traces")], environment: EnvironmentReader([:])))
            Issue.record("an invalid port was accepted")
        } catch {
            #expect(!"\(error)".contains("CANARY-PASS") && "\(error)".contains("99999"))
        }
    }
}

extension DiagnosticsCapturingTests {
    @Suite("Secrets in diagnostics")
    struct SecretDiagnosticsTests {
        @Test("a malformed or unsendable OTEL_EXPORTER_OTLP_HEADERS is reported without its value and ignored whole", arguments: [
            "Authorization=Bearer%20CANARY-TOKEN,broken", "Authorization=Bearer%20CANARY-TOKEN%0D%0AX-Evil=1",
            "Author ization=Bearer%20CANARY-TOKEN", "Authorization=Bearer%20CANARY-TOKEN%zz",
        ])
        func headersVariable(value: String) async {
            await withCapturedDiagnostics { recorder in
                let configuration = OTLPHTTPExporterConfiguration.fromEnvironment(EnvironmentReader(["OTEL_EXPORTER_OTLP_HEADERS": value]))
                #expect(configuration.headers.isEmpty)
                let reported = recorder.matching("OTEL_EXPORTER_OTLP_HEADERS")
                #expect(reported.count == 1)
                #expect(!recorder.all.map(\.description).joined().contains("CANARY"))
            }
        }

        @Test("user-info is sent as Basic auth, and neither it nor a header value appears in any failure diagnostic")
        func userInfoAndHeaders() async throws {
            let server = try TestHTTPServer(always: .init(status: 400, body: "rejected Bearer CANARY-HEADER and CANARY-PASS"))
            defer { server.stop() }
            try await withCapturedDiagnostics { recorder in
                let endpoint = server.url.replacingOccurrences(of: "http://", with: "http://alice:CANARY-PASS@")
                let exporter = makeHTTPExporter(endpoint, headers: ["x-api-token": "Bearer CANARY-HEADER"])
                #expect(await exporter.export([makeSpan(name: "a")]) == .failure)
                let request = try #require(server.requests.first)
                #expect(request.headers["authorization"] == "Basic " + Data("alice:CANARY-PASS".utf8).base64EncodedString())
                #expect(request.headers["x-api-token"] == "Bearer CANARY-HEADER")
                let text = recorder.all.map(\.description).joined(separator: "\n")
                #expect(text.contains("failed to export") && text.contains("<redacted>"))
                #expect(!text.contains("CANARY") && !text.contains("alice:"))
            }
        }

        @Test("a header that cannot be sent is dropped with a diagnostic naming it, not its value")
        func unsendableHeader() async throws {
            let server = try TestHTTPServer()
            defer { server.stop() }
            try await withCapturedDiagnostics { recorder in
                let exporter = makeHTTPExporter(server.url, headers: ["x-bad": "CANARY\r\nX-Injected: 1", "x-good": "1"])
                #expect(await exporter.export([makeSpan(name: "a")]) == .success)
                let request = try #require(server.requests.first)
                #expect(request.headers["x-injected"] == nil && request.headers["x-bad"] == nil && request.headers["x-good"] == "1")
                #expect(recorder.matching("header \"x-bad\" is not sent").count == 1)
                #expect(!recorder.all.map(\.description).joined().contains("CANARY"))
            }
        }
    }
}
