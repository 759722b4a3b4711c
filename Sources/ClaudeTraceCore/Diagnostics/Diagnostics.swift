#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Something the SDK wants its operator to know: a dropped span, a failed export, a bad
/// configuration value. The SDK never throws into app code; it reports here instead.
public struct Diagnostic: Sendable, CustomStringConvertible {
    public enum Severity: String, Sendable, Comparable {
        case info, warning, error
        public static func < (a: Severity, b: Severity) -> Bool {
            let order: [Severity] = [.info, .warning, .error]
            return order.firstIndex(of: a)! < order.firstIndex(of: b)!
        }
    }

    public let severity: Severity
    /// The part of the SDK that speaks, e.g. `BatchSpanProcessor`, `OTLPHTTPExporter`.
    public let component: String
    public let message: String

    public init(_ severity: Severity, component: String, _ message: String) {
        self.severity = severity
        self.component = component
        self.message = message
    }

    public var description: String { "[claude-trace] \(severity.rawValue) \(component): \(message)" }
}

/// The SDK's one diagnostics hook.
///
/// By default a diagnostic becomes one line on standard error, at most
/// ``defaultLinesPerMinute`` a minute (further ones are counted and summarised), so a
/// collector that is down cannot flood a log. Replace the handler to route them elsewhere:
/// ```swift
/// Diagnostics.setHandler { diagnostic in logger.warning("\(diagnostic)") }
/// ```
public enum Diagnostics {
    public typealias Handler = @Sendable (Diagnostic) -> Void

    public static let defaultLinesPerMinute = 30

    private static let handler = Locked<Handler?>(nil)
    private static let limiter = Locked(RateLimiter())

    /// Routes every future diagnostic to `handler` (nil restores the standard-error default).
    public static func setHandler(_ handler: Handler?) {
        self.handler.withLock { $0 = handler }
    }

    /// Reports a diagnostic through the installed handler.
    public static func report(_ diagnostic: Diagnostic) {
        if let custom = handler.withLock({ $0 }) {
            custom(diagnostic)
        } else {
            writeToStandardError(diagnostic)
        }
    }

    public static func report(_ severity: Diagnostic.Severity, component: String, _ message: String) {
        report(Diagnostic(severity, component: component, message))
    }

    private static func writeToStandardError(_ diagnostic: Diagnostic) {
        let now = MonotonicClock.nanoseconds()
        let line: String? = limiter.withLock { limiter in
            if now &- limiter.windowStart >= 60_000_000_000 {
                let suppressed = limiter.suppressed
                limiter = RateLimiter(windowStart: now)
                limiter.written = 1
                return suppressed > 0
                    ? "[claude-trace] \(suppressed) diagnostics suppressed in the last minute\n\(diagnostic)\n"
                    : "\(diagnostic)\n"
            }
            guard limiter.written < defaultLinesPerMinute else {
                limiter.suppressed += 1
                return nil
            }
            limiter.written += 1
            return "\(diagnostic)\n"
        }
        guard let line else { return }
        var bytes = Array(line.utf8)
        _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
    }

    private struct RateLimiter {
        var windowStart: UInt64 = MonotonicClock.nanoseconds()
        var written = 0
        var suppressed = 0
    }
}
