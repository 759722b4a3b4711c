/// The heaviest keys of an unbounded stream, in fixed memory: the Space-Saving algorithm of
/// Metwally, Agrawal and El Abbadi ("Efficient Computation of Frequent and Top-k Elements in
/// Data Streams", ICDT 2005), in its weighted form.
///
/// It keeps at most `capacity` counters. A key already counted adds its weight; a new key takes
/// a free counter, or, when all are taken, the smallest one: it inherits that counter's weight
/// as its own possible overestimate (`error`). Guarantees, with `W` the total weight seen:
/// every estimate is at least the key's true weight and overestimates it by at most its
/// `error ≤ W / capacity`; any key whose true weight exceeds `W / capacity` is kept.
///
/// A min-heap over the counters makes each update O(log capacity) with one dictionary lookup
/// (a removal and an insertion more when a counter changes hands); the heap stores counter
/// slots, so moving an entry never touches the dictionary. Not on the per-span path: the
/// monitor folds each day's exact per-user figures in at roll-over.
struct HeavyHitters: Sendable {
    let capacity: Int
    private var slotOfKey: [String: Int]
    private var keys: [String] = []
    private var weights: [Int64] = []
    private var errors: [Int64] = []
    private var heapPositionOfSlot: [Int] = []
    /// Slots, ordered as a min-heap by weight.
    private var heap: [Int] = []
    /// The total weight seen (so ``bound`` can be reported).
    private(set) var totalWeight: Int64 = 0

    init(capacity: Int) {
        self.capacity = max(1, capacity)
        slotOfKey = Dictionary(minimumCapacity: self.capacity)
        keys.reserveCapacity(self.capacity)
        weights.reserveCapacity(self.capacity)
        errors.reserveCapacity(self.capacity)
        heapPositionOfSlot.reserveCapacity(self.capacity)
        heap.reserveCapacity(self.capacity)
    }

    /// One entry of the summary.
    struct Entry: Equatable {
        var key: String
        /// The estimate: at least the true weight.
        var weight: Int64
        /// How much ``weight`` may overestimate the true weight.
        var error: Int64
    }

    /// The most a key without a counter can have weighed: the smallest counter once all are
    /// taken (0 before: every key seen then still has its counter).
    var floor: Int64 { keys.count < capacity ? 0 : weights[heap[0]] }

    /// The largest overestimate any entry can carry: `W / capacity`.
    var bound: Int64 { totalWeight / Int64(capacity) }

    var count: Int { keys.count }

    mutating func add(_ key: HashedKey, weight: Int64) {
        totalWeight &+= weight
        if let slot = slotOfKey[key.string] {
            weights[slot] &+= weight
            siftDown(from: heapPositionOfSlot[slot])
        } else if keys.count < capacity {
            let slot = keys.count
            keys.append(key.string)
            weights.append(weight)
            errors.append(0)
            heap.append(slot)
            heapPositionOfSlot.append(heap.count - 1)
            slotOfKey[key.string] = slot
            siftUp(from: heap.count - 1)
        } else {
            let slot = heap[0]
            slotOfKey[keys[slot]] = nil
            let floor = weights[slot]
            keys[slot] = key.string
            errors[slot] = floor
            weights[slot] = floor &+ weight
            slotOfKey[key.string] = slot
            siftDown(from: 0)
        }
    }

    /// The `limit` heaviest entries, heaviest first (ties by key, for stable output).
    func top(_ limit: Int) -> [Entry] {
        var entries = keys.indices.map { Entry(key: keys[$0], weight: weights[$0], error: errors[$0]) }
        entries.sort { $0.weight != $1.weight ? $0.weight > $1.weight : $0.key < $1.key }
        return Array(entries.prefix(max(0, limit)))
    }

    /// The estimate for `key`, if it holds a counter.
    func estimate(of key: String) -> Entry? {
        slotOfKey[key].map { Entry(key: keys[$0], weight: weights[$0], error: errors[$0]) }
    }

    // MARK: Heap

    private mutating func siftUp(from position: Int) {
        var child = position
        while child > 0 {
            let parent = (child - 1) / 2
            guard weights[heap[child]] < weights[heap[parent]] else { return }
            swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(from position: Int) {
        var parent = position
        let count = heap.count
        while true {
            let left = 2 * parent + 1
            guard left < count else { return }
            let right = left + 1
            var smallest = left
            if right < count && weights[heap[right]] < weights[heap[left]] { smallest = right }
            guard weights[heap[smallest]] < weights[heap[parent]] else { return }
            swapAt(parent, smallest)
            parent = smallest
        }
    }

    @inline(__always)
    private mutating func swapAt(_ a: Int, _ b: Int) {
        heap.swapAt(a, b)
        heapPositionOfSlot[heap[a]] = a
        heapPositionOfSlot[heap[b]] = b
    }
}
