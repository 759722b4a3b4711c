import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// What an OTLP/HTTP attempt means for the export, by the spec's rules.
/// https://opentelemetry.io/docs/specs/otlp/#otlphttp-response
enum ResponseVerdict: Equatable {
    /// 2xx: the collector took the request; it may have rejected some spans.
    case delivered(rejected: Int, message: String)
    /// Worth another attempt: 429, 502, 503, 504, or no response at all.
    case retryable(reason: String, retryAfter: Duration?, isConnectionFailure: Bool)
    /// Any other status, or a response too large to read: never retried.
    case failed(reason: String)
    /// The deadline passed, the exporter shut down, or the export was cancelled.
    case interrupted(reason: String)

    static let retryableStatuses: Set<Int> = [429, 502, 503, 504]

    /// The verdict on `attempt`, whose request was encoded as `requestContentType` (the
    /// encoding a response without a `Content-Type` of its own is read in).
    init(_ attempt: OTLPHTTPExporter.Attempt, spanCount: Int, requestContentType: String) {
        switch attempt {
        case .timedOut:
            self = .interrupted(reason: "the export timeout passed before the collector answered")
        case .shutDown:
            self = .interrupted(reason: "the exporter shut down")
        case .outcome(.cancelled):
            self = .interrupted(reason: "the export was cancelled (export timeout or shutdown)")
        case .outcome(.failed(let error)):
            switch error.code {
            case .badURL, .unsupportedURL:
                self = .failed(reason: "the URL was refused: \(error.localizedDescription)")
            default:
                self = .retryable(reason: "no response (\(Self.describe(error)))", retryAfter: nil, isConnectionFailure: true)
            }
        case .outcome(.response(let status, let contentType, let retryAfter, let body, let bodyTooLarge)):
            let format = ResponseBody.Format(responseContentType: contentType, requestContentType: requestContentType, body: body)
            if bodyTooLarge {
                self = .failed(reason: "HTTP \(status) with a response body over the size limit")
            } else if (200..<300).contains(status) {
                let partial = ResponseBody.partialSuccess(body, format: format)
                self = .delivered(rejected: partial.rejected, message: partial.message)
            } else if Self.retryableStatuses.contains(status) {
                let delay = retryAfter.flatMap { RetryAfter.delay($0) }
                let suffix = retryAfter.map { ", Retry-After: \($0)" } ?? ""
                self = .retryable(reason: "HTTP \(status)\(ResponseBody.errorMessage(body, format: format).map { " (\($0))" } ?? "")\(suffix)", retryAfter: delay, isConnectionFailure: false)
            } else {
                self = .failed(reason: "HTTP \(status)\(ResponseBody.errorMessage(body, format: format).map { " (\($0))" } ?? "")")
            }
        }
    }

    static func describe(_ error: URLError) -> String {
        switch error.code {
        case .cannotConnectToHost: "connection refused"
        case .timedOut: "timed out"
        case .networkConnectionLost: "connection lost"
        case .cannotFindHost, .dnsLookupFailed: "host not found"
        default: "URLError \(error.code.rawValue): \(error.localizedDescription)"
        }
    }
}
