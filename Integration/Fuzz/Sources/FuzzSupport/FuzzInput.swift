/// One fuzz input read as a byte stream and the sizes of the pieces it arrives in, so that a
/// parser fed incrementally meets every buffer boundary the fuzzer can think of.
///
/// Layout: the first byte's low three bits give `n` (0–7); the next `n` bytes are piece sizes
/// (a byte `b` is a piece of `b + 1` bytes), used in turn and again from the first; the rest is
/// the stream. With `n == 0` the stream arrives in one piece.
public struct FuzzInput {
    public let stream: [UInt8]
    public let pieceSizes: [Int]

    public init(_ bytes: UnsafeRawBufferPointer) {
        guard let first = bytes.first else {
            stream = []
            pieceSizes = []
            return
        }
        let sizeCount = min(Int(first & 7), bytes.count - 1)
        pieceSizes = bytes[1..<(1 + sizeCount)].map { Int($0) + 1 }
        stream = Array(bytes[(1 + sizeCount)...])
    }

    /// The stream cut into pieces by `pieceSizes` (one piece when there are none).
    public var pieces: [ArraySlice<UInt8>] {
        guard !pieceSizes.isEmpty else { return [stream[...]] }
        var pieces: [ArraySlice<UInt8>] = []
        var position = 0
        var index = 0
        while position < stream.count {
            let end = min(position + pieceSizes[index % pieceSizes.count], stream.count)
            pieces.append(stream[position..<end])
            position = end
            index += 1
        }
        return pieces
    }
}

/// The bytes libFuzzer hands to `LLVMFuzzerTestOneInput`.
public func fuzzBytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> UnsafeRawBufferPointer {
    guard let data, size > 0 else { return UnsafeRawBufferPointer(start: nil, count: 0) }
    return UnsafeRawBufferPointer(start: data, count: size)
}
