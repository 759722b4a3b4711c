import ClaudeTraceCore
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Appends spans to a file as OTLP-JSON Lines: one `ExportTraceServiceRequest` per line, one
/// line per export, in the format of the spec's OTLP file exporter
/// (https://opentelemetry.io/docs/specs/otel/protocol/file-exporter/).
///
/// - The file is opened with `O_APPEND` and each line goes out in one `write(2)` call (looped
///   only if the kernel writes part of it), so exporters in several threads or processes
///   appending to one file never interleave their lines, and a crash never leaves half a batch
///   followed by another.
/// - ``forceFlush()`` and ``shutdown()`` `fsync` the file: the lines are on disk when they
///   return.
/// - A path that cannot be opened, or a full disk, fails the export with a diagnostic naming
///   the path and the system's reason; the spans are counted as failed.
/// - A line torn part way (a write that failed, or a writer killed by `kill -9` or a crash,
///   in this process or another) is ended with a newline before the next line, so only the
///   torn line is lost and no later batch is glued onto it: each line is written under an
///   exclusive `flock`, after reading the file's last byte; when the file is not empty and that
///   byte is not `\n`, a `\n` goes first (counted in ``Statistics/repairedTornLines`` and
///   reported). Deciding at each write, under the lock every writer of the file takes, rather
///   than once when the file is opened, means no other writer of ours can tear a line between
///   the check and the write, and two writers restarting on one torn file do not both end it
///   (which would leave a blank line). A file ending in `\n`, or empty, gets no extra byte.
///   Programs that append without the lock are not covered; nor is a file this process may
///   write but not read, where only its own torn writes are ended.
/// - With ``Configuration/maxFileSize`` set, the file is rotated before a line would take it
///   past the size: `traces.jsonl` becomes `traces.jsonl.1`, `.1` becomes `.2`, and so on up to
///   ``Configuration/maxRotatedFiles``. Writers sharing the file take an `flock` to rotate and
///   follow the rename, so none rotates twice or keeps writing into an old file.
public final class OTLPFileExporter: SpanExporter {
    /// Where and how the exporter writes.
    public struct Configuration: Sendable, Hashable {
        /// The file lines are appended to; created (mode 0644) when missing.
        /// `OTEL_EXPORTER_OTLP_FILE_PATH` (read when `OTEL_TRACES_EXPORTER` names `otlp/file`);
        /// default `traces.jsonl`.
        public var path: String
        /// Rotate before the file would grow past this many bytes; nil never rotates. A single
        /// line larger than this still gets a file of its own. Code only; default nil.
        public var maxFileSize: Int?
        /// Rotated files kept (`path.1` is the newest); older ones are deleted. Code only;
        /// default 5.
        public var maxRotatedFiles: Int

        /// `traces.jsonl`, in the working directory.
        public static let defaultPath = "traces.jsonl"

        /// A configuration; a size limit below 1 byte becomes 1, a negative file count 0.
        public init(path: String = Configuration.defaultPath, maxFileSize: Int? = nil, maxRotatedFiles: Int = 5) {
            self.path = path
            self.maxFileSize = maxFileSize.map { max(1, $0) }
            self.maxRotatedFiles = max(0, maxRotatedFiles)
        }
    }

    /// What the exporter has done so far.
    public struct Statistics: Sendable, Hashable {
        /// Lines (exports) written whole.
        public var lines = 0
        /// Spans in those lines.
        public var exportedSpans = 0
        /// Spans in exports that failed.
        public var failedSpans = 0
        /// Successful `fsync` calls.
        public var syncs = 0
        /// Times the file was rotated by this exporter.
        public var rotations = 0
        /// Torn lines (the file did not end with a newline) this exporter ended with a `\n`
        /// before writing its next line: left by a writer killed part way through a line, or
        /// by a write that failed part way.
        public var repairedTornLines = 0
    }

    /// Nil when writing to standard output.
    public let configuration: Configuration?
    private let encoding = OTLPJSONEncoder()
    private let name: String
    let state: Mutex<State>
    private let scratch = Mutex<[UInt8]>([])

    struct State {
        var descriptor: Int32 = -1
        var ownsDescriptor = true
        /// The descriptor can read the file, so each write checks how the file ends.
        var readsTail = false
        /// A write stopped part way through a line: start the next one on a new line (used
        /// when the file cannot be read).
        var tornLine = false
        var isShutDown = false
        var statistics = Statistics()
    }

    static let component = "OTLPFileExporter"

    /// An exporter appending to `configuration.path`. The file is opened now, so a bad path is
    /// reported at once; if it cannot be opened, each export tries again.
    public init(configuration: Configuration) {
        self.configuration = configuration
        name = configuration.path
        state = Mutex(State())
        state.withLock { state in _ = self.open(&state) }
    }

    /// An exporter appending to the file at `path`.
    public convenience init(path: String, maxFileSize: Int? = nil, maxRotatedFiles: Int = 5) {
        self.init(configuration: Configuration(path: path, maxFileSize: maxFileSize, maxRotatedFiles: maxRotatedFiles))
    }

    private init(descriptor: Int32, name: String) {
        configuration = nil
        self.name = name
        state = Mutex(State(descriptor: descriptor, ownsDescriptor: false))
    }

    /// An exporter writing the lines to standard output (`OTEL_TRACES_EXPORTER=otlp/stdout`,
    /// the spec's default output). Shutdown does not close it.
    public static func standardOutput() -> OTLPFileExporter {
        OTLPFileExporter(descriptor: 1, name: "standard output")
    }

    /// What the exporter has done so far.
    public var statistics: Statistics { state.withLock { $0.statistics } }

    /// Appends the batch as one line; an empty batch writes nothing.
    public func export(_ batch: [SpanData]) async -> ExportResult {
        guard !batch.isEmpty else { return .success }
        var line = scratch.withLock { scratch in
            var taken: [UInt8] = []
            swap(&taken, &scratch)
            return taken
        }
        line.removeAll(keepingCapacity: true)
        encoding.encode(batch[...], into: &line)
        line.append(UInt8(ascii: "\n"))
        let result = state.withLock { state in write(line, spans: batch.count, &state) }
        if line.capacity <= 8 * 1024 * 1024 { scratch.withLock { $0 = line } }
        return result
    }

    /// `fsync`s the file, so everything written so far is on disk.
    public func forceFlush() async -> ExportResult {
        state.withLock { state in sync(&state) } ? .success : .failure
    }

    /// Syncs and closes the file; later exports fail. Idempotent.
    public func shutdown() async {
        state.withLock { state in
            guard !state.isShutDown else { return }
            state.isShutDown = true
            _ = sync(&state)
            if state.ownsDescriptor, state.descriptor >= 0 { close(state.descriptor) }
            state.descriptor = -1
        }
    }

    // MARK: Under the lock

    func write(_ line: [UInt8], spans: Int, _ state: inout State) -> ExportResult {
        func fail(_ reason: String) -> ExportResult {
            state.statistics.failedSpans += spans
            Diagnostics.report(.error, component: Self.component, "could not write \(spans) spans to \(name): \(reason)")
            return .failure
        }
        guard !state.isShutDown else { return fail("the exporter is shut down") }
        guard state.descriptor >= 0 || open(&state) else { return fail("the file could not be opened") }
        if let configuration, let maxFileSize = configuration.maxFileSize {
            rotateIfNeeded(adding: line.count, maxFileSize: maxFileSize, configuration, &state)
            guard state.descriptor >= 0 else { return fail("the file could not be reopened after rotation") }
        }
        let descriptor = state.descriptor, locks = state.readsTail
        if locks { flock(descriptor, LOCK_EX) }
        defer { if locks { flock(descriptor, LOCK_UN) } }
        if locks ? endsInTornLine(descriptor) : state.tornLine {
            if let (_, error) = writeAll([UInt8(ascii: "\n")], to: descriptor) {
                return fail(String(cString: strerror(error)))
            }
            state.tornLine = false
            state.statistics.repairedTornLines += 1
            Diagnostics.report(.warning, component: Self.component, "\(name) ended in a torn line (a writer stopped part way through it); ended it with a newline, so the next line stands alone")
        }
        if let (written, error) = writeAll(line, to: descriptor) {
            if written > 0 { state.tornLine = true }
            let reason = error == ENOSPC ? "the disk is full (\(String(cString: strerror(error))))" : String(cString: strerror(error))
            return fail(reason)
        }
        state.statistics.lines += 1
        state.statistics.exportedSpans += spans
        return .success
    }

    /// Writes every byte; on failure, how many were written and the `errno`.
    private func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> (written: Int, error: Int32)? {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = systemWrite(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return (offset, errno)
                }
                if written == 0 { return (offset, EIO) }
                offset += written
            }
            return nil
        }
    }

    /// Whether the file is a non-empty regular file whose last byte is not a newline.
    private func endsInTornLine(_ descriptor: Int32) -> Bool {
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_size > 0 else { return false }
        var last: UInt8 = 0
        return pread(descriptor, &last, 1, info.st_size - 1) == 1 && last != UInt8(ascii: "\n")
    }

    private func open(_ state: inout State) -> Bool {
        guard let configuration else { return state.descriptor >= 0 }
        let flags = O_APPEND | O_CREAT | O_CLOEXEC
        // Read access is only for checking the last byte; a file we may only write is still written.
        var descriptor = systemOpen(configuration.path, O_RDWR | flags, 0o644)
        let readable = descriptor >= 0
        if descriptor < 0, errno == EACCES { descriptor = systemOpen(configuration.path, O_WRONLY | flags, 0o644) }
        guard descriptor >= 0 else {
            Diagnostics.report(.error, component: Self.component, "cannot open \(configuration.path) for appending: \(String(cString: strerror(errno)))")
            return false
        }
        state.descriptor = descriptor
        state.readsTail = readable
        return true
    }

    private func sync(_ state: inout State) -> Bool {
        guard state.descriptor >= 0 else { return !state.isShutDown && configuration == nil }
        if fsync(state.descriptor) == 0 {
            state.statistics.syncs += 1
            return true
        }
        // Pipes and terminals (standard output) cannot be synced, and need not be.
        if errno == EINVAL || errno == ENOTSUP || errno == EROFS { return true }
        Diagnostics.report(.error, component: Self.component, "fsync of \(name) failed: \(String(cString: strerror(errno)))")
        return false
    }

    // MARK: Rotation

    private func rotateIfNeeded(adding length: Int, maxFileSize: Int, _ configuration: Configuration, _ state: inout State) {
        followRename(configuration, &state)
        guard state.descriptor >= 0, let size = fileSize(state.descriptor), size > 0, size + length > maxFileSize else { return }
        let locked = state.descriptor
        flock(locked, LOCK_EX)
        defer { flock(locked, LOCK_UN) }
        // Another writer may have rotated while this one waited for the lock.
        guard isCurrentFile(state.descriptor, configuration.path) else {
            followRename(configuration, &state)
            return
        }
        let path = configuration.path
        if configuration.maxRotatedFiles == 0 {
            unlink(path)
        } else {
            unlink("\(path).\(configuration.maxRotatedFiles)")
            for index in stride(from: configuration.maxRotatedFiles - 1, through: 1, by: -1) {
                rename("\(path).\(index)", "\(path).\(index + 1)")
            }
            rename(path, "\(path).1")
        }
        state.statistics.rotations += 1
        let old = state.descriptor
        state.descriptor = -1
        _ = open(&state)
        close(old)
    }

    /// Reopens the path when the open file is no longer the one at the path (rotated by
    /// another writer, or moved away by a log rotator).
    private func followRename(_ configuration: Configuration, _ state: inout State) {
        guard state.descriptor >= 0, !isCurrentFile(state.descriptor, configuration.path) else { return }
        let old = state.descriptor
        state.descriptor = -1
        if open(&state) { close(old) } else { state.descriptor = old }
    }

    private func isCurrentFile(_ descriptor: Int32, _ path: String) -> Bool {
        var opened = stat(), named = stat()
        guard fstat(descriptor, &opened) == 0, stat(path, &named) == 0 else { return false }
        return opened.st_ino == named.st_ino && opened.st_dev == named.st_dev
    }

    private func fileSize(_ descriptor: Int32) -> Int? {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return nil }
        return Int(info.st_size)
    }
}

// The C functions, under names that this class's own `write` and `open` do not shadow.
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}

private func systemOpen(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 {
    open(path, flags, mode)
}

/// The file exporter writes metrics too: one `ExportMetricsServiceRequest` per line, in
/// OTLP-JSON, cumulative. Give metrics a file of their own (`metrics.jsonl`). Its
/// ``statistics`` count data points where they say spans.
extension OTLPFileExporter: MetricExporter {
    /// Appends the batch as one line; an empty batch writes nothing.
    public func export(_ batch: MetricBatch) async -> ExportResult {
        guard !batch.metrics.isEmpty else { return .success }
        var line: [UInt8] = []
        OTLPJSONEncoder().encode(batch, into: &line)
        line.append(UInt8(ascii: "\n"))
        return state.withLock { state in write(line, spans: batch.pointCount, &state) }
    }
}
