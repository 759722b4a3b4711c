import ClaudeTraceCore
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Sends spans to an OpenTelemetry collector over OTLP/HTTP, POSTed to
/// ``OTLPHTTPExporterConfiguration/endpoint``.
///
/// - Bodies are binary protobuf (`application/x-protobuf`, ``OTLPProtobufEncoder``) by default,
///   as the specification recommends, or JSON (`application/json`, ``OTLPJSONEncoder``) when
///   ``OTLPHTTPExporterConfiguration/protocol`` is ``OTLPProtocol/httpJSON``
///   (`OTEL_EXPORTER_OTLP_PROTOCOL=http/json`).
/// - Each export is one request (split in halves while the body is over
///   ``OTLPHTTPExporterConfiguration/maxRequestBodySize``), never an empty one.
/// - HTTP 429, 502, 503, 504 and connection failures are retried as ``OTLPRetryPolicy`` says,
///   honouring `Retry-After` (seconds or an HTTP date); any other status fails the export
///   without a retry. Everything, retries included, ends by
///   ``OTLPHTTPExporterConfiguration/timeout``.
/// - A partial success in the response (an `ExportTraceServiceResponse` in protobuf or JSON, as
///   its `Content-Type` says) is reported through ``/ClaudeTraceCore/Diagnostics`` and counted; it is never
///   retried.
/// - Cancelling the calling task (the batch processor does at its export timeout) cancels the
///   request in flight. ``shutdown()`` ends back-off waits and requests at once.
///
/// It never throws and never blocks its caller: failures go to ``/ClaudeTraceCore/Diagnostics`` and the
/// returned ``/ClaudeTraceCore/ExportResult``. It is a ``/ClaudeTraceCore/StagedSpanExporter``: a
/// ``/ClaudeTraceCore/BatchSpanProcessor`` encodes each batch while the one before it is being sent.
public final class OTLPHTTPExporter: StagedSpanExporter {
    /// What the exporter has done so far.
    public struct Statistics: Sendable, Hashable {
        /// HTTP requests sent, retries included.
        public var requests = 0
        /// Requests that were retries.
        public var retries = 0
        /// Spans the collector accepted.
        public var exportedSpans = 0
        /// Spans the collector received but rejected (`partialSuccess.rejectedSpans`).
        public var rejectedSpans = 0
        /// Spans in exports that failed.
        public var failedSpans = 0
    }

    /// The endpoint, headers, timeout, compression, protocol and retry policy in use.
    public let configuration: OTLPHTTPExporterConfiguration
    /// `User-Agent` of every request: the spec's `OTel-OTLP-Exporter-Swift/<version>`, after our own token.
    public static let userAgent = "\(Resource.sdkName)/\(Resource.sdkVersion) OTel-OTLP-Exporter-Swift/\(Resource.sdkVersion)"

    static let component = "OTLPHTTPExporter"
    /// The endpoint without user-info: what requests go to and what messages name.
    private let url: URL?
    /// The configured headers that can be sent, plus Basic authentication from the
    /// endpoint's user-info.
    private let headers: [(name: String, value: String)]
    private let encoding: any OTLPTraceEncoding
    /// Sockets of our own for `http://`, URLSession for `https://` or behind a proxy.
    private let transport: any HTTPSending
    private let shutdownSignal = ShutdownSignal()
    /// What the timeout and the waits between attempts are measured on.
    private let clock: AnyClock
    /// The encoding buffer, kept between exports so its storage is reused.
    private let scratch = Locked<[UInt8]>([])
    private let counters = Locked(Statistics())

    /// An exporter for `configuration`, by default the one the `OTEL_EXPORTER_OTLP_*`
    /// variables describe. An invalid endpoint is reported, and every export then fails.
    ///
    /// `clock` measures the timeout, the back-off and `Retry-After` waits; tests pass one they
    /// advance by hand.
    public init(configuration: OTLPHTTPExporterConfiguration = .fromEnvironment(), clock: some Clock<Duration> = ContinuousClock()) {
        self.configuration = configuration
        self.clock = AnyClock(clock)
        encoding = configuration.protocol.encoding
        var headers: [(name: String, value: String)] = []
        for (name, value) in configuration.headers.sorted(by: { $0.key < $1.key }) {
            guard HTTPHeaderField.isValidName(name), HTTPHeaderField.isValidValue(value) else {
                Diagnostics.report(.error, component: Self.component, "header \(name.debugDescription) is not sent: a name must be an HTTP token and a value must not hold CR, LF or NUL")
                continue
            }
            Diagnostics.addSecret(value)
            headers.append((name, value))
        }
        let parsed = HTTPURL(configuration.endpoint)
        if let info = parsed?.userInfo {
            let credentials = Data("\(info.user):\(info.password)".utf8).base64EncodedString()
            Diagnostics.addSecret(info.password)
            Diagnostics.addSecret(credentials)
            if headers.contains(where: { $0.name.lowercased() == "authorization" }) {
                Diagnostics.report(.warning, component: Self.component, "the endpoint's user-info is ignored: an Authorization header is configured")
            } else {
                headers.append(("Authorization", "Basic " + credentials))
            }
        }
        self.headers = headers
        if let parsed, let url = URL(string: parsed.withoutUserInfo) {
            self.url = url
            transport = SocketHTTPTransport.canSend(to: url)
                ? SocketHTTPTransport(maxResponseBodySize: configuration.maxResponseBodySize)
                : HTTPTransport(maxResponseBodySize: configuration.maxResponseBodySize)
        } else {
            url = nil
            transport = HTTPTransport(maxResponseBodySize: configuration.maxResponseBodySize)
            Diagnostics.report(.error, component: Self.component, "endpoint \"\(HTTPURL.displayed(configuration.endpoint))\" is not an http or https URL with a valid host and port; every export will fail")
        }
        if configuration.compression == .gzip && !Gzip.isAvailable {
            Diagnostics.report(.warning, component: Self.component, "gzip compression was asked for but zlib was not found; sending uncompressed bodies")
        }
    }

    deinit {
        if !shutdownSignal.hasFired { transport.invalidate() }
    }

    /// What the exporter has done so far.
    public var statistics: Statistics { counters.withLock { $0 } }

    /// A batch encoded into request bodies, ready to send.
    public struct PreparedBatch: Sendable {
        /// Each request body with the number of spans it holds.
        fileprivate var bodies: [(body: Body, spanCount: Int)] = []
        /// Spans in the batch.
        fileprivate let spanCount: Int
        /// Spans left out because one alone is over the size limit (already reported and counted).
        fileprivate var oversized = 0
    }

    /// Encodes the batch into one request body, or into halves while a body is over
    /// ``OTLPHTTPExporterConfiguration/maxRequestBodySize``; a span over it alone is dropped and
    /// reported. Encodes nothing after shutdown or without a valid endpoint.
    public func prepare(_ batch: [SpanData]) -> PreparedBatch {
        var prepared = PreparedBatch(spanCount: batch.count)
        if url != nil && !shutdownSignal.hasFired { encode(batch[...], into: &prepared) }
        return prepared
    }

    /// Sends the bodies of a prepared batch, retrying as the policy says, within the
    /// configured timeout; fails if any did not arrive. An empty batch sends nothing.
    public func export(prepared batch: PreparedBatch) async -> ExportResult {
        guard batch.spanCount > 0 else { return .success }
        guard !shutdownSignal.hasFired, let url else {
            let reason = url == nil ? "the endpoint is invalid" : "the exporter is shut down"
            Diagnostics.report(.warning, component: Self.component, "dropped \(batch.spanCount) spans: \(reason)")
            counters.withLock { $0.failedSpans += batch.spanCount - batch.oversized }
            return .failure
        }
        let deadline = configuration.timeout > .zero ? clock.now + configuration.timeout : nil
        var delivered = batch.oversized == 0
        for (body, spanCount) in batch.bodies {
            let arrived = await deliver(body, itemCount: spanCount, noun: "spans", contentType: encoding.contentType, to: url, deadline: deadline)
            if !arrived {
                counters.withLock { $0.failedSpans += spanCount }
                delivered = false
            }
        }
        return delivered ? .success : .failure
    }

    /// Nothing is buffered between exports.
    public func forceFlush() async -> ExportResult { .success }

    /// Ends retries and requests in flight at once; later exports fail. Idempotent.
    public func shutdown() async {
        guard shutdownSignal.fire() else { return }
        transport.invalidate()
    }

    // MARK: Encoding

    /// Adds the bodies for `spans` to `prepared`, in as many as the body size limit needs.
    private func encode(_ spans: ArraySlice<SpanData>, into prepared: inout PreparedBatch) {
        if let body = encode(spans) {
            prepared.bodies.append((body, spans.count))
            return
        }
        guard spans.count > 1 else {
            Diagnostics.report(.error, component: Self.component, "dropped a span named \"\(spans.first!.name)\": its request body is over the \(configuration.maxRequestBodySize)-byte limit")
            counters.withLock { $0.failedSpans += 1 }
            prepared.oversized += 1
            return
        }
        let middle = spans.startIndex + spans.count / 2
        encode(spans[..<middle], into: &prepared)
        encode(spans[middle...], into: &prepared)
    }

    /// Sends one body that another encoding wrote (the metrics exporter's), with this
    /// exporter's URL, headers, compression, retries and timeout; true when it arrived.
    /// `noun` names what `itemCount` counts in messages ("data points"). A body over the size
    /// limit is not sent. Requests, retries and the items delivered, rejected or failed are
    /// counted in ``statistics`` as spans are.
    func send(encoded bytes: [UInt8], contentType: String, itemCount: Int, noun: String) async -> Bool {
        guard !shutdownSignal.hasFired, let url else {
            let reason = url == nil ? "the endpoint is invalid" : "the exporter is shut down"
            Diagnostics.report(.warning, component: Self.component, "dropped \(itemCount) \(noun): \(reason)")
            counters.withLock { $0.failedSpans += itemCount }
            return false
        }
        guard bytes.count <= configuration.maxRequestBodySize else {
            Diagnostics.report(.error, component: Self.component, "dropped \(itemCount) \(noun): the request body is over the \(configuration.maxRequestBodySize)-byte limit")
            counters.withLock { $0.failedSpans += itemCount }
            return false
        }
        let deadline = configuration.timeout > .zero ? clock.now + configuration.timeout : nil
        let body = configuration.compression == .gzip
            ? Gzip.compress(bytes).map { Body(data: Data($0), gzipped: true) } ?? Body(data: Data(bytes), gzipped: false)
            : Body(data: Data(bytes), gzipped: false)
        let delivered = await deliver(body, itemCount: itemCount, noun: noun, contentType: contentType, to: url, deadline: deadline)
        if !delivered { counters.withLock { $0.failedSpans += itemCount } }
        return delivered
    }

    fileprivate struct Body: Sendable {
        var data: Data
        var gzipped: Bool
    }

    /// The request body for `spans`; nil when it is over the size limit (measured before
    /// compression, as the spec says).
    private func encode(_ spans: ArraySlice<SpanData>) -> Body? {
        var buffer = scratch.withLock { scratch in
            var taken: [UInt8] = []
            swap(&taken, &scratch)
            return taken
        }
        buffer.removeAll(keepingCapacity: true)
        encoding.encode(spans, into: &buffer)
        defer {
            // Keep the storage for the next export, unless one huge batch made it huge.
            if buffer.capacity <= 8 * 1024 * 1024 { scratch.withLock { $0 = buffer } }
        }
        guard buffer.count <= configuration.maxRequestBodySize else { return nil }
        if configuration.compression == .gzip, let compressed = Gzip.compress(buffer) {
            return Body(data: Data(compressed), gzipped: true)
        }
        return Body(data: Data(buffer), gzipped: false)
    }

    // MARK: Delivery

    /// Sends one body, retrying as the policy says; true when the collector accepted it.
    private func deliver(
        _ body: Body, itemCount spanCount: Int, noun: String, contentType: String, to url: URL, deadline: AnyClock.Instant?
    ) async -> Bool {
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.setValue(Self.userAgent, forHTTPHeaderField: "User-Agent")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        if body.gzipped { request.setValue("gzip", forHTTPHeaderField: "Content-Encoding") }
        request.httpBody = body.data

        let policy = configuration.retry
        var attempt = 0
        var connectionFailures = 0
        while true {
            attempt += 1
            if let deadline {
                // A transport that ends at its timeout by itself is given the deadline (see
                // `send`). Otherwise the deadline is enforced by `send`, and URLSession's own idle
                // timeout must only not fire first (swift-corelibs-foundation rounds it down to
                // whole seconds).
                let remaining = (deadline - clock.now).seconds
                request.timeoutInterval = endsAtDeadline ? max(0.001, remaining) : (remaining + 1).rounded(.up)
            }
            counters.withLock {
                $0.requests += 1
                if attempt > 1 { $0.retries += 1 }
            }
            let verdict = ResponseVerdict(await send(request, deadline: deadline), spanCount: spanCount, requestContentType: contentType)
            switch verdict {
            case .delivered(let rejected, let message):
                report(rejected: rejected, of: spanCount, noun: noun, message: message)
                return true
            case .failed(let reason):
                Diagnostics.report(.error, component: Self.component, "failed to export \(spanCount) \(noun) to \(url.absoluteString): \(reason); not retried")
                return false
            case .interrupted(let reason):
                Diagnostics.report(.error, component: Self.component, "failed to export \(spanCount) \(noun) to \(url.absoluteString): \(reason)")
                return false
            case .retryable(let reason, let retryAfter, let isConnectionFailure):
                // A first connection failure is resent at once: a kept-alive connection that
                // the server closed looks the same as a server that is down.
                if isConnectionFailure { connectionFailures += 1 }
                let wait = retryAfter.map { min($0, policy.maxRetryAfter) }
                    ?? (isConnectionFailure && connectionFailures == 1 ? .zero : policy.backoff(beforeRetry: attempt))
                let giveUp: String? =
                    if attempt >= policy.maxAttempts {
                        "gave up after \(attempt) attempts"
                    } else if let deadline, clock.now + wait >= deadline {
                        "gave up after \(attempt) attempts: the next one, in \(wait.seconds.formatted2) s, would pass the \(configuration.timeout.seconds.formatted2) s export timeout"
                    } else {
                        nil
                    }
                if let giveUp {
                    Diagnostics.report(.error, component: Self.component, "failed to export \(spanCount) \(noun) to \(url.absoluteString): \(reason); \(giveUp)")
                    return false
                }
                guard await shutdownSignal.sleep(for: wait, on: clock) else {
                    let why = shutdownSignal.hasFired ? "the exporter shut down" : "the export was cancelled"
                    Diagnostics.report(.error, component: Self.component, "failed to export \(spanCount) \(noun) to \(url.absoluteString): \(reason); \(why) while waiting to retry")
                    return false
                }
            }
        }
    }

    /// What one attempt came to.
    enum Attempt: Sendable {
        case outcome(HTTPTransport.Outcome)
        case timedOut
        case shutDown
    }

    /// Whether the transport ends each request at the deadline and at shutdown by itself, on
    /// the clock the deadline is measured on.
    private var endsAtDeadline: Bool { transport.endsAtTimeout && clock.isContinuous }

    /// One request, ended early by the deadline or by shutdown.
    private func send(_ request: URLRequest, deadline: AnyClock.Instant?) async -> Attempt {
        let transport = self.transport, signal = shutdownSignal, clock = self.clock
        if endsAtDeadline {
            // The transport ends the request itself: no task group racing it against a timer and
            // the shutdown signal (three child tasks and a timer per request).
            switch await transport.send(request) {
            case .cancelled where signal.hasFired:
                return .shutDown
            case .failed(let error) where error.code == .timedOut && deadline.map { clock.now >= $0 } == true:
                return .timedOut
            case let outcome:
                return .outcome(outcome)
            }
        }
        return await withTaskGroup(of: Attempt?.self) { group in
            group.addTask { .outcome(await transport.send(request)) }
            if let deadline {
                group.addTask {
                    (try? await clock.sleep(until: deadline)) == nil ? nil : .timedOut
                }
            }
            group.addTask {
                await signal.wait()
                return signal.hasFired ? .shutDown : nil
            }
            var result: Attempt = .outcome(.cancelled)
            while let next = await group.next() {
                guard let next else { continue }
                result = next
                break
            }
            group.cancelAll()
            return result
        }
    }

    private func report(rejected: Int, of spanCount: Int, noun: String, message: String) {
        counters.withLock {
            $0.exportedSpans += spanCount - min(rejected, spanCount)
            $0.rejectedSpans += rejected
        }
        if rejected > 0 {
            Diagnostics.report(.warning, component: Self.component, "the collector rejected \(rejected) of \(spanCount) \(noun) (partial success): \(message.isEmpty ? "no message" : message)")
        } else if !message.isEmpty {
            Diagnostics.report(.warning, component: Self.component, "the collector accepted \(spanCount) \(noun) with a warning: \(message)")
        }
    }
}

extension Double {
    /// Two decimals, for messages.
    var formatted2: String { String((self * 100).rounded() / 100) }
}
