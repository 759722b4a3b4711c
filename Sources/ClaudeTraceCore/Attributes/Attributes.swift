/// An ordered set of attributes with unique keys. Setting an existing key overwrites its value
/// in place; `nil` removes it. Small by design (spans carry a handful), so lookups are linear.
public struct Attributes: Hashable, Sendable, ExpressibleByDictionaryLiteral, Sequence {
    /// A key and its value, in insertion order.
    public typealias Element = (key: String, value: AttributeValue)

    @usableFromInline var storage: [Element]
    /// A filter on the keys' UTF-8 lengths: bit `n % 64` is set when a key of length `n` may be
    /// here, so a key whose bit is clear is not, and is looked up or added without a search
    /// (W1-each: the search for each of 8 keys set one by one was 9% of a span, perf). Set when
    /// a key is added, never cleared: after a removal a stale bit costs only a search.
    var keyLengths: UInt64

    /// No attributes.
    public init() {
        storage = []
        keyLengths = 0
    }

    /// Attributes from a dictionary literal, in its order; of a repeated key, the last value is kept.
    public init(dictionaryLiteral elements: (String, AttributeValue)...) {
        self.init(elements)
    }

    /// Attributes from key-value pairs, in their order; of a repeated key, the last value is kept.
    public init(_ elements: [(String, AttributeValue)]) {
        // The array becomes the storage: labels do not change a tuple's layout. Building 8
        // attributes this way instead of key by key took an unsampled span from 490 ns to well
        // under half of that (perf: the key-by-key search was 40% of it).
        storage = unsafeBitCast(elements, to: [Element].self)
        let (lengths, hasDuplicates) = Self.keyLengths(of: storage)
        keyLengths = lengths
        if hasDuplicates {
            var unique = Attributes()
            for (key, value) in storage { unique[key] = value }
            self = unique
        }
    }

    /// The ``keyLengths`` filter of `elements`, and whether two of them share a key. Keys of
    /// different UTF-8 lengths (O(1) for native strings) cannot be equal, so the filter of the
    /// keys before finds the candidates in one pass; only keys whose length bit is already set
    /// are compared in full. Keys are read through the buffer, never by copying an element
    /// (the element-wise version copied whole (key, value) tuples through the runtime's generic
    /// witness: 15% of a nested pair of spans, perf on W1b).
    private static func keyLengths(of elements: [Element]) -> (UInt64, hasDuplicates: Bool) {
        elements.withUnsafeBufferPointer { buffer in
            var seen: UInt64 = 0
            var hasDuplicates = false
            for later in buffer.indices {
                let bit = lengthBit(buffer[later].key)
                // A loop, not `contains(where:)`: in a debug build that closure cost 5
                // allocations a span (test_benchmark_harness.py counts them).
                if seen & bit != 0 && !hasDuplicates {
                    for earlier in 0..<later where sameKey(buffer[earlier].key, buffer[later].key) {
                        hasDuplicates = true
                        break
                    }
                }
                seen |= bit
            }
            return (seen, hasDuplicates)
        }
    }

    /// The bit of `key`'s UTF-8 length in ``keyLengths``.
    @inline(__always)
    static func lengthBit(_ key: String) -> UInt64 { 1 << UInt64(key.utf8.count & 63) }

    /// The index of `key`, searched only when its length bit says it may be here.
    @inline(__always)
    func index(of key: String) -> Int? {
        guard keyLengths & Self.lengthBit(key) != 0 else { return nil }
        return storage.firstIndex { Self.sameKey($0.key, key) }
    }

    /// Appends a key known not to be here.
    @inline(__always)
    mutating func append(_ key: consuming String, _ value: consuming AttributeValue) {
        keyLengths |= Self.lengthBit(key)
        storage.append((key, value))
    }

    /// Whether two keys are the same key: the same bytes, as the wire and other SDKs compare
    /// them (Swift's `==` would also equate canonically equivalent spellings, such as a
    /// precomposed and a combining accent). The length and the first byte, each O(1) for
    /// native strings, tell most different keys apart before the bytes are compared; with
    /// `==` after the length alone, keys of equal length such as `gen_ai.request.max_tokens`
    /// and `http.response.status_code` went through four calls into the standard library on
    /// every span (2–3% of W1 with no processor, perf).
    @inline(__always)
    static func sameKey(_ a: String, _ b: String) -> Bool {
        let (a, b) = (a.utf8, b.utf8)
        return a.count == b.count && a.first == b.first && a.elementsEqual(b)
    }

    /// How many attributes there are.
    public var count: Int { storage.count }
    /// Whether there are none.
    public var isEmpty: Bool { storage.isEmpty }

    /// The value for `key`; setting one replaces it in place or appends it, setting nil removes it.
    /// Keys compare by their UTF-8 bytes.
    public subscript(key: String) -> AttributeValue? {
        get { index(of: key).map { storage[$0].value } }
        set {
            switch (index(of: key), newValue) {
            case let (index?, value?): storage[index].value = value
            case let (index?, nil): storage.remove(at: index)
            case let (nil, value?): append(key, value)
            case (nil, nil): break
            }
        }
    }

    /// The attributes in insertion order.
    public func makeIterator() -> IndexingIterator<[Element]> { storage.makeIterator() }

    /// The keys, in insertion order.
    public var keys: [String] { storage.map(\.key) }

    /// Equal when both hold the same keys with equal values in the same order.
    public static func == (a: Attributes, b: Attributes) -> Bool {
        a.storage.elementsEqual(b.storage) { sameKey($0.key, $1.key) && $0.value == $1.value }
    }

    /// Hashes the keys and values in order.
    public func hash(into hasher: inout Hasher) {
        for (key, value) in storage {
            hasher.combine(key)
            hasher.combine(value)
        }
    }

    /// Sets `key` unless that would add a key beyond `countLimit`; returns false when dropped.
    /// Overwriting an existing key is never a drop (spec: only new keys count).
    @discardableResult
    mutating func set(_ key: String, _ value: AttributeValue, limits: AttributeLimits) -> Bool {
        var key = key, value = value
        return set(taking: &key, &value, limits: limits)
    }

    /// ``set(_:_:limits:)``, moving `key` and `value` in instead of copying them (they may be left
    /// empty): `span.attributes[key] = value` owns both, and a copy and a destroy of each value
    /// through its outlined witnesses were a seventh of W1-each (docs/benchmarks.md).
    @discardableResult
    mutating func set(taking key: inout String, _ value: inout AttributeValue, limits: AttributeLimits) -> Bool {
        if limits.valueLengthLimit != nil { value = value.truncated(to: limits.valueLengthLimit) }
        var moved = AttributeValue.bool(false)
        swap(&moved, &value)
        if let index = index(of: key) {
            storage[index].value = moved
            return true
        }
        guard storage.count < limits.countLimit else { return false }
        // Room for a handful at the first set: spans get their attributes one by one after
        // start too (`span.attributes[key] = value`), and growing from empty one element at a
        // time reallocated the array four times in the first 8.
        if storage.capacity == 0 { storage.reserveCapacity(Self.initialCapacity) }
        var movedKey = ""
        swap(&movedKey, &key)
        append(movedKey, moved)
        return true
    }

    /// The capacity an empty set of attributes takes at its first set.
    static let initialCapacity = 8

    /// Sets every attribute of `other`, in its order, as ``set(_:_:limits:)`` would one by one,
    /// and returns how many new keys were dropped at the count limit.
    ///
    /// Faster than setting them one by one, since `other`'s keys are unique already: into no
    /// attributes, within the limits, `other` is taken as it is; otherwise each of its keys is
    /// looked for only among the keys there before, and only when one of those has its length
    /// (``keyLengths``).
    mutating func merge(_ other: Attributes, limits: AttributeLimits) -> Int {
        if storage.isEmpty && other.count <= limits.countLimit && limits.valueLengthLimit == nil {
            self = other
            return 0
        }
        let existing = storage.count
        let lengths = keyLengths
        storage.reserveCapacity(Swift.min(existing + other.count, Swift.max(existing, limits.countLimit)))
        var dropped = 0
        for (key, value) in other {
            let value = value.truncated(to: limits.valueLengthLimit)
            if lengths & Self.lengthBit(key) != 0,
               let index = storage[..<existing].firstIndex(where: { Self.sameKey($0.key, key) }) {
                storage[index].value = value
            } else if storage.count < limits.countLimit {
                append(key, value)
            } else {
                dropped += 1
            }
        }
        return dropped
    }

    /// These attributes limited to `limits`, and how many were dropped. Consuming: within the
    /// limits they are returned as they are, without a retain of the storage and a release of
    /// the caller's copy.
    consuming func limited(by limits: AttributeLimits) -> (Attributes, dropped: Int) {
        if storage.count <= limits.countLimit && limits.valueLengthLimit == nil { return (self, 0) }
        var result = Attributes()
        var dropped = 0
        for (key, value) in storage where !result.set(key, value, limits: limits) { dropped += 1 }
        return (result, dropped)
    }
}
