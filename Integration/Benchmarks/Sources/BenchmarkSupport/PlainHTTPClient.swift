#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The plainest HTTP/1.1 client: one blocking keep-alive socket, a POST, the response read by
/// its `Content-Length`. It measures the collector's own ceiling: bodies posted back to back
/// with as little client work as possible between them.
public final class PlainHTTPClient {
    public enum Failure: Error, CustomStringConvertible {
        case connect(Int32), io(String), malformed(String)
        public var description: String {
            switch self {
            case .connect(let code): "connect failed (errno \(code))"
            case .io(let what): "I/O failed: \(what)"
            case .malformed(let what): "malformed response: \(what)"
            }
        }
    }

    let host: String, port: Int, path: String
    private var socket: Int32 = -1
    private var buffer = [UInt8](repeating: 0, count: 64 * 1024)

    public init(host: String, port: Int, path: String) {
        self.host = host
        self.port = port
        self.path = path
    }

    deinit { close() }

    public func close() {
        if socket >= 0 { _ = Glibc.close(socket) }
        socket = -1
    }

    private func connect() throws {
        close()
        #if canImport(Glibc)
        let descriptor = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let descriptor = Darwin.socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw Failure.connect(errno) }
        var one: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, host, &address.sin_addr)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            let code = errno
            _ = Glibc.close(descriptor)
            throw Failure.connect(code)
        }
        socket = descriptor
    }

    /// POSTs `body` and returns the status code and response body. Reconnects once if the
    /// kept-alive connection was closed by the server.
    public func post(_ body: [UInt8], contentType: String) throws -> (status: Int, body: [UInt8]) {
        do {
            if socket < 0 { try connect() }
            return try exchange(body, contentType: contentType)
        } catch {
            try connect()
            return try exchange(body, contentType: contentType)
        }
    }

    private func exchange(_ body: [UInt8], contentType: String) throws -> (status: Int, body: [UInt8]) {
        let head = "POST \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nContent-Type: \(contentType)\r\nContent-Length: \(body.count)\r\n\r\n"
        try writeAll(Array(head.utf8))
        try writeAll(body)
        // Read until the end of the headers.
        var received: [UInt8] = []
        var headerEnd: Int? = nil
        while headerEnd == nil {
            let count = try readSome()
            received.append(contentsOf: buffer[0..<count])
            headerEnd = Self.find([13, 10, 13, 10], in: received)
        }
        let headerText = String(decoding: received[0..<headerEnd!], as: UTF8.self)
        let lines = headerText.split(separator: "\r\n")
        guard let statusLine = lines.first, statusLine.hasPrefix("HTTP/1."),
              let status = Int(statusLine.split(separator: " ").dropFirst().first ?? "") else {
            throw Failure.malformed(String(headerText.prefix(80)))
        }
        var length = 0, closes = false
        for line in lines.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let name = parts[0].lowercased(), value = parts[1].trimmingSpaces
            if name == "content-length" { length = Int(value) ?? 0 }
            if name == "connection" && value.lowercased() == "close" { closes = true }
        }
        var responseBody = Array(received[(headerEnd! + 4)...])
        while responseBody.count < length {
            let count = try readSome()
            responseBody.append(contentsOf: buffer[0..<count])
        }
        if closes { close() }
        return (status, responseBody)
    }

    private func writeAll(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { send(socket, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            if written < 0 {
                if errno == EINTR { continue }
                throw Failure.io("send errno \(errno)")
            }
            offset += written
        }
    }

    private func readSome() throws -> Int {
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress!, $0.count, 0) }
            if count > 0 { return count }
            if count < 0 && errno == EINTR { continue }
            throw Failure.io(count == 0 ? "connection closed" : "recv errno \(errno)")
        }
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if Array(haystack[start..<(start + needle.count)]) == needle { return start }
        }
        return nil
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var result = self
        while result.first == " " { result.removeFirst() }
        while result.last == " " { result.removeLast() }
        return result
    }
}
