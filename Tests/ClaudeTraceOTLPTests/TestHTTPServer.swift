import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A tiny HTTP/1.1 server on 127.0.0.1 for exporter tests: POSIX sockets, one thread, one
/// connection at a time, `Connection: close` after each answer unless it keeps connections
/// alive. Each request goes to a handler that picks the answer, or chooses never to answer.
final class TestHTTPServer: Sendable {
    struct Request: Sendable {
        let method: String
        let path: String
        /// Header names lowercased.
        let headers: [String: String]
        let body: [UInt8]
    }

    struct Response: Sendable {
        var status: Int
        var headers: [String: String] = [:]
        var body: [UInt8] = []

        init(status: Int, headers: [String: String] = [:], body: String = "") {
            self.init(status: status, headers: headers, bytes: Array(body.utf8))
        }

        /// A response with a binary body (protobuf).
        init(status: Int, headers: [String: String] = [:], bytes: [UInt8]) {
            self.status = status
            self.headers = headers
            self.body = bytes
        }

        static let ok = Response(status: 200, headers: ["Content-Type": "application/json"], body: "{}")
    }

    enum Behavior: Sendable {
        case respond(Response)
        /// Reads the request, then holds the connection open without a word.
        case neverAnswer
        /// Answers as if keeping the connection alive, then closes it (a kept-alive connection
        /// that the server times out between requests).
        case respondAndClose(Response)
    }

    /// Picks the answer to the `index`-th request (0-based).
    typealias Handler = @Sendable (_ request: Request, _ index: Int) -> Behavior

    let port: UInt16
    /// Whether answers leave the connection open for the next request.
    let keepAlive: Bool
    private let listener: Int32
    private let handler: Handler
    private let state = Mutex(State())

    private struct State: Sendable {
        var requests: [Request] = []
        var stopped = false
        var heldConnections: [Int32] = []
        var connections = 0
        /// Connections the server has closed.
        var closed = 0
        /// Tests waiting for a condition on the counts (see `wait(until:)`).
        var waiters: [(condition: @Sendable (State) -> Bool, continuation: CheckedContinuation<Void, Never>)] = []

        /// Takes out the waiters whose condition now holds.
        mutating func readyWaiters() -> [CheckedContinuation<Void, Never>] {
            let state = self
            let ready = waiters.filter { $0.condition(state) }.map(\.continuation)
            waiters.removeAll { $0.condition(state) }
            return ready
        }
    }

    init(keepAlive: Bool = false, _ handler: @escaping Handler) throws {
        self.handler = handler
        self.keepAlive = keepAlive
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var reuse: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 16) == 0 else {
            close(listener)
            throw POSIXError(.EADDRINUSE)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)
        let thread = Thread { [self] in serve() }
        thread.start()
    }

    convenience init(always response: Response = .ok) throws {
        try self.init { _, _ in .respond(response) }
    }

    var url: String { "http://127.0.0.1:\(port)/v1/traces" }

    var requests: [Request] { state.withLock { $0.requests } }

    /// Returns once `count` requests have arrived (at once if they have): before the server
    /// answers the last of them.
    func waitForRequests(_ count: Int) async {
        await wait { $0.requests.count >= count }
    }

    /// Returns once the server has closed `count` connections (at once if it has).
    func waitForClosedConnections(_ count: Int) async {
        await wait { $0.closed >= count }
    }

    private func wait(until condition: @escaping @Sendable (State) -> Bool) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let holds = state.withLock { state in
                if condition(state) { return true }
                state.waiters.append((condition, continuation))
                return false
            }
            if holds { continuation.resume() }
        }
    }

    /// Connections accepted so far.
    var connections: Int { state.withLock { $0.connections } }

    func stop() {
        let held = state.withLock { state in
            state.stopped = true
            defer { state.heldConnections = [] }
            return state.heldConnections
        }
        for connection in held { close(connection) }
    }

    /// A port on which nothing listens: bound without listening, then closed.
    static func closedPort() -> UInt16 {
        let probe = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(probe) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(probe, pointer, length)
                return getsockname(probe, pointer, &length)
            }
        }
        return UInt16(bigEndian: address.sin_port)
    }

    /// Runs on the server's thread until ``stop()``; the thread holds the server alive.
    private func serve() {
        defer { close(listener) }
        while !state.withLock({ $0.stopped }) {
            var poller = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 50) > 0 else { continue }
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { continue }
            // How long a kept-alive connection may idle before the server closes it. Long: on a
            // loaded machine a test's consecutive exports can be seconds apart, and a close in
            // between would open a second connection. Only kept-alive connections idle here.
            var timeout = timeval(tv_sec: 60, tv_usec: 0)
            setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            state.withLock { $0.connections += 1 }
            if !serve(connection) {
                close(connection)
                let ready = state.withLock { state in
                    state.closed += 1
                    return state.readyWaiters()
                }
                for waiter in ready { waiter.resume() }
            }
        }
    }

    /// Answers the requests of one connection; false when it is to be closed.
    private func serve(_ connection: Int32) -> Bool {
        while let request = read(connection) {
            let (index, arrived) = state.withLock { state in
                state.requests.append(request)
                return (state.requests.count - 1, state.readyWaiters())
            }
            for waiter in arrived { waiter.resume() }
            switch handler(request, index) {
            case .neverAnswer:
                state.withLock { $0.heldConnections.append(connection) }
                return true
            case .respond(let response):
                send(head(response, close: !keepAlive) + response.body, to: connection)
                if !keepAlive { return false }
            case .respondAndClose(let response):
                send(head(response, close: false) + response.body, to: connection)
                return false
            }
        }
        return false
    }

    private func head(_ response: Response, close: Bool) -> [UInt8] {
        var text = "HTTP/1.1 \(response.status) Status\r\nContent-Length: \(response.body.count)\r\n"
        if close { text += "Connection: close\r\n" }
        for (name, value) in response.headers { text += "\(name): \(value)\r\n" }
        return Array((text + "\r\n").utf8)
    }

    private func read(_ connection: Int32) -> Request? {
        var data: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        var headerEnd: Int?
        while headerEnd == nil {
            let count = recv(connection, &chunk, chunk.count, 0)
            guard count > 0 else { return nil }
            data += chunk[0..<count]
            headerEnd = data.firstRange(of: separator)?.upperBound
        }
        let head = String(decoding: data[..<headerEnd!], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        let requestLine = lines.removeFirst().split(separator: " ")
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        if headers["expect"]?.lowercased() == "100-continue" {
            send(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8), to: connection)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        var body = Array(data[headerEnd!...])
        while body.count < length {
            let count = recv(connection, &chunk, chunk.count, 0)
            guard count > 0 else { return nil }
            body += chunk[0..<count]
        }
        return Request(
            method: requestLine.first.map(String.init) ?? "", path: requestLine.dropFirst().first.map(String.init) ?? "",
            headers: headers, body: body)
    }

    private func send(_ bytes: [UInt8], to connection: Int32) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { return }
            offset += sent
        }
    }
}

/// `date` as an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), for `Retry-After`.
func httpDate(_ date: Date) -> String {
    var time = time_t(date.timeIntervalSince1970)
    var parts = tm()
    gmtime_r(&time, &parts)
    let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
    return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
        + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
}

/// A listener on 127.0.0.1 that never accepts, its backlog filled by connections of its own:
/// a new connection to it stays in the middle of its handshake (Linux drops the SYN).
final class FullBacklogListener {
    let port: UInt16
    private let listener: Int32
    private var fillers: [Int32] = []

    init() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 0) == 0 else {
            Glibc.close(listener)
            throw POSIXError(.EADDRINUSE)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)
        // Fill the accept queue: these complete (or stall) without anyone accepting them.
        for _ in 0..<4 {
            let filler = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            _ = fcntl(filler, F_SETFL, fcntl(filler, F_GETFL) | O_NONBLOCK)
            _ = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(filler, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            fillers.append(filler)
        }
    }

    func close() {
        for filler in fillers { Glibc.close(filler) }
        Glibc.close(listener)
    }
}
