#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The entity that produces telemetry: a service, with its name, version and SDK.
/// Resources are exempt from attribute limits.
public struct Resource: Hashable, Sendable {
    /// The resource's attributes: `service.name`, `telemetry.sdk.*`, …
    public let attributes: Attributes
    /// The semantic-conventions schema the attributes follow; empty when none.
    public let schemaURL: String

    /// A resource with exactly these attributes (see ``sdkDefault`` for the usual ones).
    public init(attributes: Attributes = [:], schemaURL: String = "") {
        self.attributes = attributes
        self.schemaURL = schemaURL
    }

    /// Our SDK's name in `telemetry.sdk.name` (`opentelemetry` is reserved for the official SDKs).
    public static let sdkName = "claude-trace"
    /// Our SDK's version in `telemetry.sdk.version`.
    public static let sdkVersion = "0.1.0"

    /// `self` updated by `other`: `other` wins per key. A differing non-empty schema URL keeps
    /// `self`'s and reports a diagnostic (the spec calls the merge an error).
    public func merging(_ other: Resource) -> Resource {
        var merged = attributes
        for (key, value) in other.attributes { merged[key] = value }
        var schema = schemaURL.isEmpty ? other.schemaURL : schemaURL
        if !schemaURL.isEmpty, !other.schemaURL.isEmpty, schemaURL != other.schemaURL {
            Diagnostics.report(.warning, component: "Resource", "schema URLs \(schemaURL) and \(other.schemaURL) differ; keeping the first")
            schema = schemaURL
        }
        return Resource(attributes: merged, schemaURL: schema)
    }

    /// The SDK's own attributes and the `unknown_service:<process>` fallback name.
    public static var sdkDefault: Resource {
        Resource(attributes: [
            "service.name": .string(processName.map { "unknown_service:\($0)" } ?? "unknown_service"),
            "telemetry.sdk.language": "swift",
            "telemetry.sdk.name": .string(sdkName),
            "telemetry.sdk.version": .string(sdkVersion),
        ])
    }

    /// The resource a provider uses, by the spec's precedence: SDK defaults, then
    /// `OTEL_RESOURCE_ATTRIBUTES`, then `OTEL_SERVICE_NAME`, then `code` (which wins).
    public static func detect(
        code: Resource = Resource(), environment: EnvironmentReader = EnvironmentReader()
    ) -> Resource {
        var fromEnvironment = Attributes()
        for (key, value) in environment.keyValueList("OTEL_RESOURCE_ATTRIBUTES") ?? [] {
            fromEnvironment[key] = .string(value)
        }
        if let serviceName = environment.string("OTEL_SERVICE_NAME") {
            fromEnvironment["service.name"] = .string(serviceName)
        }
        return sdkDefault.merging(Resource(attributes: fromEnvironment)).merging(code)
    }

    static var processName: String? {
        guard let path = CommandLine.arguments.first, let name = path.split(separator: "/").last else { return nil }
        return String(name)
    }
}

/// Who made a span: the instrumentation library's name and version.
public struct InstrumentationScope: Hashable, Sendable {
    /// The instrumentation library's name, e.g. `claude-trace`.
    public let name: String
    /// Its version, when known.
    public let version: String?
    /// The semantic-conventions schema its spans follow; empty when none.
    public let schemaURL: String
    /// Attributes of the scope itself.
    public let attributes: Attributes

    /// A scope; only the name is required.
    public init(name: String, version: String? = nil, schemaURL: String = "", attributes: Attributes = [:]) {
        self.name = name
        self.version = version
        self.schemaURL = schemaURL
        self.attributes = attributes
    }
}
