import Foundation

/// An HTTP/1.1 response as the exporter needs it.
struct HTTPResponse {
    var status: Int
    /// Names lowercased, in the order received.
    var headers: [(name: String, value: String)]
    var body: Data
    /// The body passed the cap: `body` is empty and the connection must not be reused.
    var bodyTooLarge: Bool
    /// The connection may carry the next request.
    var keepAlive: Bool

    /// The first value of the header `name` (lowercase).
    func header(_ name: String) -> String? { headers.first { $0.name == name }?.value }
}
