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
    /// How much a diagnostic matters, from `info` to `error`.
    public enum Severity: String, Sendable, Comparable {
        /// Worth knowing (a configuration override); a problem (a dropped span, a failed
        /// export); or a fault that loses data until fixed (an invalid endpoint).
        case info, warning, error
        /// `info` < `warning` < `error`.
        public static func < (a: Severity, b: Severity) -> Bool {
            let order: [Severity] = [.info, .warning, .error]
            return order.firstIndex(of: a)! < order.firstIndex(of: b)!
        }
    }

    /// How much it matters.
    public let severity: Severity
    /// The part of the SDK that speaks, e.g. `BatchSpanProcessor`, `OTLPHTTPExporter`.
    public let component: String
    /// What happened and, where it helps, what to do about it. Never holds a registered secret.
    public let message: String

    /// A diagnostic from `component`.
    public init(_ severity: Severity, component: String, _ message: String) {
        self.severity = severity
        self.component = component
        self.message = message
    }

    /// The line the default handler writes: `[claude-trace] severity component: message`.
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
    /// Receives every diagnostic, on the thread that reported it; must return quickly.
    public typealias Handler = @Sendable (Diagnostic) -> Void

    /// Lines a minute the default handler writes at most (30); the rest are counted and summarised.
    public static let defaultLinesPerMinute = 30

    private static let handler = Locked<Handler?>(nil)
    private static let limiter = Locked(RateLimiter())

    /// Routes every future diagnostic to `handler` (nil restores the standard-error default).
    public static func setHandler(_ handler: Handler?) {
        self.handler.withLock { $0 = handler }
    }

    /// Values that never appear in a diagnostic (header values, URL passwords, API keys),
    /// at most 64; each is replaced by `<redacted>` in every message.
    private static let secrets = Locked<[String]>([])

    /// Adds `value` to the values cut out of every later diagnostic. Values under 4 characters
    /// are not secrets worth cutting (they would mangle messages); past 64, the oldest go.
    package static func addSecret(_ value: String) {
        guard value.count >= 4 else { return }
        secrets.withLock { secrets in
            guard !secrets.contains(value) else { return }
            if secrets.count == 64 { secrets.removeFirst() }
            secrets.append(value)
        }
        // A header value `Bearer <token>` or `Basic <token>`: the token alone too.
        if let space = value.lastIndex(of: " "), value.index(after: space) < value.endIndex {
            addSecret(String(value[value.index(after: space)...]))
        }
    }

    /// `message` with every secret cut out.
    static func redacted(_ message: String) -> String {
        secrets.withLock { secrets in
            secrets.reduce(message) { text, secret in
                text.contains(secret) ? text.replacing(secret, with: "<redacted>") : text
            }
        }
    }

    /// Reports a diagnostic through the installed handler, with every secret cut out of it.
    public static func report(_ diagnostic: Diagnostic) {
        let diagnostic = Diagnostic(diagnostic.severity, component: diagnostic.component, redacted(diagnostic.message))
        if let custom = handler.withLock({ $0 }) {
            custom(diagnostic)
        } else {
            writeToStandardError(diagnostic)
        }
    }

    /// Reports a diagnostic from `component` to the handler.
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
