import Foundation

/// A streamed answer: its events as they arrive, then the assembled message.
///
/// ```swift
/// let stream = claude.streamMessage(request, attribution: .init(feature: "chat"))
/// for try await event in stream {
///     if case .contentBlockDelta(_, .text(let piece)) = event { print(piece, terminator: "") }
/// }
/// let message = try await stream.finalMessage()   // usage, cost, request ids
/// ```
/// The request is sent when iteration starts (or at ``finalMessage(isolation:)``); a stream is iterated
/// once. It throws ``ClaudeError``: an `error` event inside the stream (e.g. `overloaded`), a
/// connection that drops (`connection`), a cancelled task (`cancelled`). `ping` events are
/// yielded like the others; event types this library does not know are skipped.
///
/// The span ends at `message_stop`, on failure, or, when the caller stops early, as soon as the
/// stream and its iterators are released: then it records what was received and
/// `claude.stream.abandoned = true`, and the download is cancelled.
public struct ClaudeMessageStream: AsyncSequence {
    /// Each event of the answer.
    public typealias Element = ClaudeStreamEvent
    /// A ``ClaudeError`` in practice; `any Error` for the `AsyncSequence` requirement.
    public typealias Failure = any Error

    let run: ClaudeStreamRun

    init(run: ClaudeStreamRun) { self.run = run }

    /// The client's id for this call (`claude.request_id`), known before anything is sent.
    public var requestID: String { run.requestID }

    /// Starts the call on the first `next()`; a stream is iterated once.
    public func makeAsyncIterator() -> Iterator { Iterator(run: run) }

    /// Reads whatever is left of the stream and returns the assembled message, with its usage,
    /// cost and ids. Throws the stream's failure.
    public func finalMessage(isolation: isolated (any Actor)? = #isolation) async throws -> ClaudeMessageResponse {
        while try await run.next(isolation: isolation) != nil {}
        return try run.finalResult()
    }

    /// Iterates the events of the stream; sends the request on the first `next()`.
    public struct Iterator: AsyncIteratorProtocol {
        let run: ClaudeStreamRun

        /// The next event; nil after `message_stop`. Throws the stream's failure as a ``ClaudeError``.
        public mutating func next() async throws -> ClaudeStreamEvent? {
            try await run.next(isolation: nil)
        }

        /// The next event, read on `actor`'s executor, so a caller on an actor does not hop.
        public mutating func next(isolation actor: isolated (any Actor)?) async throws -> ClaudeStreamEvent? {
            try await run.next(isolation: actor)
        }
    }
}

/// The state of one streamed call. Used by one consumer at a time, like any async iterator.
final class ClaudeStreamRun {
    private enum State {
        case notStarted
        case streaming(ClaudeResponseBody.AsyncIterator)
        /// `message_stop` arrived and the span ended; the rest of the body is drained.
        case draining(ClaudeResponseBody.AsyncIterator)
        case finished
    }

    let client: ClaudeClient
    let request: ClaudeMessageRequest
    let attribution: ClaudeAttribution
    let parent: SpanParent
    let tracer: Tracer
    let requestID: String

    private var state = State.notStarted
    private var call: PreparedCall?
    private var response: ClaudeHTTPResponse?
    private var retries = 0
    private var parser = ServerSentEventParser()
    private var accumulator = ClaudeMessageAccumulator()
    private var pending: [ClaudeStreamEvent] = []
    private var pendingIndex = 0
    private var failure: ClaudeError?
    private var final: ClaudeMessageResponse?
    private var spanEnded = false

    init(client: ClaudeClient, request: ClaudeMessageRequest, attribution: ClaudeAttribution, parent: SpanParent, tracer: Tracer) {
        self.client = client
        self.request = request
        self.attribution = attribution
        self.parent = parent
        self.tracer = tracer
        self.requestID = ClaudeRequestID.make()
    }

    deinit {
        // Released before the end: record what arrived. Dropping the body iterator cancels the
        // download (the transport's contract).
        guard let call, !spanEnded else { return }
        var partial = accumulator.message ?? ClaudeMessageResponse(id: "", model: "", content: [])
        client.complete(&partial, call: call, retries: retries)
        call.span.finish(partial, abandoned: true)
    }

    func finalResult() throws -> ClaudeMessageResponse {
        if let failure { throw failure }
        guard let final else {
            throw ClaudeError(category: .unknown, message: "the stream has not finished", requestID: call?.requestID ?? "")
        }
        return final
    }

    func next(isolation actor: isolated (any Actor)?) async throws(ClaudeError) -> ClaudeStreamEvent? {
        while true {
            if pendingIndex < pending.count {
                let event = pending[pendingIndex]
                pendingIndex += 1
                return try deliver(event)
            }
            switch state {
            case .finished:
                if let failure { throw failure }
                return nil
            case .notStarted:
                try await start(isolation: actor)
            case .draining(var body):
                // After message_stop, read to the end so the connection can be reused; what
                // comes now is ignored.
                _ = try? await body.next(isolation: actor)
                state = .finished
            case .streaming(var body):
                let chunk: [UInt8]?
                do {
                    chunk = try await body.next(isolation: actor)
                } catch {
                    try fail(client.transportFailure(error, call: call!, status: response?.status, headers: response?.headers))
                }
                state = .streaming(body)
                guard let chunk else {
                    if Task.isCancelled { try fail(client.cancelledError(call!, retries: retries)) }
                    try fail(ClaudeError(
                        category: .connection, statusCode: response?.status,
                        message: "the stream ended before message_stop", requestID: call!.requestID))
                }
                try parse(chunk)
            }
        }
    }

    private func start(isolation actor: isolated (any Actor)?) async throws(ClaudeError) {
        let call = client.begin(
            request, attribution: attribution, parent: parent, isStreaming: true, tracer: tracer, requestID: requestID)
        self.call = call
        do {
            try client.admit(call)
            let (response, retries) = try await client.execute(call) { response throws(ClaudeError) in response }
            self.response = response
            self.retries = retries
            state = .streaming(response.body.makeAsyncIterator())
        } catch {
            // admit and execute already ended the span.
            spanEnded = true
            failure = error
            state = .finished
            throw error
        }
    }

    private func parse(_ chunk: [UInt8]) throws(ClaudeError) {
        pending.removeAll(keepingCapacity: true)
        pendingIndex = 0
        var events: [ServerSentEvent] = []
        do {
            try parser.feed(chunk, into: &events)
        } catch {
            try fail(ClaudeError(category: .unknown, statusCode: response?.status, message: "\(error)", requestID: call!.requestID))
        }
        for event in events {
            do {
                if let decoded = try ClaudeStreamEvent.decode(event) { pending.append(decoded) }
            } catch {
                try fail(ClaudeError(
                    category: .unknown, statusCode: response?.status, message: client.redacted(error.description),
                    requestID: call!.requestID))
            }
        }
    }

    /// Applies an event, ends the span at `message_stop`, and turns an `error` event into a
    /// thrown ``ClaudeError``.
    private func deliver(_ event: ClaudeStreamEvent) throws(ClaudeError) -> ClaudeStreamEvent {
        guard let call else { return event }
        switch event {
        case .error(let type, let message):
            try fail(ClaudeError(
                category: ClaudeError.category(status: nil, apiErrorType: type, message: message),
                statusCode: response?.status, apiErrorType: client.redacted(type), message: client.redacted(message),
                requestID: call.requestID, serverRequestID: response?.headers["request-id"], retries: retries,
                duringStream: accumulator.hasContent))
        case .contentBlockDelta where !accumulator.hasContent:
            call.span.recordTimeToFirstChunk(responseModel: accumulator.message?.model)
        default:
            break
        }
        accumulator.apply(event)
        if case .messageStop = event, var message = accumulator.message {
            message.serverRequestID = response?.headers["request-id"]
            client.complete(&message, call: call, retries: retries)
            final = message
            spanEnded = true
            call.span.finish(message, warning: client.warning(for: call, response: message))
            if case .streaming(let body) = state { state = .draining(body) }
        }
        return event
    }

    /// Ends the stream and its span with `error`, keeping what arrived, and throws it.
    private func fail(_ error: ClaudeError) throws(ClaudeError) -> Never {
        var error = error
        error.retries = retries
        error.duringStream = accumulator.hasContent
        if error.serverRequestID == nil { error.serverRequestID = response?.headers["request-id"] }
        failure = error
        state = .finished
        pending.removeAll()
        pendingIndex = 0
        if !spanEnded, let call {
            spanEnded = true
            var partial = accumulator.message
            if partial != nil { client.complete(&partial!, call: call, retries: retries) }
            call.span.fail(error, partial: partial)
        }
        throw error
    }
}
