#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Gzip (RFC 1952) through the system's zlib, found at run time.
///
/// The package depends on the toolchain alone, so zlib is not linked: it is looked up with
/// `dlopen`. On Linux it is always there once FoundationNetworking is loaded (libcurl links
/// it); on macOS it is `/usr/lib/libz.1.dylib`. When it cannot be found, ``isAvailable`` is
/// false and the exporter sends uncompressed bodies (with a diagnostic).
///
/// zlib's one-shot `compress2` writes the zlib format: a 2-byte header, the raw deflate
/// stream, and an Adler-32 trailer. A gzip member is the same deflate stream between a
/// 10-byte header and a CRC-32 + length trailer, so the stream is rewrapped.
enum Gzip {
    private typealias CompressBound = @convention(c) (UInt) -> UInt
    private typealias Compress2 = @convention(c) (
        UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<UInt>?, UnsafePointer<UInt8>?, UInt, Int32) -> Int32
    private typealias CRC32 = @convention(c) (UInt, UnsafePointer<UInt8>?, UInt32) -> UInt

    private struct Library: @unchecked Sendable {
        // Plain C function pointers into a library that is never unloaded: immutable and safe
        // to call from any thread (zlib's one-shot functions keep no global state).
        let compressBound: CompressBound
        let compress2: Compress2
        let crc32: CRC32
    }

    private static let library: Library? = {
        #if canImport(Darwin)
        let names = ["/usr/lib/libz.1.dylib", "libz.dylib"]
        #else
        let names = ["libz.so.1", "libz.so"]
        #endif
        for name in names {
            guard let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL),
                  let bound = dlsym(handle, "compressBound"),
                  let compress = dlsym(handle, "compress2"),
                  let crc = dlsym(handle, "crc32")
            else { continue }
            return Library(
                compressBound: unsafeBitCast(bound, to: CompressBound.self),
                compress2: unsafeBitCast(compress, to: Compress2.self),
                crc32: unsafeBitCast(crc, to: CRC32.self))
        }
        return nil
    }()

    /// Whether zlib was found.
    static var isAvailable: Bool { library != nil }

    /// `bytes` as one gzip member, or nil when zlib is missing or fails.
    static func compress(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8]? {
        guard let zlib = library, bytes.count < Int(UInt32.max) else { return nil }
        var zlibStream = [UInt8](repeating: 0, count: Int(zlib.compressBound(UInt(bytes.count))))
        var length = UInt(zlibStream.count)
        let status = zlibStream.withUnsafeMutableBufferPointer { destination in
            bytes.withUnsafeBufferPointer { source in
                zlib.compress2(destination.baseAddress, &length, source.baseAddress, UInt(source.count), level)
            }
        }
        // Z_OK is 0. The zlib header is 2 bytes (no preset dictionary), the trailer 4.
        guard status == 0, length >= 6 else { return nil }
        let crc = bytes.withUnsafeBufferPointer { zlib.crc32(0, $0.baseAddress, UInt32($0.count)) }

        var member: [UInt8] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF]  // deflate, no flags, no mtime, unknown OS
        member.reserveCapacity(Int(length) + 12)
        member.append(contentsOf: zlibStream[2..<(Int(length) - 4)])
        for value in [UInt32(truncatingIfNeeded: crc), UInt32(truncatingIfNeeded: bytes.count)] {
            for shift in stride(from: 0, to: 32, by: 8) { member.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
        }
        return member
    }
}
