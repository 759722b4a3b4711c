import Foundation
import FuzzSupport
@testable import ClaudeTraceOTLP

/// Serves the stream in the input's piece sizes (or all at once), then the end of the stream.
struct PieceSource: HTTPByteSource {
    let stream: [UInt8]
    let pieceSizes: [Int]
    var position = 0
    var reads = 0

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(HTTPReadError) -> Int {
        let size = pieceSizes.isEmpty ? buffer.count : pieceSizes[reads % pieceSizes.count]
        reads += 1
        let count = min(size, buffer.count, stream.count - position)
        buffer.copyBytes(from: stream[position..<(position + count)])
        position += count
        return count
    }
}

/// What a read came to, comparable across piece sizes.
enum Outcome: Equatable {
    case response(status: Int, headers: [String], body: Data, bodyTooLarge: Bool, keepAlive: Bool)
    case failure(HTTPReadError.Kind)
}

let maxBodySize = 4096

func readResponse(_ stream: [UInt8], pieceSizes: [Int]) -> Outcome {
    var reader = HTTPResponseReader(source: PieceSource(stream: stream, pieceSizes: pieceSizes), maxBodySize: maxBodySize)
    do {
        let response = try reader.read()
        return .response(
            status: response.status, headers: response.headers.map { "\($0.name): \($0.value)" },
            body: response.body, bodyTooLarge: response.bodyTooLarge, keepAlive: response.keepAlive)
    } catch {
        return .failure(error.kind)
    }
}

/// The response reader on a collector's bytes: it must never trap, never keep more than the cap
/// of a body, and read the same response however the bytes are cut.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = FuzzInput(fuzzBytes(data, size))
    let inPieces = readResponse(input.stream, pieceSizes: input.pieceSizes)
    if case .response(_, _, let body, let bodyTooLarge, let keepAlive) = inPieces {
        precondition(body.count <= maxBodySize, "a body over the cap was kept")
        precondition(!bodyTooLarge || (body.isEmpty && !keepAlive), "a body over the cap left the connection open")
    }
    let whole = readResponse(input.stream, pieceSizes: [])
    precondition(inPieces == whole, "pieces \(input.pieceSizes) read \(inPieces), whole read \(whole)")
    return 0
}

runLibFuzzer(fuzz)
