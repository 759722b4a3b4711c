import ClaudeTraceCore

/// How ``OTLPHTTPExporter`` reaches its collector.
///
/// Each setting has a generic `OTEL_EXPORTER_OTLP_<X>` variable and a trace-specific
/// `OTEL_EXPORTER_OTLP_TRACES_<X>` one; when the trace-specific one is set (and valid) it
/// replaces the generic one, and the two are never merged. Invalid values are reported
/// through ``Diagnostics`` naming the variable, and the default applies.
/// https://opentelemetry.io/docs/specs/otel/protocol/exporter/
public struct OTLPHTTPExporterConfiguration: Sendable, Hashable {
    /// The URL spans are POSTed to, used exactly as given (so it includes `/v1/traces`).
    /// `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (used as is; an empty path becomes `/`), else
    /// `OTEL_EXPORTER_OTLP_ENDPOINT` with `v1/traces` appended after exactly one `/`;
    /// default `http://localhost:4318/v1/traces`.
    public var endpoint: String
    /// Extra request headers, e.g. `["authorization": "Bearer …"]`.
    /// `OTEL_EXPORTER_OTLP_TRACES_HEADERS`, else `OTEL_EXPORTER_OTLP_HEADERS`: `k1=v1,k2=v2`,
    /// percent-decoded; default none.
    public var headers: [String: String]
    /// Bound on one export, every retry and back-off included; `.zero` is no limit.
    /// `OTEL_EXPORTER_OTLP_TRACES_TIMEOUT`, else `OTEL_EXPORTER_OTLP_TIMEOUT` (milliseconds);
    /// default 10 s.
    public var timeout: Duration
    /// Body compression. `OTEL_EXPORTER_OTLP_TRACES_COMPRESSION`, else
    /// `OTEL_EXPORTER_OTLP_COMPRESSION` (`none` or `gzip`); default `none`.
    public var compression: OTLPCompression
    /// The wire encoding. `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL`, else `OTEL_EXPORTER_OTLP_PROTOCOL`
    /// (`http/protobuf` or `http/json`; `grpc` is reported and ignored); default `http/protobuf`,
    /// the specification's default.
    public var `protocol`: OTLPProtocol
    /// When and how often a failed request is retried. Code only; default ``OTLPRetryPolicy/init(maxAttempts:initialBackoff:maxBackoff:jitter:)``.
    public var retry: OTLPRetryPolicy
    /// Largest request body sent, before compression; a larger batch is split, and a single
    /// span that is still too large is dropped with a diagnostic. Code only; default 64 MiB.
    public var maxRequestBodySize: Int
    /// Largest response body read; a larger response fails the export without a retry.
    /// Code only; default 4 MiB.
    public var maxResponseBodySize: Int

    /// `http://localhost:4318/v1/traces`: a collector on this machine, OTLP/HTTP's default port.
    public static let defaultEndpoint = "http://localhost:4318/v1/traces"

    /// A configuration from code alone; every default is the one documented on its property.
    public init(
        endpoint: String = OTLPHTTPExporterConfiguration.defaultEndpoint, headers: [String: String] = [:],
        timeout: Duration = .seconds(10), compression: OTLPCompression = .none,
        protocol: OTLPProtocol = .httpProtobuf, retry: OTLPRetryPolicy = OTLPRetryPolicy(),
        maxRequestBodySize: Int = 64 * 1024 * 1024, maxResponseBodySize: Int = 4 * 1024 * 1024
    ) {
        self.endpoint = endpoint
        self.headers = headers
        self.timeout = timeout
        self.compression = compression
        self.protocol = `protocol`
        self.retry = retry
        self.maxRequestBodySize = maxRequestBodySize
        self.maxResponseBodySize = maxResponseBodySize
    }

    /// The defaults, overridden by the `OTEL_EXPORTER_OTLP_*` variables that are set and valid.
    public static func fromEnvironment(_ environment: EnvironmentReader = EnvironmentReader()) -> OTLPHTTPExporterConfiguration {
        var configuration = OTLPHTTPExporterConfiguration()
        if let endpoint = tracesEndpoint(environment) { configuration.endpoint = endpoint }
        if let headers = environment.keyValueList("OTEL_EXPORTER_OTLP_TRACES_HEADERS")
            ?? environment.keyValueList("OTEL_EXPORTER_OTLP_HEADERS") {
            configuration.headers = Dictionary(headers.map { ($0.key, $0.value) }) { _, last in last }
        }
        if let timeout = environment.milliseconds("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT")
            ?? environment.milliseconds("OTEL_EXPORTER_OTLP_TIMEOUT") {
            configuration.timeout = timeout
        }
        let compressions = OTLPCompression.allCases.map(\.rawValue)
        if let name = environment.choice("OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", compressions)
            ?? environment.choice("OTEL_EXPORTER_OTLP_COMPRESSION", compressions) {
            configuration.compression = OTLPCompression(rawValue: name) ?? .none
        }
        for variable in ["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"] {
            // An unknown value is reported by `choice` and ignored; so is grpc, which is known
            // but not spoken here. Either way the next variable, else the default, applies.
            guard let name = environment.choice(variable, ["grpc", "http/protobuf", "http/json"]) else { continue }
            if let spoken = OTLPProtocol(rawValue: name) {
                configuration.protocol = spoken
                break
            }
            environment.invalid(variable, name, "this exporter speaks OTLP/HTTP only (http/protobuf or http/json), not gRPC; ignoring it")
        }
        for suffix in ["CERTIFICATE", "CLIENT_KEY", "CLIENT_CERTIFICATE"] {
            for variable in ["OTEL_EXPORTER_OTLP_TRACES_\(suffix)", "OTEL_EXPORTER_OTLP_\(suffix)"] {
                guard let value = environment.string(variable) else { continue }
                // Ignoring a TLS setting silently could send spans without the client
                // certificate the operator asked for: say so.
                environment.invalid(variable, value, "custom certificates and mTLS are not supported; the system trust store is used")
            }
        }
        return configuration
    }

    /// The traces URL from the environment, by the spec's rules; nil when neither variable is
    /// set and valid. https://opentelemetry.io/docs/specs/otel/protocol/exporter/#endpoint-urls-for-otlphttp
    static func tracesEndpoint(_ environment: EnvironmentReader) -> String? {
        // "used as is": only an empty path becomes "/".
        if let raw = environment.string("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") {
            if let url = HTTPURL(raw) { return url.path.isEmpty ? raw + "/" : raw }
            environment.invalid("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", raw, "expected an http or https URL; ignoring it")
        }
        // A base URL: "v1/traces" is appended after exactly one "/".
        if let raw = environment.string("OTEL_EXPORTER_OTLP_ENDPOINT") {
            if HTTPURL(raw) != nil { return (raw.hasSuffix("/") ? raw : raw + "/") + "v1/traces" }
            environment.invalid("OTEL_EXPORTER_OTLP_ENDPOINT", raw, "expected an http or https URL; using \(defaultEndpoint)")
        }
        return nil
    }
}

/// Body compression for OTLP/HTTP (`OTEL_EXPORTER_OTLP_COMPRESSION`).
public enum OTLPCompression: String, Sendable, Hashable, CaseIterable {
    case none
    /// Gzip, with `Content-Encoding: gzip`, through the system's zlib (found at run time; when
    /// it is missing the body goes uncompressed and a diagnostic says so).
    case gzip
}

/// The OTLP/HTTP wire encoding (`OTEL_EXPORTER_OTLP_PROTOCOL`).
///
/// The default is `http/protobuf`: the specification says an SDK SHOULD default to it, every
/// collector and vendor endpoint accepts it (some accept nothing else), and its bodies are
/// about half the size of JSON's. `http/json` is there for endpoints and debugging proxies
/// that want text. gRPC is not spoken. The file exporter writes JSON Lines whatever this says.
/// https://opentelemetry.io/docs/specs/otel/protocol/exporter/#specify-protocol
public enum OTLPProtocol: String, Sendable, Hashable, CaseIterable {
    /// Binary protobuf, `Content-Type: application/x-protobuf` (``OTLPProtobufEncoder``).
    case httpProtobuf = "http/protobuf"
    /// The protobuf JSON mapping with OTLP's changes, `Content-Type: application/json`
    /// (``OTLPJSONEncoder``).
    case httpJSON = "http/json"

    /// The encoding that writes this protocol's request bodies.
    public var encoding: any OTLPTraceEncoding {
        switch self {
        case .httpProtobuf: OTLPProtobufEncoder()
        case .httpJSON: OTLPJSONEncoder()
        }
    }
}

/// The parts of an `http`/`https` URL that the endpoint rules look at, parsed without
/// Foundation so that validation is the same everywhere.
struct HTTPURL {
    let scheme: String
    let host: String
    /// Everything from the first `/` after the authority, query included; may be empty.
    let path: String

    init?(_ text: String) {
        let lowered = text.lowercased()
        let scheme: String
        if lowered.hasPrefix("http://") {
            scheme = "http"
        } else if lowered.hasPrefix("https://") {
            scheme = "https"
        } else {
            return nil
        }
        let rest = text.dropFirst(scheme.count + 3)
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard !authority.isEmpty, !authority.contains(where: { $0 == " " || $0 == "\t" }) else { return nil }
        self.scheme = scheme
        host = String(authority)
        path = String(rest[authorityEnd...])
    }
}
