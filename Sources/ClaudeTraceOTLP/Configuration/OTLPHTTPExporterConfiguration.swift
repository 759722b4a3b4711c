import ClaudeTraceCore

/// How ``OTLPHTTPExporter`` reaches its collector.
///
/// Each setting has a generic `OTEL_EXPORTER_OTLP_<X>` variable and a trace-specific
/// `OTEL_EXPORTER_OTLP_TRACES_<X>` one; when the trace-specific one is set (and valid) it
/// replaces the generic one, and the two are never merged. Invalid values are reported
/// through ``/ClaudeTraceCore/Diagnostics`` naming the variable, and the default applies.
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
    /// When and how often a failed request is retried. Code only; default ``OTLPRetryPolicy/init(maxAttempts:initialBackoff:maxBackoff:jitter:maxRetryAfter:)``.
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
        fromEnvironment(environment, signal: "TRACES", path: "v1/traces")
    }

    /// The configuration for one signal: `OTEL_EXPORTER_OTLP_<signal>_*` over
    /// `OTEL_EXPORTER_OTLP_*`, the base endpoint with `path` appended.
    static func fromEnvironment(_ environment: EnvironmentReader, signal: String, path: String) -> OTLPHTTPExporterConfiguration {
        var configuration = OTLPHTTPExporterConfiguration()
        configuration.endpoint = "http://localhost:4318/" + path
        if let endpoint = endpoint(environment, signal: signal, path: path) { configuration.endpoint = endpoint }
        if let headers = validHeaders("OTEL_EXPORTER_OTLP_\(signal)_HEADERS", environment)
            ?? validHeaders("OTEL_EXPORTER_OTLP_HEADERS", environment) {
            configuration.headers = Dictionary(headers.map { ($0.key, $0.value) }) { _, last in last }
        }
        if let timeout = environment.milliseconds("OTEL_EXPORTER_OTLP_\(signal)_TIMEOUT")
            ?? environment.milliseconds("OTEL_EXPORTER_OTLP_TIMEOUT") {
            configuration.timeout = timeout
        }
        let compressions = OTLPCompression.allCases.map(\.rawValue)
        if let name = environment.choice("OTEL_EXPORTER_OTLP_\(signal)_COMPRESSION", compressions)
            ?? environment.choice("OTEL_EXPORTER_OTLP_COMPRESSION", compressions) {
            configuration.compression = OTLPCompression(rawValue: name) ?? .none
        }
        for variable in ["OTEL_EXPORTER_OTLP_\(signal)_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"] {
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
            for variable in ["OTEL_EXPORTER_OTLP_\(signal)_\(suffix)", "OTEL_EXPORTER_OTLP_\(suffix)"] {
                guard let value = environment.string(variable) else { continue }
                // Ignoring a TLS setting silently could send spans without the client
                // certificate the operator asked for: say so.
                environment.invalid(variable, value, "custom certificates and mTLS are not supported; the system trust store is used")
            }
        }
        return configuration
    }

    /// The headers a variable lists; nil, with a diagnostic that shows no value (values carry
    /// credentials), when the list is malformed or a name or decoded value is not a valid field.
    static func validHeaders(_ name: String, _ environment: EnvironmentReader) -> [(key: String, value: String)]? {
        guard let headers = environment.keyValueList(name, showingValues: false) else { return nil }
        for (key, value) in headers where !HTTPHeaderField.isValidName(key) || !HTTPHeaderField.isValidValue(value) {
            let what = HTTPHeaderField.isValidName(key)
                ? "the value of header \"\(key)\" decodes to a CR, LF or NUL"
                : "a header name is not an HTTP token (letters, digits and !#$%&'*+-.^_`|~)"
            Diagnostics.report(.warning, component: "configuration", "\(name) is invalid (value not shown): \(what); ignoring the whole variable")
            return nil
        }
        return headers
    }

    /// The traces URL from the environment, by the spec's rules; nil when neither variable is
    /// set and valid. https://opentelemetry.io/docs/specs/otel/protocol/exporter/#endpoint-urls-for-otlphttp
    static func tracesEndpoint(_ environment: EnvironmentReader) -> String? {
        endpoint(environment, signal: "TRACES", path: "v1/traces")
    }

    /// One signal's URL from the environment: `OTEL_EXPORTER_OTLP_<signal>_ENDPOINT` as is,
    /// else `OTEL_EXPORTER_OTLP_ENDPOINT` with `path` appended; nil when neither is set and valid.
    static func endpoint(_ environment: EnvironmentReader, signal: String, path: String) -> String? {
        let specific = "OTEL_EXPORTER_OTLP_\(signal)_ENDPOINT"
        // "used as is": only an empty path becomes "/".
        if let raw = environment.string(specific) {
            if let url = HTTPURL(raw) { return url.path.isEmpty ? raw + "/" : raw }
            environment.invalid(specific, HTTPURL.displayed(raw), "expected an http or https URL with a valid host and a port from 1 to 65535; ignoring it")
        }
        // A base URL: the signal's path is appended after exactly one "/".
        if let raw = environment.string("OTEL_EXPORTER_OTLP_ENDPOINT") {
            if HTTPURL(raw) != nil { return (raw.hasSuffix("/") ? raw : raw + "/") + path }
            environment.invalid("OTEL_EXPORTER_OTLP_ENDPOINT", HTTPURL.displayed(raw), "expected an http or https URL with a valid host and a port from 1 to 65535; using http://localhost:4318/\(path)")
        }
        return nil
    }
}

/// Body compression for OTLP/HTTP (`OTEL_EXPORTER_OTLP_COMPRESSION`).
public enum OTLPCompression: String, Sendable, Hashable, CaseIterable {
    /// Bodies go uncompressed: the default.
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
///
/// Valid: a host (a name, an IPv4 address, or an IPv6 address in closed brackets), an optional
/// port from 1 to 65535 in digits, and optional user-info (`user:password@`), which the
/// exporter sends as Basic authentication and never prints.
package struct HTTPURL {
    let scheme: String
    /// The host and port, without user-info.
    let host: String
    /// Everything from the first `/` after the authority, query included; may be empty.
    let path: String
    /// The percent-decoded `user:password` before an `@`, if any.
    let userInfo: (user: String, password: String)?
    /// The URL without its user-info: what is sent and what messages show.
    let withoutUserInfo: String

    package init?(_ text: String) {
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
        var authority = rest[..<authorityEnd]
        guard !authority.contains(where: { $0.isWhitespace || $0.isNewline || $0 == "\0" }) else { return nil }
        if let at = authority.lastIndex(of: "@") {
            let info = authority[..<at]
            let colon = info.firstIndex(of: ":") ?? info.endIndex
            guard let user = info[..<colon].removingPercentEncodingStrictly(),
                  let password = (colon < info.endIndex ? info[info.index(after: colon)...] : "").removingPercentEncodingStrictly()
            else { return nil }
            userInfo = (user, password)
            authority = authority[authority.index(after: at)...]
        } else {
            userInfo = nil
        }
        guard Self.isValidAuthority(authority) else { return nil }
        self.scheme = scheme
        host = String(authority)
        path = String(rest[authorityEnd...])
        withoutUserInfo = scheme + "://" + host + path
    }

    /// `host`, `host:port`, `[v6]` or `[v6]:port`, with a port in 1...65535.
    private static func isValidAuthority(_ authority: Substring) -> Bool {
        var hostPart = authority
        var port: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return false }
            let inside = authority[authority.index(after: authority.startIndex)..<close]
            guard !inside.isEmpty, inside.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else { return false }
            hostPart = authority[...close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return false }
                port = after.dropFirst()
            }
        } else if let colon = authority.firstIndex(of: ":") {
            hostPart = authority[..<colon]
            port = authority[authority.index(after: colon)...]
        }
        guard !hostPart.isEmpty, hostPart.hasPrefix("[")
                || hostPart.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-._~%!$&'()*+,;=".contains($0)) })
        else { return false }
        if let port {
            guard !port.isEmpty, port.count <= 5, port.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let number = Int(port), (1...65535).contains(number) else { return false }
        }
        return true
    }

    /// `text` with anything between `://` and an `@` in its authority cut out, for messages
    /// about a URL that may not even be valid.
    package static func displayed(_ text: String) -> String {
        guard let schemeEnd = text.range(of: "://") else { return text }
        let rest = text[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return text }
        return String(text[..<schemeEnd.upperBound]) + "<redacted>@" + String(rest[rest.index(after: at)...])
    }
}

/// Header fields as RFC 9110 allows them: a name of token characters, a value without CR, LF
/// or NUL. Anything else could split the request or be sent as something else.
package enum HTTPHeaderField {
    package static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { byte in
            (0x21...0x7e).contains(byte) && !"\"(),/:;<=>?@[\\]{}".utf8.contains(byte)
        }
    }

    package static func isValidValue(_ value: String) -> Bool {
        !value.utf8.contains { $0 == 0x0d || $0 == 0x0a || $0 == 0x00 }
    }
}
