import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import ClaudeTraceCore
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// HTTP/1.1 over one kept-alive TCP connection, for `http://` endpoints: POSIX sockets, one
/// request at a time, each exchange bounded by the request's `timeoutInterval`.
///
/// Why not URLSession for these: on Linux FoundationNetworking drives libcurl through dispatch
/// sources on threads of its own, and in the W2 pipeline benchmark (200,000 spans to a real
/// collector) those threads took 41% of the process's CPU samples, more than encoding the
/// spans. URLSession stays for `https://` (TLS) and whenever a proxy variable is set.
///
/// Each exchange runs on a thread of the transport's own (`BlockingJobThread`), so the socket
/// calls block no task and no shared pool; or, when the caller is on a batch processor's send
/// thread, which only waits for exports (`DedicatedThread.mayBlock`), on the caller's thread,
/// which saves two thread hand-offs per request. Cancelling the calling task, or
/// `invalidate()`, shuts the socket down, which ends a blocked call at once, and every wait
/// checks for cancellation at least every 50 ms.
final class SocketHTTPTransport: HTTPSending {
    private let maxBodySize: Int
    private let thread = BlockingJobThread()
    private let state = Locked(State())
    /// The exchange ends at the request's `timeoutInterval`, and at `invalidate()`.
    let endsAtTimeout = true

    private struct State {
        /// The kept-alive connection; -1 when there is none.
        var socket: Int32 = -1
        /// The request being exchanged, whose cancellation shuts the socket down.
        var active: Ticket?
        var invalidated = false
    }

    /// One request's cancellation flag.
    final class Ticket: Sendable {
        let cancelled = Atomic(false)
        var isCancelled: Bool { cancelled.load(ordering: .relaxed) }
    }

    init(maxResponseBodySize: Int) {
        maxBodySize = maxResponseBodySize
    }

    deinit {
        state.withLock { state in
            if state.socket >= 0 { _ = close(state.socket) }
        }
    }

    /// Whether `url` can go through this transport: plain `http`, and no proxy variable that
    /// libcurl (and so URLSession) would honour.
    static func canSend(to url: URL, environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        guard url.scheme?.lowercased() == "http", url.host != nil else { return false }
        return ["http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"].allSatisfy { environment[$0, default: ""].isEmpty }
    }

    func send(_ request: URLRequest) async -> HTTPTransport.Outcome {
        let ticket = Ticket()
        return await withTaskCancellationHandler {
            if DedicatedThread.mayBlock { return exchange(request, ticket) }
            return await withCheckedContinuation { (continuation: CheckedContinuation<HTTPTransport.Outcome, Never>) in
                thread.run { continuation.resume(returning: self.exchange(request, ticket)) }
            }
        } onCancel: {
            ticket.cancelled.store(true, ordering: .relaxed)
            state.withLock { state in
                if state.active === ticket && state.socket >= 0 { _ = shutdown(state.socket, Int32(SHUT_RDWR)) }
            }
        }
    }

    /// Ends the exchange in flight and closes the connection; later sends return `.cancelled`.
    func invalidate() {
        state.withLock { state in
            state.invalidated = true
            state.active?.cancelled.store(true, ordering: .relaxed)
            guard state.socket >= 0 else { return }
            if state.active != nil {
                _ = shutdown(state.socket, Int32(SHUT_RDWR))  // the exchange closes it
            } else {
                _ = close(state.socket)
                state.socket = -1
            }
        }
    }

    // MARK: The exchange (on `thread`)

    private func exchange(_ request: URLRequest, _ ticket: Ticket) -> HTTPTransport.Outcome {
        guard let url = request.url, let host = url.host else { return .failed(URLError(.badURL)) }
        let deadline = MonotonicClock.nanoseconds() &+ UInt64(max(0.001, request.timeoutInterval) * 1e9)
        let head = Self.requestHead(request, url: url, host: host)
        let body = request.httpBody ?? Data()
        var reused = true
        var attempt = 0
        while true {
            attempt += 1
            let begin: Int32? = state.withLock { state in
                if state.invalidated || ticket.isCancelled { return nil }
                state.active = ticket
                return state.socket
            }
            guard var socket = begin else { return .cancelled }
            if socket < 0 {
                reused = false
                switch Self.openConnection(host: host, port: url.port ?? 80, deadline: deadline, ticket: ticket) {
                case .success(let connected): socket = connected
                case .failure(let error): return finish(ticket, keep: -1, ticket.isCancelled ? .cancelled : .failed(error))
                }
                // Publish it before the first byte, so that a cancellation can shut it down.
                let stillWanted = state.withLock { state in
                    state.socket = socket
                    return !state.invalidated && !ticket.isCancelled
                }
                if !stillWanted { return finish(ticket, keep: -1, .cancelled) }
            }
            var connection = SocketConnection(socket: socket, deadline: deadline, ticket: ticket)
            do throws(HTTPReadError) {
                try connection.write(head)
                try body.withUnsafeBytes { raw in Result { () throws(HTTPReadError) in try connection.write(raw) } }.get()
                var reader = HTTPResponseReader(source: connection, maxBodySize: maxBodySize)
                let response = try reader.read()
                // A shutdown that cut short a body read to the end of the stream.
                if ticket.isCancelled { return finish(ticket, keep: -1, .cancelled) }
                let outcome = HTTPTransport.Outcome.response(
                    status: response.status, contentType: response.header("content-type"),
                    retryAfter: response.header("retry-after"), body: response.body, bodyTooLarge: response.bodyTooLarge)
                return finish(ticket, keep: response.keepAlive ? socket : -1, outcome)
            } catch {
                if ticket.isCancelled || state.withLock({ $0.invalidated }) {
                    return finish(ticket, keep: -1, .cancelled)
                }
                // A kept-alive connection the server closed in the meantime: once, on a new one.
                if reused && attempt == 1 && error.beforeResponse {
                    _ = finish(ticket, keep: -1, .cancelled)
                    continue
                }
                return finish(ticket, keep: -1, .failed(error.urlError))
            }
        }
    }

    /// Ends an exchange: keeps the socket `keep` for the next one, or closes the current one.
    private func finish(_ ticket: Ticket, keep: Int32, _ outcome: HTTPTransport.Outcome) -> HTTPTransport.Outcome {
        state.withLock { state in
            if state.active === ticket { state.active = nil }
            if keep < 0 || state.invalidated {
                if state.socket >= 0 { _ = close(state.socket) }
                state.socket = -1
            }
        }
        return outcome
    }

    /// The request line and headers. Header fields with a CR or LF are left out: they would
    /// split the header.
    static func requestHead(_ request: URLRequest, url: URL, host: String) -> [UInt8] {
        var path = url.path.isEmpty ? "/" : url.path
        if let query = url.query { path += "?" + query }
        var head = "\(request.httpMethod ?? "POST") \(path) HTTP/1.1\r\n"
        let hostField = host.contains(":") ? "[\(host)]" : host
        head += "Host: \(hostField)\(url.port.map { ":\($0)" } ?? "")\r\n"
        head += "Content-Length: \(request.httpBody?.count ?? 0)\r\n"
        for (name, value) in request.allHTTPHeaderFields ?? [:] {
            let lowered = name.lowercased()
            guard lowered != "host", lowered != "content-length", lowered != "connection",
                  !(name + value).contains(where: { $0 == "\r" || $0 == "\n" }) else { continue }
            head += "\(name): \(value)\r\n"
        }
        head += "\r\n"
        return Array(head.utf8)
    }

    /// A connected, non-blocking TCP socket with `TCP_NODELAY`, or why there is none.
    private static func openConnection(host: String, port: Int, deadline: UInt64, ticket: Ticket) -> Result<Int32, URLError> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let first = list else {
            return .failure(URLError(.cannotFindHost))
        }
        defer { freeaddrinfo(first) }
        var failure = URLError(.cannotConnectToHost)
        var next: UnsafeMutablePointer<addrinfo>? = first
        while let address = next {
            next = address.pointee.ai_next
            let socket = socket(address.pointee.ai_family, address.pointee.ai_socktype, address.pointee.ai_protocol)
            guard socket >= 0 else { continue }
            _ = fcntl(socket, F_SETFL, fcntl(socket, F_GETFL) | O_NONBLOCK)
            var on: Int32 = 1
            _ = setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
            #if canImport(Darwin)
            _ = setsockopt(socket, SOL_SOCKET, SO_NOSIGPIPE, &on, socklen_t(MemoryLayout<Int32>.size))
            #endif
            if connect(socket, address.pointee.ai_addr, address.pointee.ai_addrlen) == 0 { return .success(socket) }
            if errno == EINPROGRESS {
                switch SocketConnection.wait(socket, for: Int16(POLLOUT), until: deadline, ticket: ticket) {
                case .ready:
                    var error: Int32 = 0
                    var length = socklen_t(MemoryLayout<Int32>.size)
                    if getsockopt(socket, SOL_SOCKET, SO_ERROR, &error, &length) == 0 && error == 0 { return .success(socket) }
                case .timedOut:
                    failure = URLError(.timedOut)
                case .failed:
                    break
                }
            }
            _ = close(socket)
        }
        return .failure(failure)
    }
}
