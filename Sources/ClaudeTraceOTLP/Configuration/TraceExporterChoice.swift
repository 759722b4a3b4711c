import ClaudeTraceCore

/// One exporter for `Telemetry.bootstrap(…)` (module ClaudeTrace)
/// to build, with the processor that feeds it.
///
/// In code: `.otlp()`, `.otlp(endpoint: "http://collector:4318/v1/traces", headers: [...])`,
/// `.file("traces.jsonl")`, `.console`, `.none`, or several at once. From the environment,
/// `OTEL_TRACES_EXPORTER` is a comma-separated list of:
///
/// | value | exporter |
/// |---|---|
/// | `otlp` (default) | ``OTLPHTTPExporter``, configured by `OTEL_EXPORTER_OTLP_*` (`http/protobuf` unless `OTEL_EXPORTER_OTLP_PROTOCOL` says `http/json`) |
/// | `otlp/file` | ``OTLPFileExporter`` appending to `OTEL_EXPORTER_OTLP_FILE_PATH` (default `traces.jsonl`); our own name, not in the spec |
/// | `otlp/stdout` | ``OTLPFileExporter`` writing JSON Lines to standard output (the spec's Development value) |
/// | `console` | `ConsoleSpanExporter`, one readable line per span, through a simple processor |
/// | `none` | no exporter (it wins over anything listed with it) |
///
/// Other values (`zipkin`, …) are reported and ignored; a list left empty by that means the
/// default, `otlp`.
public struct TraceExporterChoice: Sendable {
    package enum Kind: Sendable {
        /// Settings given in code; nil ones come from the environment.
        case otlp(OTLPOverrides)
        /// A complete configuration: the environment is not read.
        case otlpConfigured(OTLPHTTPExporterConfiguration)
        case file(OTLPFileExporter.Configuration)
        case standardOutput
        case console
        case none
        case custom(any SpanExporter)
    }

    package struct OTLPOverrides: Sendable {
        package var endpoint: String?
        package var headers: [String: String]?
        package var timeout: Duration?
        package var compression: OTLPCompression?
        package var `protocol`: OTLPProtocol?
        package var retry: OTLPRetryPolicy?
    }

    package let kind: Kind

    /// OTLP/HTTP to a collector. Each argument left nil comes from its `OTEL_EXPORTER_OTLP_*`
    /// variable, else its default (see ``OTLPHTTPExporterConfiguration``).
    /// - Parameters:
    ///   - endpoint: the full traces URL, used as is, e.g. `http://collector:4318/v1/traces`
    ///     (like `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`).
    ///   - headers: extra HTTP headers, such as an authorization header (like
    ///     `OTEL_EXPORTER_OTLP_TRACES_HEADERS`).
    ///   - timeout: how long one export request may take (like `OTEL_EXPORTER_OTLP_TRACES_TIMEOUT`).
    ///   - compression: `gzip` or none (like `OTEL_EXPORTER_OTLP_TRACES_COMPRESSION`).
    ///   - protocol: `.httpProtobuf` (the default) or `.httpJSON` (like
    ///     `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL`).
    ///   - retry: when and how often a failed export is retried (code only).
    public static func otlp(
        endpoint: String? = nil, headers: [String: String]? = nil, timeout: Duration? = nil,
        compression: OTLPCompression? = nil, protocol: OTLPProtocol? = nil, retry: OTLPRetryPolicy? = nil
    ) -> TraceExporterChoice {
        TraceExporterChoice(kind: .otlp(OTLPOverrides(
            endpoint: endpoint, headers: headers, timeout: timeout, compression: compression, protocol: `protocol`, retry: retry)))
    }

    /// OTLP/HTTP exactly as `configuration` says; no environment variable is read.
    public static func otlp(_ configuration: OTLPHTTPExporterConfiguration) -> TraceExporterChoice {
        TraceExporterChoice(kind: .otlpConfigured(configuration))
    }

    /// OTLP-JSON Lines appended to the file at `path`, rotated past `maxFileSize` bytes when set.
    public static func file(_ path: String, maxFileSize: Int? = nil, maxRotatedFiles: Int = 5) -> TraceExporterChoice {
        TraceExporterChoice(kind: .file(.init(path: path, maxFileSize: maxFileSize, maxRotatedFiles: maxRotatedFiles)))
    }

    /// OTLP-JSON Lines on standard output (`otlp/stdout`).
    public static let standardOutput = TraceExporterChoice(kind: .standardOutput)

    /// One readable line per span on standard output, as each span ends (`console`).
    public static let console = TraceExporterChoice(kind: .console)

    /// No exporter (`none`): spans are still created, and still reach extra processors.
    public static let none = TraceExporterChoice(kind: .none)

    /// Any exporter of your own, fed by a batch processor.
    public static func custom(_ exporter: any SpanExporter) -> TraceExporterChoice {
        TraceExporterChoice(kind: .custom(exporter))
    }

    var isNone: Bool { if case .none = kind { true } else { false } }

    /// The exporters `OTEL_TRACES_EXPORTER` names; nil when it is unset or names nothing usable.
    public static func fromEnvironment(_ environment: EnvironmentReader = EnvironmentReader()) -> [TraceExporterChoice]? {
        let variable = "OTEL_TRACES_EXPORTER"
        guard let raw = environment.string(variable) else { return nil }
        var seen: Set<String> = []
        var choices: [TraceExporterChoice] = []
        for item in raw.split(separator: ",") {
            let name = item.filter { $0 != " " && $0 != "\t" }.lowercased()
            guard !name.isEmpty, seen.insert(name).inserted else { continue }
            switch name {
            case "otlp": choices.append(.otlp())
            case "otlp/file":
                let path = environment.string("OTEL_EXPORTER_OTLP_FILE_PATH") ?? OTLPFileExporter.Configuration.defaultPath
                choices.append(.file(path))
            case "otlp/stdout": choices.append(.standardOutput)
            case "console": choices.append(.console)
            case "none": choices.append(.none)
            case "zipkin", "jaeger", "logging":
                environment.invalid(variable, raw, "the \(name) exporter is not supported; ignoring it")
            default:
                environment.invalid(variable, raw, "unknown exporter \(name) (expected otlp, otlp/file, otlp/stdout, console or none); ignoring it")
            }
        }
        if choices.contains(where: \.isNone) {
            if choices.count > 1 {
                environment.invalid(variable, raw, "none cannot be combined with other exporters; using none")
            }
            return [.none]
        }
        return choices.isEmpty ? nil : choices
    }
}
