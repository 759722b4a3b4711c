import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization

/// Sends one HTTP request and returns what came back; cancelling the calling task cancels it.
protocol HTTPSending: Sendable {
    func send(_ request: URLRequest) async -> HTTPTransport.Outcome
    /// Whether `send` ends by itself once the request's `timeoutInterval` has passed since it
    /// began (a `.failed` timed-out outcome), and at `invalidate()`: then a caller on the real
    /// clock needs no timer of its own.
    var endsAtTimeout: Bool { get }
    /// Cancels whatever is in flight and releases the connection; later sends return
    /// `.cancelled`. Idempotent.
    func invalidate()
}

/// One HTTP request/response over URLSession, cancellable, with the response body capped.
///
/// A session delegate collects the body so that a response over the cap is cut off as soon as
/// it passes the cap (the OTLP spec: parse at most 4 MiB of a response; a larger one is a
/// non-retryable error) rather than buffered whole.
final class HTTPTransport: HTTPSending {
    /// What came back.
    enum Outcome: Sendable {
        /// A response; `body` is empty and `bodyTooLarge` set when it passed the cap.
        case response(status: Int, contentType: String?, retryAfter: String?, body: Data, bodyTooLarge: Bool)
        /// No response: the connection failed or broke, or the request timed out in URLSession.
        case failed(URLError)
        /// The calling task was cancelled.
        case cancelled
    }

    private let session: URLSession
    private let delegate: TransferDelegate
    /// URLSession's timeout is an idle timeout, in whole seconds on Linux.
    let endsAtTimeout = false
    /// Set once the session is invalidated. URLSession traps ("Session invalidated") when a task
    /// is made on an invalidated session, so making a task and invalidating take this one lock.
    private let invalidated = Mutex(false)

    init(maxResponseBodySize: Int) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.urlCache = nil
        configuration.httpCookieStorage = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        delegate = TransferDelegate(maxBodySize: maxResponseBodySize)
        session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: nil)
    }

    /// Sends `request`; cancelling the calling task cancels the request.
    func send(_ request: URLRequest) async -> Outcome {
        let handle = TaskHandle()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Outcome, Never>) in
                let task = invalidated.withLock { invalidated in invalidated ? nil : session.dataTask(with: request) }
                guard let task else { return continuation.resume(returning: .cancelled) }
                delegate.register(task.taskIdentifier, continuation)
                handle.start(task)
            }
        } onCancel: {
            handle.cancel()
        }
    }

    /// Cancels whatever is in flight and releases the session (and with it the delegate); later
    /// sends return `.cancelled`. Idempotent.
    func invalidate() {
        invalidated.withLock { invalidated in
            guard !invalidated else { return }
            invalidated = true
            session.invalidateAndCancel()
        }
    }
}

/// The data task of one request, so that a cancellation arriving before the task exists still
/// cancels it.
private final class TaskHandle: Sendable {
    private struct State {
        var task: URLSessionDataTask?
        var cancelled = false
    }

    private let state = Mutex(State())

    func start(_ task: URLSessionDataTask) {
        let cancelled = state.withLock { state in
            state.task = task
            return state.cancelled
        }
        task.resume()
        if cancelled { task.cancel() }
    }

    func cancel() {
        state.withLock { state in
            state.cancelled = true
            return state.task
        }?.cancel()
    }
}

/// Collects each task's response body, up to the cap, and resumes its caller on completion.
private final class TransferDelegate: NSObject, URLSessionDataDelegate, Sendable {
    private struct Transfer {
        var body = Data()
        var tooLarge = false
        let continuation: CheckedContinuation<HTTPTransport.Outcome, Never>
    }

    private let maxBodySize: Int
    private let transfers = Mutex<[Int: Transfer]>([:])

    init(maxBodySize: Int) {
        self.maxBodySize = maxBodySize
    }

    func register(_ taskIdentifier: Int, _ continuation: CheckedContinuation<HTTPTransport.Outcome, Never>) {
        transfers.withLock { $0[taskIdentifier] = Transfer(continuation: continuation) }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let overCap = transfers.withLock { transfers -> Bool in
            guard var transfer = transfers.removeValue(forKey: dataTask.taskIdentifier) else { return false }
            defer { transfers[dataTask.taskIdentifier] = transfer }
            guard !transfer.tooLarge else { return false }
            if transfer.body.count + data.count > maxBodySize {
                transfer.tooLarge = true
                transfer.body = Data()
                return true
            }
            transfer.body.append(data)
            return false
        }
        if overCap { dataTask.cancel() }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        guard let transfer = transfers.withLock({ $0.removeValue(forKey: task.taskIdentifier) }) else { return }
        let http = task.response as? HTTPURLResponse
        if let http, transfer.tooLarge || error == nil {
            transfer.continuation.resume(returning: .response(
                status: http.statusCode, contentType: http.value(forHTTPHeaderField: "Content-Type"),
                retryAfter: http.value(forHTTPHeaderField: "Retry-After"),
                body: transfer.body, bodyTooLarge: transfer.tooLarge))
        } else if let error = error as? URLError, error.code == .cancelled {
            transfer.continuation.resume(returning: .cancelled)
        } else {
            let urlError = error as? URLError ?? URLError(.unknown)
            transfer.continuation.resume(returning: .failed(urlError))
        }
    }
}
