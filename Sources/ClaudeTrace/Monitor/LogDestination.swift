import Foundation

/// Where JSON lines go: appended to a file handle (one write per batch of lines, so lines never
/// interleave), or handed one by one to a closure. Either runs on the monitor's background
/// task.
public enum LogDestination: Sendable {
    /// Lines appended to this handle, each ending in `\n`.
    case fileHandle(FileHandle)
    /// Each line (without its `\n`) passed to the closure.
    case lines(@Sendable (String) -> Void)
}


extension LogDestination {
    /// Writes `lines`: in one `write` for a file handle, one call each for a closure. Returns
    /// false when the handle refused the write.
    func write(_ lines: [String]) -> Bool {
        guard !lines.isEmpty else { return true }
        switch self {
        case .lines(let handler):
            for line in lines { handler(line) }
            return true
        case .fileHandle(let handle):
            var bytes: [UInt8] = []
            bytes.reserveCapacity(lines.reduce(0) { $0 + $1.utf8.count + 1 })
            for line in lines {
                bytes.append(contentsOf: line.utf8)
                bytes.append(0x0A)
            }
            do {
                try handle.write(contentsOf: bytes)
                return true
            } catch {
                return false
            }
        }
    }
}
