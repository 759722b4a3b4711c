import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

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
