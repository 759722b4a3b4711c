import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import ClaudeTraceCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
