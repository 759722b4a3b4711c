import ClaudeTraceCore

// `ExportMetricsServiceRequest` in binary protobuf, with the field numbers and types of
// opentelemetry-proto `collector/metrics/v1/metrics_service.proto` and `metrics/v1/metrics.proto`:
// timestamps, histogram counts and bucket counts `fixed64`; `as_int` `sfixed64`; `as_double`,
// `sum`, `min`, `max` and the bounds `double`; the repeated scalars packed; temporality an enum.
// Fields go in field-number order. A metrics export holds a few dozen points, so each nested
// message is built into a buffer of its own and copied into its parent, instead of the spans'
// two-pass encoding.

/// `ExportMetricsServiceRequest` and the messages inside it.
enum MetricField {
    static let resourceMetrics: UInt32 = 1
    // ResourceMetrics
    static let resource: UInt32 = 1
    static let scopeMetrics: UInt32 = 2
    static let schemaURL: UInt32 = 3
    // ScopeMetrics
    static let scope: UInt32 = 1
    static let metrics: UInt32 = 2
    // Metric
    static let name: UInt32 = 1
    static let description: UInt32 = 2
    static let unit: UInt32 = 3
    static let sum: UInt32 = 7
    static let histogram: UInt32 = 9
    // Sum and Histogram
    static let dataPoints: UInt32 = 1
    static let temporality: UInt32 = 2
    static let isMonotonic: UInt32 = 3
    // NumberDataPoint
    static let numberStartTime: UInt32 = 2
    static let numberTime: UInt32 = 3
    static let asDouble: UInt32 = 4
    static let asInt: UInt32 = 6
    static let numberAttributes: UInt32 = 7
    // HistogramDataPoint
    static let histogramStartTime: UInt32 = 2
    static let histogramTime: UInt32 = 3
    static let count: UInt32 = 4
    static let histogramSum: UInt32 = 5
    static let bucketCounts: UInt32 = 6
    static let explicitBounds: UInt32 = 7
    static let histogramAttributes: UInt32 = 9
    static let min: UInt32 = 11
    static let max: UInt32 = 12
}

/// Appends protobuf fields to a growing buffer.
struct ProtobufAppender {
    var bytes: [UInt8] = []

    mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    mutating func tag(_ field: UInt32, _ type: ProtobufWireType) { varint(UInt64(field) << 3 | UInt64(type.rawValue)) }

    mutating func varintField(_ field: UInt32, _ value: UInt64) {
        tag(field, .varint)
        varint(value)
    }

    mutating func fixed64(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func fixed64Field(_ field: UInt32, _ value: UInt64) {
        tag(field, .fixed64)
        fixed64(value)
    }

    mutating func message(_ field: UInt32, _ contents: [UInt8]) {
        tag(field, .lengthDelimited)
        varint(UInt64(contents.count))
        bytes.append(contentsOf: contents)
    }

    mutating func string(_ field: UInt32, _ value: String) {
        guard !value.isEmpty else { return }
        message(field, Array(value.utf8))
    }

    /// A packed repeated fixed64 (or double) field; nothing when empty.
    mutating func packedFixed64(_ field: UInt32, _ values: [UInt64]) {
        guard !values.isEmpty else { return }
        tag(field, .lengthDelimited)
        varint(UInt64(values.count * 8))
        for value in values { fixed64(value) }
    }

    /// `attributes` as repeated `KeyValue` fields, through the span encoder's writer.
    mutating func attributes(_ attributes: Attributes, field: UInt32) {
        var lengths = MessageLengths(expectingSpans: 0)
        let length = lengths.measureAttributes(attributes, field: field)
        guard length > 0 else { return }
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: length))
        bytes.withUnsafeMutableBufferPointer { memory in
            var writer = ProtobufWriter(into: UnsafeMutableBufferPointer(rebasing: memory[start...]))
            writer.writeAttributes(attributes, field: field, lengths: &lengths)
            precondition(writer.isAtEnd, "protobuf size pass and write pass disagree")
        }
    }
}

extension OTLPProtobufEncoder: OTLPMetricEncoding {
    /// Appends one `ExportMetricsServiceRequest` holding `batch` to `buffer`; nothing for an
    /// empty batch (protobuf writes an empty request as no bytes).
    public func encode(_ batch: MetricBatch, into buffer: inout [UInt8]) {
        guard !batch.metrics.isEmpty else { return }
        var resourceMetrics = ProtobufAppender()
        var resource = ProtobufAppender()
        resource.attributes(batch.resource.attributes, field: ResourceField.attributes)
        resourceMetrics.message(MetricField.resource, resource.bytes)
        for group in scopeGroups(batch.metrics) {
            var scopeMetrics = ProtobufAppender()
            var scope = ProtobufAppender()
            scope.string(ScopeField.name, group.scope.name)
            scope.string(ScopeField.version, group.scope.version ?? "")
            scope.attributes(group.scope.attributes, field: ScopeField.attributes)
            scopeMetrics.message(MetricField.scope, scope.bytes)
            for metric in group.metrics { scopeMetrics.message(MetricField.metrics, Self.metric(metric)) }
            scopeMetrics.string(MetricField.schemaURL, group.scope.schemaURL)
            resourceMetrics.message(MetricField.scopeMetrics, scopeMetrics.bytes)
        }
        resourceMetrics.string(MetricField.schemaURL, batch.resource.schemaURL)
        var request = ProtobufAppender(bytes: buffer)
        request.message(MetricField.resourceMetrics, resourceMetrics.bytes)
        buffer = request.bytes
    }

    static func metric(_ metric: MetricData) -> [UInt8] {
        var out = ProtobufAppender()
        out.string(MetricField.name, metric.name)
        out.string(MetricField.description, metric.description)
        out.string(MetricField.unit, metric.unit)
        var data = ProtobufAppender()
        switch metric.points {
        case .sum(let points):
            for point in points {
                var p = ProtobufAppender()
                p.fixed64Field(MetricField.numberStartTime, point.startTimeNanoseconds)
                p.fixed64Field(MetricField.numberTime, point.timeNanoseconds)
                switch point.value {
                case .double(let value): p.fixed64Field(MetricField.asDouble, value.bitPattern)
                case .int(let value): p.fixed64Field(MetricField.asInt, UInt64(bitPattern: value))
                }
                p.attributes(point.attributes, field: MetricField.numberAttributes)
                data.message(MetricField.dataPoints, p.bytes)
            }
            data.varintField(MetricField.temporality, UInt64(metric.temporality.rawValue))
            data.varintField(MetricField.isMonotonic, 1)
            out.message(MetricField.sum, data.bytes)
        case .histogram(let points):
            for point in points {
                var p = ProtobufAppender()
                p.fixed64Field(MetricField.histogramStartTime, point.startTimeNanoseconds)
                p.fixed64Field(MetricField.histogramTime, point.timeNanoseconds)
                p.fixed64Field(MetricField.count, point.count)
                p.fixed64Field(MetricField.histogramSum, point.sum.bitPattern)
                p.packedFixed64(MetricField.bucketCounts, point.bucketCounts)
                p.packedFixed64(MetricField.explicitBounds, point.explicitBounds.map(\.bitPattern))
                p.attributes(point.attributes, field: MetricField.histogramAttributes)
                if let min = point.min { p.fixed64Field(MetricField.min, min.bitPattern) }
                if let max = point.max { p.fixed64Field(MetricField.max, max.bitPattern) }
                data.message(MetricField.dataPoints, p.bytes)
            }
            data.varintField(MetricField.temporality, UInt64(metric.temporality.rawValue))
            out.message(MetricField.histogram, data.bytes)
        }
        return out.bytes
    }
}
