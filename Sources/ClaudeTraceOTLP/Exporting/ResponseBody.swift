import Foundation

/// What a collector's response body says: the partial success of an
/// `ExportTraceServiceResponse`, or the message of a `google.rpc.Status` error, in either
/// encoding.
///
/// "The server MUST use the same Content-Type in the response as it received in the request"
/// (https://opentelemetry.io/docs/specs/otlp/#otlphttp-response); a body is read as its own
/// `Content-Type` says when it has one, else as the request's encoding.
enum ResponseBody {
    enum Format: Equatable {
        case json
        case protobuf
        /// Any other declared type (a proxy's `text/html` error page, say): shown as text.
        case other

        /// The format of `body`: its `Content-Type`, else the request's, unless the body starts
        /// with `{`, which no protobuf response can (it would be field 15 as a group): such a
        /// body is JSON, whatever the request was.
        init(responseContentType: String?, requestContentType: String, body: Data) {
            let declared = responseContentType?.lowercased().trimmingCharacters(in: .whitespaces) ?? ""
            if declared.isEmpty {
                self = requestContentType.contains("protobuf") && body.first != UInt8(ascii: "{") ? .protobuf : .json
            } else if declared.contains("json") {
                self = .json
            } else if declared.contains("protobuf") {
                self = .protobuf
            } else {
                self = .other
            }
        }
    }

    /// `partial_success.rejected_spans` and `.error_message`; zeros when the body is empty,
    /// malformed, or has no partial success.
    static func partialSuccess(_ body: Data, format: Format) -> (rejected: Int, message: String) {
        guard !body.isEmpty else { return (0, "") }
        switch format {
        case .json: return jsonPartialSuccess(body)
        case .protobuf: return protobufPartialSuccess(Array(body))
        case .other: return (0, "")
        }
    }

    /// The `message` of a `google.rpc.Status` error body, or the start of a body that is
    /// plain text; at most 300 characters.
    static func errorMessage(_ body: Data, format: Format) -> String? {
        guard !body.isEmpty else { return nil }
        switch format {
        case .json:
            if let message = (try? JSONSerialization.jsonObject(with: body) as? [String: Any])?["message"] as? String {
                return String(message.prefix(300))
            }
        case .protobuf:
            // A well-formed Status without a message says nothing; binary is no text to show.
            if let status = protobufStatus(Array(body)) { return status.message.map { String($0.prefix(300)) } }
        case .other:
            break
        }
        let text = String(decoding: body.prefix(300), as: UTF8.self)
            .filter { !$0.isNewline }
            .trimmingCharacters(in: .whitespaces)
        return text.isEmpty ? nil : text
    }

    /// `{"partialSuccess":{"rejectedSpans":"2","errorMessage":"…"}}`; the count may be a string
    /// (the int64 JSON mapping) or a number.
    private static func jsonPartialSuccess(_ body: Data) -> (rejected: Int, message: String) {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
              let partial = object["partialSuccess"] as? [String: Any]
        else { return (0, "") }
        let message = partial["errorMessage"] as? String ?? ""
        let rejected: Int
        // `rejectedSpans` in ExportTracePartialSuccess, `rejectedDataPoints` in the metrics one.
        switch partial["rejectedSpans"] ?? partial["rejectedDataPoints"] {
        case let text as String: rejected = Int(text) ?? 0
        case let number as NSNumber: rejected = number.intValue
        default: rejected = 0
        }
        return (max(0, rejected), message)
    }

    /// `ExportTraceServiceResponse { ExportTracePartialSuccess partial_success = 1; }` with
    /// `ExportTracePartialSuccess { int64 rejected_spans = 1; string error_message = 2; }`
    /// (opentelemetry-proto collector/trace/v1/trace_service.proto). A repeated field's last
    /// value wins, and repeated embedded messages merge, as protobuf parsers do.
    private static func protobufPartialSuccess(_ body: [UInt8]) -> (rejected: Int, message: String) {
        var rejected: Int64 = 0
        var message = ""
        var response = ProtobufReader(body[...])
        while let field = response.next() {
            guard case .lengthDelimited(1, let partialSuccess) = field else { continue }
            var partial = ProtobufReader(partialSuccess)
            while let field = partial.next() {
                switch field {
                case .varint(1, let value): rejected = Int64(bitPattern: value)
                case .lengthDelimited(2, let text): message = String(decoding: text, as: UTF8.self)
                default: continue
                }
            }
            if partial.isMalformed { return (0, "") }
        }
        if response.isMalformed { return (0, "") }
        return (Int(clamping: max(0, rejected)), message)
    }

    /// The part of a `google.rpc.Status` worth showing.
    private struct RPCStatus {
        var message: String?
    }

    /// `google.rpc.Status { int32 code = 1; string message = 2; repeated Any details = 3; }`;
    /// nil when the body is not well-formed protobuf.
    private static func protobufStatus(_ body: [UInt8]) -> RPCStatus? {
        var reader = ProtobufReader(body[...])
        var status = RPCStatus()
        while let field = reader.next() {
            if case .lengthDelimited(2, let text) = field { status.message = String(decoding: text, as: UTF8.self) }
        }
        return reader.isMalformed ? nil : status
    }
}
