import ClaudeTraceCore
@testable import ClaudeTraceOTLP
import Foundation
import Testing

/// An `ExportTraceServiceResponse` written out by hand from trace_service.proto:
/// `partial_success` (field 1) holding an `ExportTracePartialSuccess` with `rejected_spans`
/// (field 1, int64 varint) and `error_message` (field 2, string).
func partialSuccessResponse(rejected: [UInt8], message: String) -> [UInt8] {
    let partial = [0x08] + rejected + [0x12, UInt8(message.utf8.count)] + Array(message.utf8)
    return [0x0A, UInt8(partial.count)] + partial
}

/// The verdict on a response to a protobuf request.
func protobufVerdict(_ status: Int, contentType: String? = "application/x-protobuf", body: [UInt8]) -> ResponseVerdict {
    ResponseVerdict(.outcome(.response(status: status, contentType: contentType, retryAfter: nil, body: Data(body), bodyTooLarge: false)),
                    spanCount: 10, requestContentType: "application/x-protobuf")
}

@Suite("OTLP protobuf responses")
struct ProtobufResponseTests {
    @Test("a protobuf partial success gives the rejected count and the message")
    func partialSuccess() {
        #expect(protobufVerdict(200, body: partialSuccessResponse(rejected: [3], message: "quota full")) == .delivered(rejected: 3, message: "quota full"))
        // Counts past 127 take several varint bytes: 300 is AC 02.
        #expect(protobufVerdict(200, body: partialSuccessResponse(rejected: [0xAC, 0x02], message: "")) == .delivered(rejected: 300, message: ""))
    }

    @Test("an empty body, or an empty message, is a full success")
    func fullSuccess() {
        #expect(protobufVerdict(200, body: []) == .delivered(rejected: 0, message: ""))
        #expect(protobufVerdict(200, body: [0x0A, 0x00]) == .delivered(rejected: 0, message: ""))
    }

    @Test("zero rejected with a message is a warning: delivered, message kept")
    func warning() {
        let body: [UInt8] = [0x0A, 0x06, 0x12, 0x04] + Array("slow".utf8)
        #expect(protobufVerdict(200, body: body) == .delivered(rejected: 0, message: "slow"))
    }

    @Test("a negative rejected count (a ten-byte varint) counts as zero")
    func negativeCount() {
        let minusFive: [UInt8] = [0xFB, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]
        #expect(protobufVerdict(200, body: partialSuccessResponse(rejected: minusFive, message: "odd")) == .delivered(rejected: 0, message: "odd"))
    }

    @Test("unknown fields of every wire type are skipped")
    func unknownFields() {
        let partial: [UInt8] = [0x19, 1, 2, 3, 4, 5, 6, 7, 8]  // field 3, fixed64
            + [0x08, 0x07]  // rejected_spans = 7
            + [0x25, 1, 2, 3, 4]  // field 4, fixed32
            + [0x12, 0x01, 0x6D]  // error_message = "m"
        let body: [UInt8] = [0x38, 0x01]  // field 7, varint
            + [0x4A, 0x02, 0x00, 0x00]  // field 9, length-delimited
            + [0x0A, UInt8(partial.count)] + partial
            + [0xF8, 0x07, 0x01]  // field 127, varint (a two-byte tag)
        #expect(protobufVerdict(200, body: body) == .delivered(rejected: 7, message: "m"))
    }

    @Test("a malformed body is read as no partial success, and the export still counts as delivered")
    func malformed() {
        let truncated = Array(partialSuccessResponse(rejected: [3], message: "quota").dropLast(2))
        #expect(protobufVerdict(200, body: truncated) == .delivered(rejected: 0, message: ""))
        let group: [UInt8] = [0x0B, 0x0C]  // start and end group: not in OTLP
        #expect(protobufVerdict(200, body: group) == .delivered(rejected: 0, message: ""))
        let longVarint: [UInt8] = [0x0A, 0x0C, 0x08] + [UInt8](repeating: 0xFF, count: 11)
        #expect(protobufVerdict(200, body: longVarint) == .delivered(rejected: 0, message: ""))
    }

    @Test("the response's Content-Type decides its format; without one, the request's does")
    func formatByContentType() {
        let json = Array(#"{"partialSuccess":{"rejectedSpans":"2","errorMessage":"j"}}"#.utf8)
        let protobuf = partialSuccessResponse(rejected: [4], message: "p")
        #expect(protobufVerdict(200, contentType: "application/json; charset=utf-8", body: json) == .delivered(rejected: 2, message: "j"))
        #expect(protobufVerdict(200, contentType: nil, body: protobuf) == .delivered(rejected: 4, message: "p"))
        #expect(protobufVerdict(200, contentType: "text/plain", body: protobuf) == .delivered(rejected: 0, message: ""))
        let toJSONRequest = ResponseVerdict(
            .outcome(.response(status: 200, contentType: "application/x-protobuf", retryAfter: nil, body: Data(protobuf), bodyTooLarge: false)),
            spanCount: 10, requestContentType: "application/json")
        #expect(toJSONRequest == .delivered(rejected: 4, message: "p"))
        #expect(ResponseBody.Format(responseContentType: "", requestContentType: "application/x-protobuf", body: Data(protobuf)) == .protobuf)
        #expect(ResponseBody.Format(responseContentType: nil, requestContentType: "application/json", body: Data(protobuf)) == .json)
        // No protobuf response starts with "{" (field 15 as a group): such a body is JSON.
        #expect(protobufVerdict(200, contentType: nil, body: json) == .delivered(rejected: 2, message: "j"))
        #expect(protobufVerdict(400, contentType: nil, body: Array(#"{"code":3,"message":"bad"}"#.utf8)) == .failed(reason: "HTTP 400 (bad)"))
    }

    @Test("a protobuf google.rpc.Status error gives its message; a text error page its text")
    func errorStatus() {
        // Status { code = 3 (field 1, varint); message = "bad span" (field 2, string) }
        let status: [UInt8] = [0x08, 0x03, 0x12, 0x08] + Array("bad span".utf8)
        #expect(protobufVerdict(400, body: status) == .failed(reason: "HTTP 400 (bad span)"))
        #expect(protobufVerdict(400, body: [0x08, 0x03]) == .failed(reason: "HTTP 400"))
        guard case .retryable(let reason, _, false) = protobufVerdict(502, contentType: "text/html", body: Array("<h1>Bad gateway</h1>".utf8)) else {
            Issue.record("502 should be retried")
            return
        }
        #expect(reason == "HTTP 502 (<h1>Bad gateway</h1>)")
    }
}

extension DiagnosticsCapturingTests {
    @Suite("OTLP/HTTP exporter with protobuf responses")
    struct ProtobufResponseExporterTests {
        @Test("a partial success answered in protobuf is reported with the rejected count, and not retried")
        func partialSuccess() async throws {
            let body = partialSuccessResponse(rejected: [2], message: "span name too long")
            let server = try TestHTTPServer(always: .init(status: 200, headers: ["Content-Type": "application/x-protobuf"], bytes: body))
            defer { server.stop() }
            try await withCapturedDiagnostics { diagnostics in
                let exporter = makeHTTPExporter(server.url)
                let spans = (1...3).map { makeSpan(spanID: SpanID(UInt64($0))) }
                #expect(await exporter.export(spans) == .success)
                #expect(server.requests.count == 1)
                #expect(try #require(server.requests.first).headers["content-type"] == "application/x-protobuf")
                let reported = try #require(diagnostics.matching("rejected 2 of 3 spans").first)
                #expect(reported.message.contains("span name too long"))
                #expect(exporter.statistics.rejectedSpans == 2 && exporter.statistics.exportedSpans == 1)
                await exporter.shutdown()
            }
        }
    }
}
