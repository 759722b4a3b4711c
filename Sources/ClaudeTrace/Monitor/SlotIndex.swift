/// An open-addressing hash index from key hashes to slot numbers, for the monitor's tables.
///
/// Why not `Dictionary<String, Int>`: measured on the monitor's workload (10k users),
/// Dictionary re-hashed the string on each lookup and, on each deletion, re-hashed (and
/// retained) the strings of the probe cluster it shifted back. This index stores 8-byte
/// entries (the hash's high 32 bits as a tag, and the slot), so lookups reuse a hash computed
/// once per call, a probe reads one small entry, and growth moves integers only. Keys are
/// confirmed by the caller's `matches` (its full hash and string, on a tag hit).
///
/// Linear probing at a load of at most 1/2; no deletion (the tables only grow, up to their
/// bound, or are cleared whole).
struct SlotIndex: Sendable {
    private struct Entry {
        var tag: UInt32
        /// The slot plus one; 0 is empty.
        var slotPlusOne: UInt32
    }

    private var entries: [Entry]
    private var mask: Int
    private(set) var count = 0

    init(minimumCapacity: Int) {
        var size = 16
        while size < minimumCapacity * 2 { size <<= 1 }
        entries = [Entry](repeating: Entry(tag: 0, slotPlusOne: 0), count: size)
        mask = size - 1
    }

    @inline(__always)
    private static func tag(_ hash: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: hash >> 32) }

    /// The slot stored for `hash` whose key `matches`, if any.
    @inline(__always)
    func find(_ hash: UInt64, matches: (Int) -> Bool) -> Int? {
        let tag = Self.tag(hash)
        var position = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = entries[position]
            if entry.slotPlusOne == 0 { return nil }
            if entry.tag == tag {
                let slot = Int(entry.slotPlusOne) - 1
                if matches(slot) { return slot }
            }
            position = (position + 1) & mask
        }
    }

    /// Adds `slot` under `hash` (the caller knows the key is absent).
    mutating func insert(_ hash: UInt64, slot: Int, rehash: (Int) -> UInt64) {
        if (count + 1) * 2 > entries.count { grow(rehash: rehash) }
        place(hash, slotPlusOne: UInt32(truncatingIfNeeded: slot + 1))
        count += 1
    }

    /// Forgets every entry, keeping the storage.
    mutating func removeAll() {
        guard count > 0 else { return }
        for index in entries.indices { entries[index] = Entry(tag: 0, slotPlusOne: 0) }
        count = 0
    }

    @inline(__always)
    private mutating func place(_ hash: UInt64, slotPlusOne: UInt32) {
        var position = Int(truncatingIfNeeded: hash) & mask
        while entries[position].slotPlusOne != 0 { position = (position + 1) & mask }
        entries[position] = Entry(tag: Self.tag(hash), slotPlusOne: slotPlusOne)
    }

    /// Doubles the table; `rehash` gives the full hash of a slot's key (kept by the caller).
    private mutating func grow(rehash: (Int) -> UInt64) {
        let old = entries
        entries = [Entry](repeating: Entry(tag: 0, slotPlusOne: 0), count: old.count * 2)
        mask = entries.count - 1
        for entry in old where entry.slotPlusOne != 0 {
            place(rehash(Int(entry.slotPlusOne) - 1), slotPlusOne: entry.slotPlusOne)
        }
    }
}
