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
/// calls block no task and no shared pool. Cancelling the calling task, or `invalidate()`, shuts
/// the socket down, which ends a blocked call at once, and every wait checks for cancellation
/// at least every 50 ms.
final class SocketHTTPTransport: HTTPSending {
    private let maxBodySize: Int
    private let thread = BlockingJobThread()
    private let state = Mutex(State())

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
            await withCheckedContinuation { (continuation: CheckedContinuation<HTTPTransport.Outcome, Never>) in
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

/// Runs blocking jobs one at a time, in order, on a thread of its own: started by the first job,
/// ended after 5 idle seconds (an exporter that is not used holds no thread).
///
/// Why not a dispatch queue: its jobs wait for a thread of a pool the process shares, and a job
/// that blocks for the length of a request (a collector that never answers) held up other
/// exporters' requests under load.
final class BlockingJobThread: @unchecked Sendable {
    // `@unchecked Sendable`: `jobs` and `running` are only touched while `condition` is locked.
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var running = false

    func run(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        jobs.append(job)
        if running {
            condition.signal()
        } else {
            running = true
            Thread.detachNewThread { [self] in loop() }
        }
        condition.unlock()
    }

    private func loop() {
        condition.lock()
        while true {
            while jobs.isEmpty {
                if !condition.wait(until: Date(timeIntervalSinceNow: 5)) && jobs.isEmpty {
                    running = false
                    condition.unlock()
                    return
                }
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
            condition.lock()
        }
    }
}

/// Why reading or writing an exchange failed.
struct HTTPReadError: Error {
    enum Kind { case timedOut, closed, malformed }
    let kind: Kind
    /// No byte of the response had arrived: the request may not have been seen at all.
    let beforeResponse: Bool

    var urlError: URLError {
        switch kind {
        case .timedOut: URLError(.timedOut)
        case .closed: URLError(.networkConnectionLost)
        case .malformed: URLError(.badServerResponse)
        }
    }
}

/// Where a response's bytes come from: a socket, or a test's script.
protocol HTTPByteSource {
    /// Reads at most `buffer.count` bytes; 0 at the end of the stream.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(HTTPReadError) -> Int
}

/// A connected non-blocking socket whose every wait ends at one deadline, or soon after its
/// request is cancelled.
struct SocketConnection: HTTPByteSource {
    let socket: Int32
    /// `CLOCK_MONOTONIC` nanoseconds.
    let deadline: UInt64
    let ticket: SocketHTTPTransport.Ticket
    /// Whether any response byte has been read.
    private(set) var receivedAny = false

    init(socket: Int32, deadline: UInt64, ticket: SocketHTTPTransport.Ticket) {
        self.socket = socket
        self.deadline = deadline
        self.ticket = ticket
    }

    enum Readiness { case ready, timedOut, failed }

    /// Waits for `events` in slices of at most 50 ms, so that a cancellation ends even a wait
    /// that shutting the socket down does not (a connection still being set up).
    static func wait(_ socket: Int32, for events: Int16, until deadline: UInt64, ticket: SocketHTTPTransport.Ticket) -> Readiness {
        while true {
            let now = MonotonicClock.nanoseconds()
            guard now < deadline else { return .timedOut }
            guard !ticket.isCancelled else { return .failed }
            var descriptor = pollfd(fd: socket, events: events, revents: 0)
            let milliseconds = Int32(clamping: min(deadline - now + 999_999, 50_000_000) / 1_000_000)
            let result = poll(&descriptor, 1, milliseconds)
            if result > 0 { return .ready }  // readable, writable, or hung up: the call says which
            if result < 0 && errno != EINTR { return .failed }
        }
    }

    mutating func write(_ bytes: [UInt8]) throws(HTTPReadError) {
        var connection = self
        let written = bytes.withUnsafeBytes { raw in Result { () throws(HTTPReadError) in try connection.write(raw) } }
        self = connection
        try written.get()
    }

    mutating func write(_ bytes: UnsafeRawBufferPointer) throws(HTTPReadError) {
        var offset = 0
        while offset < bytes.count {
            #if canImport(Glibc)
            let sent = Glibc.send(socket, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            #else
            let sent = Darwin.send(socket, bytes.baseAddress! + offset, bytes.count - offset, 0)
            #endif
            if sent > 0 {
                offset += sent
            } else if sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
                switch Self.wait(socket, for: Int16(POLLOUT), until: deadline, ticket: ticket) {
                case .ready: continue
                case .timedOut: throw HTTPReadError(kind: .timedOut, beforeResponse: true)
                case .failed: throw HTTPReadError(kind: .closed, beforeResponse: true)
                }
            } else {
                throw HTTPReadError(kind: .closed, beforeResponse: true)
            }
        }
    }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(HTTPReadError) -> Int {
        while true {
            let count = recv(socket, buffer.baseAddress, buffer.count, 0)
            if count > 0 {
                receivedAny = true
                return count
            }
            if count == 0 {
                if !receivedAny { throw HTTPReadError(kind: .closed, beforeResponse: true) }
                return 0
            }
            guard errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR else {
                throw HTTPReadError(kind: .closed, beforeResponse: !receivedAny)
            }
            switch Self.wait(socket, for: Int16(POLLIN), until: deadline, ticket: ticket) {
            case .ready: continue
            case .timedOut: throw HTTPReadError(kind: .timedOut, beforeResponse: false)
            case .failed: throw HTTPReadError(kind: .closed, beforeResponse: !receivedAny)
            }
        }
    }
}

/// An HTTP/1.1 response as the exporter needs it.
struct HTTPResponse {
    var status: Int
    /// Names lowercased, in the order received.
    var headers: [(name: String, value: String)]
    var body: Data
    /// The body passed the cap: `body` is empty and the connection must not be reused.
    var bodyTooLarge: Bool
    /// The connection may carry the next request.
    var keepAlive: Bool

    /// The first value of the header `name` (lowercase).
    func header(_ name: String) -> String? { headers.first { $0.name == name }?.value }
}

/// Reads one response from a byte stream: the status line and headers (at most 64 KiB in all,
/// 1xx interim responses skipped and counted in it), then the body by `Content-Length`,
/// chunked (each chunk-size line, and the trailers, also at most 64 KiB), or to the end of the
/// stream, at most `maxBodySize` bytes of it. Every length from the peer is checked without
/// arithmetic that could overflow, and the outcome does not depend on how the bytes are cut
/// into reads.
struct HTTPResponseReader<Source: HTTPByteSource> {
    var source: Source
    let maxBodySize: Int
    private var buffer: [UInt8] = []
    private var start = 0
    /// Where each read lands before its bytes join `buffer` (a read costs what it returns, not
    /// the size of the largest read, even when a peer sends one byte at a time).
    private var readBuffer = [UInt8](repeating: 0, count: 16 * 1024)
    static var maxHeadSize: Int { 64 * 1024 }

    init(source: Source, maxBodySize: Int) {
        self.source = source
        self.maxBodySize = maxBodySize
    }

    mutating func read() throws(HTTPReadError) -> HTTPResponse {
        var headBudget = Self.maxHeadSize
        var (status, isHTTP11, headers) = try readHead(budget: &headBudget)
        while (100..<200).contains(status) && status != 101 { (status, isHTTP11, headers) = try readHead(budget: &headBudget) }
        var response = HTTPResponse(status: status, headers: headers, body: Data(), bodyTooLarge: false, keepAlive: false)
        let connection = response.header("connection")?.lowercased() ?? ""
        var keepAlive = isHTTP11 ? !connection.contains("close") : connection.contains("keep-alive")
        if status == 204 || status == 304 || (100..<200).contains(status) {
            // No body.
        } else if response.header("transfer-encoding")?.lowercased().contains("chunked") == true {
            try readChunkedBody(into: &response)
        } else if let field = response.header("content-length") {
            guard let length = Self.number(field.utf8[...], radix: 10) else { throw malformed }
            if length > maxBodySize {
                response.bodyTooLarge = true
            } else {
                response.body = try readBytes(length)
            }
        } else {
            keepAlive = false
            try readToEnd(into: &response)
        }
        response.keepAlive = keepAlive && !response.bodyTooLarge
        return response
    }

    private var malformed: HTTPReadError { HTTPReadError(kind: .malformed, beforeResponse: false) }

    /// A status line and its headers, their line endings included, in what is left of `budget`.
    private mutating func readHead(budget: inout Int) throws(HTTPReadError) -> (Int, Bool, [(name: String, value: String)]) {
        let statusLine = try readLine(budget: &budget)
        let parts = statusLine.split(separator: UInt8(ascii: " "), maxSplits: 2, omittingEmptySubsequences: true)
        guard parts.count >= 2, parts[0].starts(with: Array("HTTP/1.".utf8)), parts[1].count == 3,
              let status = Self.number(parts[1], radix: 10) else { throw malformed }
        let isHTTP11 = !parts[0].elementsEqual(Array("HTTP/1.0".utf8))
        var headers: [(name: String, value: String)] = []
        while true {
            let line = try readLine(budget: &budget)
            if line.isEmpty { break }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { throw malformed }
            let name = String(decoding: line[..<colon], as: UTF8.self).lowercased()
            let value = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingCharacters(in: .whitespaces)
            headers.append((name, value))
        }
        return (status, isHTTP11, headers)
    }

    private mutating func readChunkedBody(into response: inout HTTPResponse) throws(HTTPReadError) {
        while true {
            var lineBudget = Self.maxHeadSize
            let line = try readLine(budget: &lineBudget)
            var digits = line.prefix { $0 != UInt8(ascii: ";") }
            while digits.last == UInt8(ascii: " ") || digits.last == UInt8(ascii: "\t") { digits.removeLast() }
            guard let size = Self.number(digits, radix: 16) else { throw malformed }
            if size == 0 {
                var trailerBudget = Self.maxHeadSize
                while try !readLine(budget: &trailerBudget).isEmpty {}
                return
            }
            // `size` may be anything up to Int.max: compare without adding.
            guard size <= maxBodySize - response.body.count else {
                response.body = Data()
                response.bodyTooLarge = true
                return
            }
            response.body.append(try readBytes(size))
            var endBudget = Self.maxHeadSize
            guard try readLine(budget: &endBudget).isEmpty else { throw malformed }
        }
    }

    private mutating func readToEnd(into response: inout HTTPResponse) throws(HTTPReadError) {
        while true {
            if start < buffer.count {
                response.body.append(contentsOf: buffer[start...])
                start = buffer.count
            }
            if response.body.count > maxBodySize {
                response.body = Data()
                response.bodyTooLarge = true
                return
            }
            guard try fill() else { return }
        }
    }

    /// A non-negative number written only in digits of `radix` (no sign, no space), as a
    /// length field must be; nil when it is anything else or does not fit in an `Int`.
    static func number<Digits: Collection<UInt8>>(_ digits: Digits, radix: Int) -> Int? {
        guard !digits.isEmpty else { return nil }
        var value = 0
        for byte in digits {
            let digit: Int
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = Int(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f") where radix == 16: digit = Int(byte - UInt8(ascii: "a")) + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F") where radix == 16: digit = Int(byte - UInt8(ascii: "A")) + 10
            default: return nil
            }
            let (shifted, overflow) = value.multipliedReportingOverflow(by: radix)
            guard !overflow, shifted <= Int.max - digit else { return nil }
            value = shifted + digit
        }
        return value
    }

    /// One line without its CRLF (or bare LF); the line with its ending must fit in `budget`,
    /// which is charged for it. The verdict depends on the line alone, never on how much of
    /// the stream the reads so far happened to bring.
    private mutating func readLine(budget: inout Int) throws(HTTPReadError) -> ArraySlice<UInt8> {
        var scanned = 0  // bytes after `start` known to hold no newline (`fill` may move `start`)
        while true {
            if let newline = buffer[(start + scanned)...].firstIndex(of: UInt8(ascii: "\n")) {
                guard newline - start < budget else { throw malformed }
                budget -= newline + 1 - start
                let end = newline > start && buffer[newline - 1] == UInt8(ascii: "\r") ? newline - 1 : newline
                let line = buffer[start..<end]
                start = newline + 1
                return line
            }
            scanned = buffer.count - start
            guard scanned < budget else { throw malformed }
            guard try fill() else { throw HTTPReadError(kind: .closed, beforeResponse: false) }
        }
    }

    private mutating func readBytes(_ count: Int) throws(HTTPReadError) -> Data {
        while buffer.count - start < count {
            guard try fill() else { throw HTTPReadError(kind: .closed, beforeResponse: false) }
        }
        defer { start += count }
        return Data(buffer[start..<(start + count)])
    }

    /// Reads more into the buffer; false at the end of the stream.
    private mutating func fill() throws(HTTPReadError) -> Bool {
        if start > 0 && start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        } else if start > 32 * 1024 {
            buffer.removeFirst(start)
            start = 0
        }
        var source = self.source
        let result = readBuffer.withUnsafeMutableBytes { raw in
            Result { () throws(HTTPReadError) in try source.read(into: raw) }
        }
        self.source = source
        let read = try result.get()
        buffer.append(contentsOf: readBuffer[..<read])
        return read > 0
    }
}
