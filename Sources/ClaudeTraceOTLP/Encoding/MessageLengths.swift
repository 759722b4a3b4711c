/// The lengths of a batch's nested protobuf messages, measured once by the size pass and read
/// back by the write pass, which needs each length before the message's contents.
///
/// Slots are taken in the order the writer meets the messages (a message before its children),
/// so the write pass reads them front to back. Only messages whose length is a sum over a
/// variable number of children get a slot (`ResourceSpans`, `Resource`, `ScopeSpans`,
/// `InstrumentationScope`, `Span`, `Event`, `Link`, `ArrayValue`); the lengths of `KeyValue`,
/// scalar `AnyValue` and `Status` follow from their few fields in constant time.
struct MessageLengths {
    private var lengths: [Int] = []
    private var readIndex = 0

    /// Room for `spanCount` spans with a few events, links and array attributes each.
    init(expectingSpans spanCount: Int) {
        lengths.reserveCapacity(4 + spanCount * 3)
    }

    // MARK: Size pass

    /// Takes the next slot, to be filled by ``record(_:in:)`` once the children are measured.
    @inline(__always)
    mutating func reserve() -> Int {
        lengths.append(0)
        return lengths.count - 1
    }

    /// Stores `length` in `slot` and returns it.
    @inline(__always)
    mutating func record(_ length: Int, in slot: Int) -> Int {
        lengths[slot] = length
        return length
    }

    // MARK: Write pass

    /// The next length, in the order the slots were reserved.
    @inline(__always)
    mutating func next() -> Int {
        defer { readIndex &+= 1 }
        return lengths[readIndex]
    }

    /// Whether the write pass read every length the size pass recorded.
    var isExhausted: Bool { readIndex == lengths.count }
}
