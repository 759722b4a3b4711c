import ClaudeTraceCore
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A tiny HTTP/1.1 server on `127.0.0.1` answering `GET /metrics` with the provider's
/// Prometheus exposition (``PrometheusText``), for a Prometheus on the same machine (or a
/// sidecar) to scrape. Anything else gets a 404.
///
/// It listens on the loopback interface only, so nothing outside the machine reaches it. One
/// thread of its own, one connection at a time, `Connection: close` after each answer; a client
/// that sends nothing for 2 s is dropped. Turn it on with ``MetricsConfiguration/prometheusPort``
/// (or `OTEL_METRICS_EXPORTER=prometheus`); `Telemetry.shutdown(timeout:)` stops it.
public final class PrometheusListener: Sendable {
    /// The port it listens on (the one asked for, or the one the system picked for 0).
    public let port: Int
    private let provider: MeterProvider
    private let listener: Int32
    private let stopped = Atomic<Bool>(false)

    /// Listens on `127.0.0.1:port`; 0 picks a free port.
    /// - Throws: `POSIXError` when the port cannot be bound (in use, say).
    public init(provider: MeterProvider, port: Int) throws {
        self.provider = provider
        #if canImport(Darwin)
        let listener = socket(AF_INET, SOCK_STREAM, 0)
        #else
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #endif
        guard listener >= 0 else { throw POSIXError(.EMFILE) }
        var reuse: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(clamping: max(0, port)).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 16) == 0 else {
            let code = POSIXErrorCode(rawValue: errno) ?? .EADDRINUSE
            close(listener)
            throw POSIXError(code)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        self.listener = listener
        self.port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in serve() }
        thread.name = "claude-trace prometheus"
        thread.start()
    }

    /// `http://127.0.0.1:<port>/metrics`.
    public var url: String { "http://127.0.0.1:\(port)/metrics" }

    /// Stops listening; the thread ends within about 100 ms. Idempotent.
    public func stop() {
        stopped.store(true, ordering: .releasing)
    }

    private func serve() {
        defer { close(listener) }
        while !stopped.load(ordering: .acquiring) {
            var poller = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 100) > 0 else { continue }
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { continue }
            var timeout = timeval(tv_sec: 2, tv_usec: 0)
            setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            answer(connection)
            close(connection)
        }
    }

    private func answer(_ connection: Int32) {
        var request: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        let separator = Array("\r\n\r\n".utf8)
        while request.firstRange(of: separator) == nil {
            let count = recv(connection, &chunk, chunk.count, 0)
            guard count > 0, request.count + count <= 16 * 1024 else { return }
            request += chunk[0..<count]
        }
        let line = String(decoding: request.prefix { $0 != 0x0d }, as: UTF8.self).split(separator: " ")
        let path = line.count >= 2 ? line[1].split(separator: "?").first.map(String.init) ?? "" : ""
        let (status, contentType, body): (String, String, String) =
            if line.first == "GET" && path == "/metrics" {
                ("200 OK", PrometheusText.contentType, provider.prometheusText())
            } else {
                ("404 Not Found", "text/plain; charset=utf-8", "not found: GET /metrics\n")
            }
        let bytes = Array(body.utf8)
        #if canImport(Darwin)
        let flags: Int32 = 0
        #else
        let flags = Int32(MSG_NOSIGNAL)  // a scraper that hung up must not kill the process
        #endif
        let head = "HTTP/1.1 \(status)\r\nContent-Type: \(contentType)\r\nContent-Length: \(bytes.count)\r\nConnection: close\r\n\r\n"
        for part in [Array(head.utf8), bytes] {
            var offset = 0
            while offset < part.count {
                let sent = part[offset...].withUnsafeBytes { send(connection, $0.baseAddress, $0.count, flags) }
                guard sent > 0 else { return }
                offset += sent
            }
        }
    }
}
