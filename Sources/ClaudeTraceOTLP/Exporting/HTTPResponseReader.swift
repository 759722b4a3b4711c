import Foundation

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
