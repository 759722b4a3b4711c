import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
@testable import ClaudeTraceOTLP

/// Serves a script of bytes in pieces of `step` bytes, then the end of the stream.
struct ScriptedSource: HTTPByteSource {
    var bytes: [UInt8]
    var step: Int
    var position = 0

    init(_ text: String, step: Int) {
        bytes = Array(text.utf8)
        self.step = step
    }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(HTTPReadError) -> Int {
        let count = min(step, buffer.count, bytes.count - position)
        for index in 0..<count { buffer[index] = bytes[position + index] }
        position += count
        return count
    }
}

@Suite("HTTP/1.1 response reader")
struct HTTPResponseReaderTests {
    func read(_ text: String, step: Int = 7, maxBodySize: Int = 1024) throws -> HTTPResponse {
        var reader = HTTPResponseReader(source: ScriptedSource(text, step: step), maxBodySize: maxBodySize)
        return try reader.read()
    }

    @Test("a Content-Length body, read in pieces of any size; the connection stays open", arguments: [1, 3, 64, 16_384])
    func contentLength(step: Int) throws {
        let response = try read("HTTP/1.1 200 OK\r\nContent-Type: application/x-protobuf\r\nContent-Length: 5\r\n\r\nhello", step: step)
        #expect(response.status == 200 && response.header("content-type") == "application/x-protobuf")
        #expect(response.body == Data("hello".utf8) && response.keepAlive && !response.bodyTooLarge)
    }

    @Test("a chunked body with an extension and a trailer")
    func chunked() throws {
        let response = try read("HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\nRetry-After: 2\r\n\r\n4;x=y\r\nbusy\r\n6\r\n, wait\r\n0\r\nX-Trailer: 1\r\n\r\n")
        #expect(response.status == 503 && response.header("retry-after") == "2")
        #expect(String(decoding: response.body, as: UTF8.self) == "busy, wait" && response.keepAlive)
    }

    @Test("interim 1xx responses are skipped; 204 has no body")
    func interimAndNoBody() throws {
        let response = try read("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n")
        #expect(response.status == 204 && response.body.isEmpty && response.keepAlive)
    }

    @Test("Connection: close, HTTP/1.0, and a body to the end of the stream end the connection")
    func closing() throws {
        #expect(try !read("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n").keepAlive)
        #expect(try !read("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n").keepAlive)
        #expect(try read("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n").keepAlive)
        let unframed = try read("HTTP/1.1 200 OK\r\n\r\n{\"partialSuccess\":{}}")
        #expect(String(decoding: unframed.body, as: UTF8.self) == "{\"partialSuccess\":{}}" && !unframed.keepAlive)
    }

    @Test("a body over the cap is not read, and the connection is not reused", arguments: [
        "HTTP/1.1 200 OK\r\nContent-Length: 2000\r\n\r\n" + String(repeating: "x", count: 2000),
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7d0\r\n" + String(repeating: "x", count: 2000) + "\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\n\r\n" + String(repeating: "x", count: 2000),
    ])
    func overTheCap(text: String) throws {
        let response = try read(text, step: 100, maxBodySize: 1000)
        #expect(response.bodyTooLarge && response.body.isEmpty && !response.keepAlive)
    }

    @Test("malformed or cut-off responses are errors, never a response", arguments: [
        "SMTP 220 hello\r\n\r\n",
        "HTTP/1.1 2000 OK\r\n\r\n",
        "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
        "HTTP/1.1 200 OK\r\nContent-Le",
    ])
    func malformed(text: String) {
        #expect(throws: HTTPReadError.self) { try read(text) }
    }

    @Test("a chunk or content length near or past Int.max is refused or capped, never a trap", arguments: [
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n7fffffffffffffff\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7fffffffffffffff\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n7ffffffffffffffe\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 9223372036854775807\r\n\r\n",
    ])
    func hugeLengths(text: String) throws {
        let response = try read(text, maxBodySize: 1024)
        #expect(response.bodyTooLarge && response.body.isEmpty && !response.keepAlive)
    }

    @Test("a length with a sign, a space inside, or more digits than an Int holds is malformed", arguments: [
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000000\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n+5\r\nhello\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 92233720368547758070\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\nhello",
        "HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\nhello",
    ])
    func badLengths(text: String) {
        #expect(throws: HTTPReadError.self) { try read(text) }
    }

    @Test("a header section over 64 KiB is refused")
    func hugeHead() {
        let text = "HTTP/1.1 200 OK\r\nX-Big: " + String(repeating: "a", count: 70_000) + "\r\n\r\n"
        #expect(throws: HTTPReadError.self) { try read(text, step: 4096) }
    }

    @Test("many small headers or interim responses past 64 KiB in all are refused, not collected without bound")
    func headSizeInAll() {
        let headers = "HTTP/1.1 200 OK\r\n" + String(repeating: "X-A: b\r\n", count: 10_000) + "\r\n"
        #expect(throws: HTTPReadError.self) { try read(headers, step: 4096) }
        let interim = String(repeating: "HTTP/1.1 100 Continue\r\n\r\n", count: 3_000) + "HTTP/1.1 204 No Content\r\n\r\n"
        #expect(throws: HTTPReadError.self) { try read(interim, step: 4096) }
        var trailers = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n"
        trailers += String(repeating: "X-T: 1\r\n", count: 10_000) + "\r\n"
        #expect(throws: HTTPReadError.self) { try read(trailers, step: 4096) }
    }

    @Test("a line at the head limit is read or refused the same way whatever the read size", arguments: [1, 7, 4096, 16_384])
    func lineLimitIndependentOfReads(step: Int) throws {
        let fits = "HTTP/1.1 200 OK\r\nX-Big: " + String(repeating: "a", count: 65_536 - 17 - 7 - 2 - 2) + "\r\n\r\n"
        #expect(fits.utf8.count == 65_536)
        #expect(try read(fits, step: step).header("x-big")?.count == 65_536 - 17 - 7 - 2 - 2)
        let over = "HTTP/1.1 200 OK\r\nX-Big: " + String(repeating: "a", count: 65_536 - 17 - 7 - 2 - 1) + "\r\n\r\n"
        #expect(throws: HTTPReadError.self) { try read(over, step: step) }
    }

    @Test("a status code must be three digits")
    func statusDigits() {
        #expect(throws: HTTPReadError.self) { try read("HTTP/1.1 +20 OK\r\n\r\n") }
        #expect(throws: HTTPReadError.self) { try read("HTTP/1.1 -99 OK\r\n\r\n") }
    }

    @Test("the request head carries the path, host, length and headers, and drops fields that would split it")
    func requestHead() throws {
        let url = try #require(URL(string: "http://collector:4318/v1/traces?x=1"))
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.httpBody = Data("abc".utf8)
        request.setValue("application/x-protobuf", forHTTPHeaderField: "Content-Type")
        request.setValue("a\r\nInjected: yes", forHTTPHeaderField: "X-Evil")
        let head = String(decoding: SocketHTTPTransport.requestHead(request, url: url, host: "collector"), as: UTF8.self)
        #expect(head.hasPrefix("POST /v1/traces?x=1 HTTP/1.1\r\nHost: collector:4318\r\nContent-Length: 3\r\n"))
        #expect(head.contains("Content-Type: application/x-protobuf\r\n") && head.hasSuffix("\r\n\r\n"))
        #expect(!head.contains("Injected"))
    }

    @Test("only plain http without a proxy variable goes through our sockets")
    func transportChoice() throws {
        let plain = try #require(URL(string: "http://127.0.0.1:4318/v1/traces"))
        let secure = try #require(URL(string: "https://collector.example/v1/traces"))
        #expect(SocketHTTPTransport.canSend(to: plain, environment: [:]))
        #expect(!SocketHTTPTransport.canSend(to: secure, environment: [:]))
        #expect(!SocketHTTPTransport.canSend(to: plain, environment: ["http_proxy": "http://proxy:3128"]))
        #expect(SocketHTTPTransport.canSend(to: plain, environment: ["https_proxy": "http://proxy:3128"]))
    }
}
