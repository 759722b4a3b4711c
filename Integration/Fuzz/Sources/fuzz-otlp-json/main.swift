#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FuzzSupport
@testable import ClaudeTraceReport

/// One scratch file per fuzzing process (libFuzzer's `-jobs` run several), in `$TMPDIR` (run.sh
/// points it into its work folder).
let scratchPath = "\(getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp")/claude-trace-fuzz-otlp-\(getpid()).jsonl"

func store(_ bytes: [UInt8], at path: String) {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    precondition(descriptor >= 0, "cannot create \(path)")
    defer { close(descriptor) }
    var written = 0
    while written < bytes.count {
        let count = bytes[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        precondition(count > 0, "cannot write \(path)")
        written += count
    }
}

func read(chunkSize: Int, maximumLineLength: Int) -> (TraceFileSummary, [String]) {
    var names: [String] = []
    let reader = TraceFileReader(path: scratchPath, chunkSize: chunkSize, maximumLineLength: maximumLineLength)
    do {
        let summary = try reader.forEachSpan { names.append("\($0.context.traceID) \($0.context.spanID) \($0.name)") }
        return (summary, names)
    } catch {
        preconditionFailure("reading \(scratchPath): \(error)")
    }
}

/// The trace file reader and its OTLP-JSON line decoder on a file's bytes: no trap, and the same
/// lines, spans and bad lines whatever the read size (the input's first piece size, 1–256 bytes
/// past the reader's minimum of 16) and the line limit (from the second).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = FuzzInput(fuzzBytes(data, size))
    let chunkSize = 15 + (input.pieceSizes.first ?? 1 << 16)
    let maximumLineLength = input.pieceSizes.count > 1 ? 15 + 64 * input.pieceSizes[1] : 1 << 20
    store(input.stream, at: scratchPath)
    let small = read(chunkSize: chunkSize, maximumLineLength: maximumLineLength)
    let large = read(chunkSize: 1 << 20, maximumLineLength: maximumLineLength)
    precondition(small.0 == large.0 && small.1 == large.1,
                 "chunks of \(chunkSize) read \(small.0), chunks of 1 MiB read \(large.0)")
    return 0
}

runLibFuzzer(fuzz)
