/// Statistics per key (model, feature, user) for at most `capacity` distinct keys; every key
/// beyond that shares one overflow entry named ``overflowName``. Each entry keeps its key, the
/// key's hash and its statistics side by side, so a lookup touches the index entry and one
/// table entry; nothing is allocated once the keys are known.
struct BoundedTable<Stats>: Sendable where Stats: Sendable {
    /// The name of the entry that collects the keys beyond the capacity.
    static var overflowName: String { "(other)" }

    struct Entry: Sendable {
        let name: String
        let hash: UInt64
        var stats: Stats
    }

    let capacity: Int
    private var index: SlotIndex
    private(set) var entries: [Entry] = []
    private var overflowSlot: Int?
    private let makeStats: @Sendable () -> Stats

    init(capacity: Int, reserve: Int? = nil, makeStats: @escaping @Sendable () -> Stats) {
        self.capacity = max(1, capacity)
        self.makeStats = makeStats
        let reserved = min(self.capacity, reserve ?? self.capacity)
        index = SlotIndex(minimumCapacity: reserved)
        entries.reserveCapacity(reserved)
    }

    /// Distinct keys held, not counting the overflow entry.
    var keyCount: Int { index.count }

    /// Whether some key went to the overflow entry.
    var hasOverflowed: Bool { overflowSlot != nil }

    /// The slot of `key`, created on first sight (the overflow slot when full).
    @inline(__always)
    mutating func slot(for key: HashedKey) -> Int {
        if let slot = existingSlot(for: key) { return slot }
        return insert(key)
    }

    /// The slot of `key`, if it has one of its own.
    @inline(__always)
    func existingSlot(for key: HashedKey) -> Int? {
        index.find(key.hash) { entries[$0].hash == key.hash && entries[$0].name == key.string }
    }

    @inline(__always)
    mutating func update(_ key: HashedKey, _ body: (inout Stats) -> Void) {
        body(&entries[slot(for: key)].stats)
    }

    /// The statistics of a slot.
    subscript(slot: Int) -> Stats {
        get { entries[slot].stats }
        set { entries[slot].stats = newValue }
    }

    /// The key of a slot (``overflowName`` for the overflow slot).
    func name(ofSlot slot: Int) -> String { entries[slot].name }

    func contains(slot: Int) -> Bool { entries.indices.contains(slot) }

    private mutating func insert(_ key: HashedKey) -> Int {
        if index.count < capacity {
            let slot = entries.count
            entries.append(Entry(name: key.string, hash: key.hash, stats: makeStats()))
            index.insert(key.hash, slot: slot) { entries[$0].hash }
            return slot
        }
        if let overflowSlot { return overflowSlot }
        let slot = entries.count
        entries.append(Entry(name: Self.overflowName, hash: 0, stats: makeStats()))
        overflowSlot = slot
        return slot
    }

    /// Forgets every key, keeping the storage (the per-day tables at UTC midnight).
    mutating func removeAll() {
        index.removeAll()
        entries.removeAll(keepingCapacity: true)
        overflowSlot = nil
    }

    /// Every key with its own entry (the overflow one excluded), with its hash.
    func forEachKey(_ body: (HashedKey, Stats) -> Void) {
        for slot in entries.indices where slot != overflowSlot {
            body(HashedKey(string: entries[slot].name, hash: entries[slot].hash), entries[slot].stats)
        }
    }
}
