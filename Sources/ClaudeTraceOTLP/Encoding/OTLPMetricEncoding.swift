import ClaudeTraceCore

/// Turns collected metrics into the body of an OTLP `ExportMetricsServiceRequest`.
///
/// ``OTLPProtobufEncoder`` (`http/protobuf`) and ``OTLPJSONEncoder`` (`http/json`) write
/// metrics as well as spans, so one `OTEL_EXPORTER_OTLP_METRICS_PROTOCOL` choice picks both.
public protocol OTLPMetricEncoding: Sendable {
    /// The `Content-Type` of the bodies this encoding produces.
    var contentType: String { get }

    /// Appends one complete `ExportMetricsServiceRequest` holding `batch` to `buffer`.
    func encode(_ batch: MetricBatch, into buffer: inout [UInt8])
}

extension OTLPMetricEncoding {
    /// One `ExportMetricsServiceRequest` holding `batch`, in a fresh buffer.
    public func encode(_ batch: MetricBatch) -> [UInt8] {
        var buffer: [UInt8] = []
        encode(batch, into: &buffer)
        return buffer
    }
}

extension OTLPProtocol {
    /// The encoding that writes this protocol's metrics request bodies.
    public var metricEncoding: any OTLPMetricEncoding {
        switch self {
        case .httpProtobuf: OTLPProtobufEncoder()
        case .httpJSON: OTLPJSONEncoder()
        }
    }
}

/// Metrics grouped by instrumentation scope, in order of first appearance: OTLP's
/// `ScopeMetrics` before encoding.
func scopeGroups(_ metrics: [MetricData]) -> [(scope: InstrumentationScope, metrics: [MetricData])] {
    var groups: [(scope: InstrumentationScope, metrics: [MetricData])] = []
    for metric in metrics {
        if let index = groups.firstIndex(where: { $0.scope == metric.scope }) {
            groups[index].metrics.append(metric)
        } else {
            groups.append((metric.scope, [metric]))
        }
    }
    return groups
}
