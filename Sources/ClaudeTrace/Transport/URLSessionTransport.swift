import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization

/// The HTTP transport: one `URLSession` with a data delegate, so the body arrives chunk by
/// chunk as the network delivers it (`URLSession.bytes(for:)` does not exist on Linux).
///
/// Requests share the session's connection pool. The session is invalidated when the transport
/// is released.
public final class URLSessionTransport: ClaudeTransport {
    private let session: URLSession
    private let delegate: SessionDelegate

    /// - Parameter configuration: the session's configuration; caching and cookies are turned
    ///   off whatever it says (an API client wants neither).
    public init(configuration: URLSessionConfiguration = .default) {
        let configuration = configuration
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        let delegate = SessionDelegate()
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        queue.name = "claude-trace.URLSessionTransport"
        self.delegate = delegate
        self.session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: queue)
    }

    deinit {
        session.invalidateAndCancel()
    }

    /// Sends `request` with `URLSession`, streaming the body as it arrives.
    public nonisolated(nonsending) func send(_ request: ClaudeHTTPRequest) async throws -> ClaudeHTTPResponse {
        try Task.checkCancellation()
        var urlRequest = URLRequest(url: request.url)
        urlRequest.httpMethod = request.method
        for (name, value) in request.headers { urlRequest.addValue(value, forHTTPHeaderField: name) }
        urlRequest.httpBody = Data(request.body)
        // URLSession's request timeout is an idle timeout: it restarts whenever data arrives,
        // which is the transport contract's "longest silence".
        urlRequest.timeoutInterval = max(0.001, request.timeout.seconds)
        let task = session.dataTask(with: urlRequest)
        let box = TaskBox(task)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                delegate.register(task.taskIdentifier, continuation: continuation, task: box)
                task.resume()
            }
        } onCancel: {
            box.cancel()
        }
    }
}

/// Lets a task be cancelled from any thread. `URLSessionTask` is thread-safe (its methods may be
/// called from any thread, per Foundation's documentation) but is not declared `Sendable` on
/// every platform; this box only ever calls `cancel()` on it.
private final class TaskBox: @unchecked Sendable {
    private let task: URLSessionTask
    init(_ task: URLSessionTask) { self.task = task }
    func cancel() { task.cancel() }
}

/// Routes each task's delegate callbacks to the task's continuation and body stream.
///
/// `@unchecked Sendable` because `NSObject` subclasses cannot be checked: every mutable field is
/// inside the `Mutex`, and the callbacks run on the session's serial delegate queue anyway.
private final class SessionDelegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private struct Pending {
        var response: CheckedContinuation<ClaudeHTTPResponse, any Error>?
        var body: ClaudeResponseBody.Continuation?
        let task: TaskBox
    }

    private let pending = Mutex<[Int: Pending]>([:])

    func register(_ id: Int, continuation: CheckedContinuation<ClaudeHTTPResponse, any Error>, task: TaskBox) {
        pending.withLock { $0[id] = Pending(response: continuation, body: nil, task: task) }
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
    ) {
        let (body, bodyContinuation) = ClaudeResponseBody.makeStream()
        let id = dataTask.taskIdentifier
        let waiting: (CheckedContinuation<ClaudeHTTPResponse, any Error>, TaskBox)? = pending.withLock { pending in
            guard var entry = pending[id], let continuation = entry.response else { return nil }
            entry.response = nil
            entry.body = bodyContinuation
            pending[id] = entry
            return (continuation, entry.task)
        }
        guard let (continuation, task) = waiting else {
            completionHandler(.cancel)
            return
        }
        // The caller stopped reading (cancelled, or dropped the body): stop the download too.
        bodyContinuation.onTermination = { termination in
            if case .cancelled = termination { task.cancel() }
        }
        var headers = ClaudeHTTPHeaders()
        var status = 0
        if let http = response as? HTTPURLResponse {
            status = http.statusCode
            for (name, value) in http.allHeaderFields {
                headers.add(String(describing: name), String(describing: value))
            }
        }
        completionHandler(.allow)
        continuation.resume(returning: ClaudeHTTPResponse(status: status, headers: headers, body: body))
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let body = pending.withLock { $0[dataTask.taskIdentifier]?.body }
        body?.yield([UInt8](data))
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        guard let entry = pending.withLock({ $0.removeValue(forKey: task.taskIdentifier) }) else { return }
        if let continuation = entry.response {
            let failure = error.map { Self.transportError($0, midBody: false) }
            continuation.resume(throwing: failure ?? ClaudeTransportError.connectionFailed("the response ended before its headers"))
        } else if let error {
            entry.body?.finish(throwing: Self.transportError(error, midBody: true))
        } else {
            entry.body?.finish()
        }
    }

    private static func transportError(_ error: any Error, midBody: Bool) -> ClaudeTransportError {
        guard let urlError = error as? URLError else {
            return .connectionFailed(String(describing: type(of: error)))
        }
        let reason: String
        switch urlError.code {
        case .timedOut: return .timedOut
        case .cancelled: return .cancelled
        case .cannotConnectToHost: reason = "could not connect to the server"
        case .cannotFindHost, .dnsLookupFailed: reason = "could not resolve the server's name"
        case .networkConnectionLost: reason = "the connection was lost"
        case .notConnectedToInternet: reason = "not connected to a network"
        case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate, .serverCertificateNotYetValid:
            reason = "the TLS handshake failed"
        default: reason = midBody ? "the connection closed before the answer ended" : "the request failed"
        }
        return .connectionFailed("\(reason) (URLError \(urlError.code.rawValue))")
    }
}
