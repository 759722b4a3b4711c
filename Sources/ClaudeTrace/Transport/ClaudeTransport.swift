import Foundation

/// How the client reaches Claude: ``URLSessionTransport`` over HTTP, ``SimulatedClaude`` in
/// process, or your own (a proxy, a recorder, another HTTP stack).
///
/// The contract:
/// - ``send(_:)`` returns as soon as the response's status and headers are known; the body then
///   arrives through ``ClaudeHTTPResponse/body`` in chunks of any size.
/// - Failures are ``ClaudeTransportError``s, thrown by `send` or by the body.
/// - Cancelling the task awaiting `send` cancels the request; so does cancelling or dropping
///   the body before it ends (a stream the caller abandons stops costing bandwidth).
/// - ``ClaudeHTTPRequest/timeout`` bounds every silence: the wait for the headers and each wait
///   for the next body chunk. When it passes, the transport throws ``ClaudeTransportError/timedOut``.
/// - `send` is called on the executor of the task that made the call (the requirement is
///   `nonisolated(nonsending)`). A plain `func send(_:) async throws` satisfies it too, and runs
///   on the cooperative pool. A body known whole is best returned with
///   ``ClaudeHTTPResponse/init(status:headers:bytes:)``: the client then reads it without
///   awaiting a stream.
public protocol ClaudeTransport: Sendable {
    /// Sends `request` and returns once the status and headers arrived; the body follows in the response.
    nonisolated(nonsending) func send(_ request: ClaudeHTTPRequest) async throws -> ClaudeHTTPResponse
}

/// A transport failure, before or during the response.
public enum ClaudeTransportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No byte arrived within the request's timeout.
    case timedOut
    /// No response, or the connection broke mid-body (refused, reset, DNS, dropped).
    case connectionFailed(String)
    /// The request was cancelled.
    case cancelled

    /// The failure in words, for logs and ``ClaudeError/message``.
    public var description: String {
        switch self {
        case .timedOut: "timed out waiting for the server"
        case .connectionFailed(let reason): "connection failed: \(reason)"
        case .cancelled: "cancelled"
        }
    }
}

/// HTTP header fields with case-insensitive names (stored lowercased).
public struct ClaudeHTTPHeaders: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    private var fields: [(name: String, value: String)] = []

    /// No fields.
    public init() {}

    /// Fields written as a literal: `["content-type": "application/json"]`.
    public init(dictionaryLiteral elements: (String, String)...) {
        for (name, value) in elements { self[name] = value }
    }

    /// The value of `name`; several fields of that name are joined by `, `. Setting replaces
    /// every field of that name (nil removes them).
    public subscript(name: String) -> String? {
        get {
            // Names are stored lowercased; lowercase the query only when it needs it (on the hot
            // path it never does), and allocate only to join repeated fields.
            let name = Self.lowercased(name)
            var found: String?
            for field in fields where field.name == name {
                if let first = found { found = first + ", " + field.value } else { found = field.value }
            }
            return found
        }
        set {
            let name = Self.lowercased(name)
            if fields.contains(where: { $0.name == name }) { fields.removeAll { $0.name == name } }
            if let newValue { fields.append((name, newValue)) }
        }
    }

    private static func lowercased(_ name: String) -> String {
        name.utf8.contains(where: { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }) ? name.lowercased() : name
    }

    /// Adds a field, keeping others of the same name.
    public mutating func add(_ name: String, _ value: String) { fields.append((Self.lowercased(name), value)) }

    /// The fields in the order they were added, names lowercased.
    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { fields.makeIterator() }

    /// Whether both have the same fields in the same order.
    public static func == (a: ClaudeHTTPHeaders, b: ClaudeHTTPHeaders) -> Bool {
        a.fields.elementsEqual(b.fields) { $0.name == $1.name && $0.value == $1.value }
    }

    /// Hashes the fields in order.
    public func hash(into hasher: inout Hasher) {
        for field in fields {
            hasher.combine(field.name)
            hasher.combine(field.value)
        }
    }
}

/// A request for a transport to send.
public struct ClaudeHTTPRequest: Sendable, CustomStringConvertible {
    /// The endpoint, such as `https://api.anthropic.com/v1/messages`.
    public var url: URL
    /// The HTTP method, `POST` for the Messages API.
    public var method: String
    /// Includes the credentials (`x-api-key`): never log these; ``description`` leaves them out.
    public var headers: ClaudeHTTPHeaders
    /// The JSON body.
    public var body: [UInt8]
    /// The longest silence allowed: to the response headers, and between body chunks.
    public var timeout: Duration
    /// Whether the body is an event stream (the transport may tune buffering for it).
    public var isStreaming: Bool

    /// A request; the method defaults to `POST`.
    public init(url: URL, method: String = "POST", headers: ClaudeHTTPHeaders, body: [UInt8], timeout: Duration, isStreaming: Bool) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.isStreaming = isStreaming
    }

    /// Method and URL only: headers carry the key and the body carries the prompt.
    public var description: String { "\(method) \(url.absoluteString)" }
}

/// The body of a response, chunk by chunk.
public typealias ClaudeResponseBody = AsyncThrowingStream<[UInt8], any Error>

/// A response whose status and headers have arrived; its body may still be coming.
public struct ClaudeHTTPResponse: Sendable {
    /// The HTTP status code.
    public var status: Int
    /// The response headers.
    public var headers: ClaudeHTTPHeaders
    /// The body as it arrives; it throws a ``ClaudeTransportError`` if the connection breaks.
    /// For a response made with its whole body (``init(status:headers:bytes:)``), each read
    /// gets a new stream of those bytes.
    public var body: ClaudeResponseBody {
        get {
            switch content {
            case .stream(let body): return body
            case .bytes(let bytes):
                let (body, continuation) = ClaudeResponseBody.makeStream()
                if !bytes.isEmpty { continuation.yield(bytes) }
                continuation.finish()
                return body
            }
        }
        set { content = .stream(newValue) }
    }

    /// The body as it was given: a whole body is kept as bytes, so that the client reads it
    /// without awaiting a stream. Each element awaited from an `AsyncThrowingStream` resumes
    /// through the global executor, even when it was buffered: from the main actor, two
    /// thread hand-offs per read (perf on W4-main, docs/benchmarks.md).
    enum Content: Sendable {
        case stream(ClaudeResponseBody)
        case bytes([UInt8])
    }

    var content: Content

    /// A response whose body arrives through `body`.
    public init(status: Int, headers: ClaudeHTTPHeaders, body: ClaudeResponseBody) {
        self.status = status
        self.headers = headers
        self.content = .stream(body)
    }

    /// A response whose whole body is `bytes`.
    public init(status: Int, headers: ClaudeHTTPHeaders, bytes: [UInt8]) {
        self.status = status
        self.headers = headers
        self.content = .bytes(bytes)
    }
}
