/// When a failed OTLP request is sent again.
///
/// Only throttling and unavailability are retried: HTTP 429, 502, 503 and 504, and requests
/// that got no response (refused or broken connections). Every other status fails the export
/// at once. The wait before retry *n* (counting from 1) is `initialBackoff × 2ⁿ⁻¹`, capped at
/// `maxBackoff` and multiplied by a random factor in `1 ± jitter`; a `Retry-After` header
/// replaces it. The exporter gives up when the next attempt would start after its timeout.
/// https://opentelemetry.io/docs/specs/otlp/#failures-1
public struct OTLPRetryPolicy: Sendable, Hashable {
    /// Attempts per request, the first included; 1 disables retries. Default 6.
    public var maxAttempts: Int
    /// The wait before the first retry. Default 1 s.
    public var initialBackoff: Duration
    /// The longest wait between attempts, before jitter. Default 16 s.
    public var maxBackoff: Duration
    /// The relative spread of the random factor applied to each wait, in 0…1. Default 0.2.
    public var jitter: Double
    /// The longest wait a collector may ask for with `Retry-After`; a longer one waits this
    /// long (still within the export timeout). Default 60 s.
    public var maxRetryAfter: Duration

    /// A policy; out-of-range values are clamped (at least one attempt, jitter in 0…1).
    public init(
        maxAttempts: Int = 6, initialBackoff: Duration = .seconds(1), maxBackoff: Duration = .seconds(16),
        jitter: Double = 0.2, maxRetryAfter: Duration = .seconds(60)
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.initialBackoff = max(.zero, initialBackoff)
        self.maxBackoff = max(self.initialBackoff, maxBackoff)
        self.jitter = min(max(0, jitter), 1)
        self.maxRetryAfter = max(.zero, maxRetryAfter)
    }

    /// No retries at all.
    public static let none = OTLPRetryPolicy(maxAttempts: 1)

    /// The wait before retry number `retry` (1 for the first retry), jitter included.
    public func backoff<R: RandomNumberGenerator>(beforeRetry retry: Int, using generator: inout R) -> Duration {
        var wait = initialBackoff
        for _ in 1..<max(1, retry) where wait < maxBackoff { wait = wait * 2 }
        wait = min(wait, maxBackoff)
        guard jitter > 0 else { return wait }
        return wait * Double.random(in: (1 - jitter)...(1 + jitter), using: &generator)
    }

    /// ``backoff(beforeRetry:using:)`` with the system's random numbers.
    public func backoff(beforeRetry retry: Int) -> Duration {
        var generator = SystemRandomNumberGenerator()
        return backoff(beforeRetry: retry, using: &generator)
    }
}
