#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads `OTEL_*` variables by the spec's rules: an empty value is unset; an invalid one is
/// reported through ``Diagnostics`` (naming the variable) and treated as unset, so the default
/// applies. https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/
public struct EnvironmentReader: Sendable {
    /// The variables it reads, by name.
    public let values: [String: String]

    /// Reads from `values` (tests pass their own), or from the process environment.
    public init(_ values: [String: String]? = nil) {
        self.values = values ?? EnvironmentReader.processEnvironment()
    }

    /// The variable's value; nil when unset or empty.
    public func string(_ name: String) -> String? {
        guard let value = values[name]?.trimmingSpacesAndTabs(), !value.isEmpty else { return nil }
        return String(value)
    }

    /// Only a case-insensitive `true` is true; any other value is false, with a warning unless
    /// it is `false`.
    public func bool(_ name: String) -> Bool? {
        guard let value = string(name) else { return nil }
        switch value.lowercased() {
        case "true": return true
        case "false": return false
        default:
            invalid(name, value, "expected true or false; using false")
            return false
        }
    }

    /// A decimal integer in `minimum...Int32.max`; nil (and a warning) otherwise.
    public func integer(_ name: String, minimum: Int = 0) -> Int? {
        guard let value = string(name) else { return nil }
        guard let number = Int(value), number >= minimum, number <= Int(Int32.max) else {
            invalid(name, value, "expected an integer from \(minimum) to \(Int32.max); using the default")
            return nil
        }
        return number
    }

    /// A duration in integer milliseconds; negative or malformed → warning and nil.
    public func milliseconds(_ name: String) -> Duration? {
        integer(name, minimum: 0).map { .milliseconds($0) }
    }

    /// A double in `range`; nil (and a warning) otherwise.
    public func double(_ name: String, in range: ClosedRange<Double>) -> Double? {
        guard let value = string(name) else { return nil }
        guard let number = Double(value), range.contains(number) else {
            invalid(name, value, "expected a number from \(range.lowerBound) to \(range.upperBound); using the default")
            return nil
        }
        return number
    }

    /// One of `choices`, compared case-insensitively and returned lowercased; nil (and a
    /// warning) for anything else.
    public func choice(_ name: String, _ choices: [String]) -> String? {
        guard let value = string(name)?.lowercased() else { return nil }
        guard choices.contains(value) else {
            invalid(name, value, "expected one of \(choices.joined(separator: ", ")); ignoring it")
            return nil
        }
        return value
    }

    /// Parses `k1=v1,k2=v2` with percent-encoded keys and values (the W3C Baggage form used by
    /// `OTEL_RESOURCE_ATTRIBUTES` and `OTEL_EXPORTER_OTLP_HEADERS`). Returns nil, with a
    /// warning, when any member is malformed: the spec says to drop the whole variable.
    /// With `showingValues` false (headers, which carry credentials) the warning names the
    /// variable only.
    public func keyValueList(_ name: String, showingValues: Bool = true) -> [(key: String, value: String)]? {
        guard let raw = string(name) else { return nil }
        var result: [(key: String, value: String)] = []
        for member in raw.split(separator: ",") {
            let member = member.trimmingSpacesAndTabs()
            if member.isEmpty { continue }
            guard let equals = member.firstIndex(of: "="),
                  let key = String(member[..<equals]).trimmingSpacesAndTabs().removingPercentEncodingStrictly(),
                  let value = String(member[member.index(after: equals)...]).trimmingSpacesAndTabs().removingPercentEncodingStrictly(),
                  !key.isEmpty
            else {
                let explanation = "expected key=value pairs separated by commas, percent-encoded; ignoring the whole variable"
                if showingValues {
                    invalid(name, raw, explanation)
                } else {
                    Diagnostics.report(.warning, component: "configuration", "\(name) is invalid (value not shown): \(explanation)")
                }
                return nil
            }
            result.append((key, value))
        }
        return result
    }

    /// Reports an invalid value for `name`.
    public func invalid(_ name: String, _ value: String, _ explanation: String) {
        Diagnostics.report(.warning, component: "configuration", "\(name)=\"\(value)\" is invalid: \(explanation)")
    }

    static func processEnvironment() -> [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let pair = String(cString: entry)
            if let equals = pair.firstIndex(of: "=") {
                result[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
            }
            pointer += 1
        }
        return result
    }
}

extension StringProtocol {
    /// Decodes `%XX` sequences; nil when a `%` is not followed by two hex digits or the result
    /// is not UTF-8.
    package func removingPercentEncodingStrictly() -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        var iterator = utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next(), let low = iterator.next(),
                  let value = HexCoding.parse([high, low][...], allowUppercase: true)
            else { return nil }
            bytes.append(UInt8(value))
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
