import ClaudeTraceCore

// `ExportMetricsServiceRequest` in OTLP-JSON: lowerCamelCase names, timestamps as decimal
// strings, the temporality as an integer, doubles as numbers (NaN and infinities as strings).
// https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding
//
// One deliberate departure from the canonical printer: a histogram's `count` and
// `bucketCounts` and a sum's `asInt` are JSON numbers, not strings. The proto3 JSON mapping lets
// a parser take either for a 64-bit integer, and the official parsers (protobuf's
// `json_format`, the collector's) do; but rotel (0.1.x, serde-generated decoders) drops a
// histogram whose counts are strings ("DataType: Empty") and a point whose `asInt` is one.
// These values are counts, exact as JSON numbers up to 2^53; timestamps, which are larger,
// stay strings, and rotel reads them.

extension OTLPJSONEncoder: OTLPMetricEncoding {
    /// Appends one `ExportMetricsServiceRequest` holding `batch` to `buffer`.
    public func encode(_ batch: MetricBatch, into buffer: inout [UInt8]) {
        var output: [UInt8] = []
        swap(&output, &buffer)
        var writer = JSONWriter(appendingTo: consume output)
        writer.write("{\"resourceMetrics\":[")
        if !batch.metrics.isEmpty {
            writer.write("{\"resource\":{")
            writer.appendAttributesField(batch.resource.attributes, leadingComma: false)
            writer.write("},\"scopeMetrics\":[")
            for (index, group) in scopeGroups(batch.metrics).enumerated() {
                if index > 0 { writer.write(UInt8(ascii: ",")) }
                writer.write("{\"scope\":")
                writer.appendScope(group.scope)
                writer.write(",\"metrics\":[")
                for (metricIndex, metric) in group.metrics.enumerated() {
                    if metricIndex > 0 { writer.write(UInt8(ascii: ",")) }
                    writer.appendMetric(metric)
                }
                writer.write(UInt8(ascii: "]"))
                if !group.scope.schemaURL.isEmpty {
                    writer.write(",\"schemaUrl\":")
                    writer.writeString(group.scope.schemaURL)
                }
                writer.write(UInt8(ascii: "}"))
            }
            writer.write(UInt8(ascii: "]"))
            if !batch.resource.schemaURL.isEmpty {
                writer.write(",\"schemaUrl\":")
                writer.writeString(batch.resource.schemaURL)
            }
            writer.write(UInt8(ascii: "}"))
        }
        writer.write("]}")
        buffer = writer.finish()
    }
}

extension JSONWriter {
    mutating func appendMetric(_ metric: MetricData) {
        write("{\"name\":")
        writeString(metric.name)
        if !metric.description.isEmpty {
            write(",\"description\":")
            writeString(metric.description)
        }
        if !metric.unit.isEmpty {
            write(",\"unit\":")
            writeString(metric.unit)
        }
        switch metric.points {
        case .sum(let points):
            write(",\"sum\":{\"dataPoints\":[")
            for (index, point) in points.enumerated() {
                if index > 0 { write(UInt8(ascii: ",")) }
                appendTimes(point.startTimeNanoseconds, point.timeNanoseconds)
                switch point.value {
                case .double(let value):
                    write(",\"asDouble\":")
                    writeDouble(value)
                case .int(let value):
                    write(",\"asInt\":")
                    writeDecimal(value)
                }
                appendAttributesField(point.attributes, leadingComma: true)
                write(UInt8(ascii: "}"))
            }
            write("],\"aggregationTemporality\":")
            writeDecimal(UInt64(metric.temporality.rawValue))
            write(",\"isMonotonic\":true}")
        case .histogram(let points):
            write(",\"histogram\":{\"dataPoints\":[")
            for (index, point) in points.enumerated() {
                if index > 0 { write(UInt8(ascii: ",")) }
                appendTimes(point.startTimeNanoseconds, point.timeNanoseconds)
                write(",\"count\":")
                writeDecimal(point.count)
                write(",\"sum\":")
                writeDouble(point.sum)
                write(",\"bucketCounts\":[")
                for (bucket, count) in point.bucketCounts.enumerated() {
                    if bucket > 0 { write(UInt8(ascii: ",")) }
                    writeDecimal(count)
                }
                write("],\"explicitBounds\":[")
                for (bound, value) in point.explicitBounds.enumerated() {
                    if bound > 0 { write(UInt8(ascii: ",")) }
                    writeDouble(value)
                }
                write(UInt8(ascii: "]"))
                appendAttributesField(point.attributes, leadingComma: true)
                if let min = point.min {
                    write(",\"min\":")
                    writeDouble(min)
                }
                if let max = point.max {
                    write(",\"max\":")
                    writeDouble(max)
                }
                write(UInt8(ascii: "}"))
            }
            write("],\"aggregationTemporality\":")
            writeDecimal(UInt64(metric.temporality.rawValue))
            write(UInt8(ascii: "}"))
        }
        write(UInt8(ascii: "}"))
    }

    /// Opens a data point with its `startTimeUnixNano` and `timeUnixNano`.
    mutating func appendTimes(_ start: UInt64, _ time: UInt64) {
        write("{\"startTimeUnixNano\":\"")
        writeDecimal(start)
        write("\",\"timeUnixNano\":\"")
        writeDecimal(time)
        write(UInt8(ascii: "\""))
    }
}
