/// Statistics per key (model, feature, user) for at most `capacity` distinct keys; every key
/// beyond that shares one overflow entry named ``overflowName``. The dictionary and arrays are
/// sized up front, so a lookup never allocates once the keys are known.
struct BoundedTable<Stats>: Sendable where Stats: Sendable {
    /// The name of the entry that collects the keys beyond the capacity.
    static var overflowName: String { "(other)" }

    let capacity: Int
    private var index: SlotIndex
    private(set) var names: [String] = []
    /// The hash of each slot's key (0 for the overflow slot).
    private var hashes: [UInt64] = []
    var stats: [Stats] = []
    private var overflowSlot: Int?
    private let makeStats: @Sendable () -> Stats
    /// Lookups that landed in the overflow entry.
    private(set) var overflowed = 0

    init(capacity: Int, reserve: Int? = nil, makeStats: @escaping @Sendable () -> Stats) {
        self.capacity = max(1, capacity)
        self.makeStats = makeStats
        let reserved = min(self.capacity, reserve ?? self.capacity)
        index = SlotIndex(minimumCapacity: reserved)
        names.reserveCapacity(reserved)
        hashes.reserveCapacity(reserved)
        stats.reserveCapacity(reserved)
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
        index.find(key.hash) { names[$0] == key.string }
    }

    @inline(__always)
    mutating func update(_ key: HashedKey, _ body: (inout Stats) -> Void) {
        body(&stats[slot(for: key)])
    }

    private mutating func insert(_ key: HashedKey) -> Int {
        if index.count < capacity {
            let slot = stats.count
            index.insert(key.hash, slot: slot)
            names.append(key.string)
            hashes.append(key.hash)
            stats.append(makeStats())
            return slot
        }
        overflowed += 1
        if let overflowSlot { return overflowSlot }
        let slot = stats.count
        names.append(Self.overflowName)
        hashes.append(0)
        stats.append(makeStats())
        overflowSlot = slot
        return slot
    }

    /// Forgets every key, keeping the storage (the per-day tables at UTC midnight).
    mutating func removeAll() {
        index.removeAll()
        names.removeAll(keepingCapacity: true)
        hashes.removeAll(keepingCapacity: true)
        stats.removeAll(keepingCapacity: true)
        overflowSlot = nil
        overflowed = 0
    }

    /// Every key with its own entry (the overflow one excluded), with its hash.
    func forEachKey(_ body: (HashedKey, Stats) -> Void) {
        for slot in stats.indices where slot != overflowSlot {
            body(HashedKey(string: names[slot], hash: hashes[slot]), stats[slot])
        }
    }

    /// Every entry, the overflow one included.
    var entries: Zip2Sequence<[String], [Stats]> { zip(names, stats) }
}
