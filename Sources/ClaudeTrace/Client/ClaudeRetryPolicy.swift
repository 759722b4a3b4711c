import Foundation

/// When and how long the client waits before trying a failed call again. The defaults are the
/// official SDKs' (`anthropic` 2.12, `_base_client.py`).
///
/// - Retried: 408, 409, 429, every 5xx (so 529), connection failures and timeouts. Never other
///   4xx, a budget block or a cancellation. `x-should-retry: true` forces a retry and `false`
///   forbids one, whatever the status.
/// - Wait: `retry-after-ms`, else `retry-after` (seconds or an HTTP date), when positive, and at
///   most ``maxRequestedDelay``; else `min(initialDelay × 2ⁿ, maxDelay) × (1 − jitter × random)`
///   for the n-th retry (0-based). A wait that would end past the call's
///   ``ClaudeClientConfiguration/overallTimeout`` is not made: the call fails at once with the
///   failure it would have retried.
/// - A stream that already delivered content is never retried.
public struct ClaudeRetryPolicy: Sendable, Hashable {
    /// Retries after the first attempt (default 2, so at most 3 attempts).
    public var maxRetries: Int
    /// The first backoff (default 0.5 s).
    public var initialDelay: Duration
    /// The longest backoff (default 8 s). A server's `retry-after` is honoured even when longer,
    /// up to ``maxRequestedDelay``.
    public var maxDelay: Duration
    /// The fraction of a backoff that may be randomly taken off (default 0.25).
    public var jitter: Double
    /// The longest wait a server may ask for with `retry-after-ms` or `retry-after` (default
    /// 60 s): a longer request waits this long. A server or proxy that answers
    /// `retry-after: 99999999` cannot park a call for days.
    public var maxRequestedDelay: Duration

    /// A policy; `maxRetries` below zero counts as zero and `jitter` is clamped to 0…1.
    public init(
        maxRetries: Int = 2, initialDelay: Duration = .milliseconds(500), maxDelay: Duration = .seconds(8), jitter: Double = 0.25,
        maxRequestedDelay: Duration = .seconds(60)
    ) {
        self.maxRetries = max(0, maxRetries)
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
        self.jitter = min(max(jitter, 0), 1)
        self.maxRequestedDelay = max(.zero, maxRequestedDelay)
    }

    /// No retries.
    public static let none = ClaudeRetryPolicy(maxRetries: 0)

    /// Whether an answer with this status and headers may be retried.
    package func isRetryable(status: Int, headers: ClaudeHTTPHeaders) -> Bool {
        switch headers["x-should-retry"]?.lowercased() {
        case "true": return true
        case "false": return false
        default: return status == 408 || status == 409 || status == 429 || status >= 500
        }
    }

    /// The wait before retry number `retry` (0 for the first retry). `random` is in 0..<1.
    package func delay(beforeRetry retry: Int, headers: ClaudeHTTPHeaders?, now: Date = Date(), random: Double) -> Duration {
        if let headers, let requested = Self.retryAfter(headers, now: now) { return min(requested, maxRequestedDelay) }
        let exponent = Double(min(retry, 1000))
        let backoff = min(initialDelay.seconds * pow(2, exponent), maxDelay.seconds)
        let seconds = max(0, backoff * (1 - jitter * random))
        return .nanoseconds(Int64((seconds * 1e9).rounded()))
    }

    /// The server's requested wait: `retry-after-ms` (milliseconds, may be fractional), else
    /// `retry-after` (seconds, may be fractional, or an HTTP date); nil when absent, unreadable
    /// or not positive.
    package static func retryAfter(_ headers: ClaudeHTTPHeaders, now: Date = Date()) -> Duration? {
        if let text = headers["retry-after-ms"], let milliseconds = Double(text.trimmingCharacters(in: .whitespaces)) {
            return positive(milliseconds / 1000)
        }
        guard let text = headers["retry-after"]?.trimmingCharacters(in: .whitespaces) else { return nil }
        if let seconds = Double(text) { return positive(seconds) }
        guard let date = HTTPDate.secondsSinceEpoch(text) else { return nil }
        return positive(Double(date) - now.timeIntervalSince1970)
    }

    private static func positive(_ seconds: Double) -> Duration? {
        guard seconds.isFinite, seconds > 0 else { return nil }
        return .nanoseconds(Int64((min(seconds, 4_294_967) * 1e9).rounded()))
    }
}
