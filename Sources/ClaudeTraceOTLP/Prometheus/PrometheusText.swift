import Foundation
import ClaudeTraceCore

/// Renders metrics in the Prometheus text exposition format, version 0.0.4
/// (`Content-Type: text/plain; version=0.0.4`), cumulative, with the names the OpenTelemetry
/// Prometheus compatibility rules give them:
///
/// - characters outside `[a-zA-Z0-9_:]` become `_` (`gen_ai.client.token.usage` →
///   `gen_ai_client_token_usage`), in metric and label names alike;
/// - the unit is appended unless it is an annotation in braces (`{token}`) or already there:
///   `s` → `_seconds`, other units as they are (`USD` → `_USD`);
/// - counters end in `_total`; histograms are `_bucket{le="…"}` (cumulative counts, up to
///   `le="+Inf"`), `_sum` and `_count`;
/// - each series carries `otel_scope_name` (and `otel_scope_version`), and the resource is one
///   `target_info` gauge.
///
/// https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format
/// https://opentelemetry.io/docs/specs/otel/compatibility/prometheus_and_openmetrics/
public enum PrometheusText {
    /// The `Content-Type` of a scrape answer.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// The exposition of `batch` (which must be cumulative, as ``/ClaudeTraceCore/MeterProvider/collect()`` is).
    public static func render(_ batch: MetricBatch) -> String {
        var out = ""
        if !batch.resource.attributes.isEmpty {
            out += "# HELP target_info Target metadata\n# TYPE target_info gauge\ntarget_info"
            out += labels(batch.resource.attributes, extra: [])
            out += " 1\n"
        }
        var seen: Set<String> = []
        for metric in batch.metrics {
            let base = metricName(metric.name, unit: metric.unit)
            switch metric.points {
            case .sum(let points):
                let name = base.hasSuffix("_total") ? base : base + "_total"
                if seen.insert(name).inserted {
                    out += "# HELP \(name) \(escapedHelp(metric.description))\n# TYPE \(name) counter\n"
                }
                for point in points {
                    out += name + labels(point.attributes, extra: scopeLabels(metric.scope)) + " " + number(point.value) + "\n"
                }
            case .histogram(let points):
                if seen.insert(base).inserted {
                    out += "# HELP \(base) \(escapedHelp(metric.description))\n# TYPE \(base) histogram\n"
                }
                for point in points {
                    let scope = scopeLabels(metric.scope)
                    var cumulative: UInt64 = 0
                    for (index, count) in point.bucketCounts.enumerated() {
                        cumulative += count
                        let bound = index < point.explicitBounds.count ? double(point.explicitBounds[index]) : "+Inf"
                        out += base + "_bucket" + labels(point.attributes, extra: scope + [("le", bound)]) + " \(cumulative)\n"
                    }
                    if point.bucketCounts.count <= point.explicitBounds.count {
                        out += base + "_bucket" + labels(point.attributes, extra: scope + [("le", "+Inf")]) + " \(point.count)\n"
                    }
                    out += base + "_sum" + labels(point.attributes, extra: scope) + " " + double(point.sum) + "\n"
                    out += base + "_count" + labels(point.attributes, extra: scope) + " \(point.count)\n"
                }
            }
        }
        return out
    }

    /// The Prometheus name of an OpenTelemetry metric with `unit`.
    public static func metricName(_ name: String, unit: String) -> String {
        var result = sanitized(name, allowColon: true)
        let suffix: String? = switch unit {
        case "", "1": nil
        case "s": "seconds"
        case "ms": "milliseconds"
        case "By": "bytes"
        case let unit where unit.hasPrefix("{"): nil
        default: sanitized(unit, allowColon: false)
        }
        if let suffix, !result.hasSuffix("_" + suffix) { result += "_" + suffix }
        return result
    }

    static func sanitized(_ name: String, allowColon: Bool) -> String {
        var result = ""
        for scalar in name.unicodeScalars {
            let valid = scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" || (allowColon && scalar == ":"))
            result.unicodeScalars.append(valid ? scalar : "_")
        }
        if let first = result.unicodeScalars.first, ("0"..."9").contains(first) { result = "_" + result }
        // Runs of underscores are collapsed, as the compatibility rules ask.
        while result.contains("__") { result = result.replacingOccurrences(of: "__", with: "_") }
        return result
    }

    private static func scopeLabels(_ scope: InstrumentationScope) -> [(String, String)] {
        var labels = [("otel_scope_name", scope.name)]
        if let version = scope.version, !version.isEmpty { labels.append(("otel_scope_version", version)) }
        return labels
    }

    /// `{k="v",…}`, the attributes' labels first, sorted; nothing for no labels.
    private static func labels(_ attributes: Attributes, extra: [(String, String)]) -> String {
        var pairs: [(String, String)] = []
        for (key, value) in attributes {
            let text: String = switch value {
            case .string(let string): string
            case .bool(let bool): bool ? "true" : "false"
            case .int(let int): String(int)
            case .double(let double): double.description
            default: value.description
            }
            pairs.append((sanitized(key, allowColon: false), text))
        }
        pairs.sort { $0.0 < $1.0 }
        pairs += extra
        guard !pairs.isEmpty else { return "" }
        return "{" + pairs.map { "\($0.0)=\"\(escapedLabel($0.1))\"" }.joined(separator: ",") + "}"
    }

    private static func escapedLabel(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    private static func escapedHelp(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
    }

    private static func number(_ value: MetricNumber) -> String {
        switch value {
        case .int(let int): String(int)
        case .double(let double): Self.double(double)
        }
    }

    private static func double(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        return value.description
    }
}

extension MeterProvider {
    /// Every instrument, now, in the Prometheus text format (``PrometheusText``).
    public func prometheusText() -> String {
        PrometheusText.render(collect())
    }
}
