/// An ordered set of attributes with unique keys. Setting an existing key overwrites its value
/// in place; `nil` removes it. Small by design (spans carry a handful), so lookups are linear.
public struct Attributes: Hashable, Sendable, ExpressibleByDictionaryLiteral, Sequence {
    public typealias Element = (key: String, value: AttributeValue)

    @usableFromInline var storage: [Element]

    public init() { storage = [] }

    public init(dictionaryLiteral elements: (String, AttributeValue)...) {
        storage = []
        storage.reserveCapacity(elements.count)
        for (key, value) in elements { self[key] = value }
    }

    public var count: Int { storage.count }
    public var isEmpty: Bool { storage.isEmpty }

    public subscript(key: String) -> AttributeValue? {
        get { storage.first { $0.key == key }?.value }
        set {
            let index = storage.firstIndex { $0.key == key }
            switch (index, newValue) {
            case let (index?, value?): storage[index].value = value
            case let (index?, nil): storage.remove(at: index)
            case let (nil, value?): storage.append((key, value))
            case (nil, nil): break
            }
        }
    }

    public func makeIterator() -> IndexingIterator<[Element]> { storage.makeIterator() }

    public var keys: [String] { storage.map(\.key) }

    public static func == (a: Attributes, b: Attributes) -> Bool {
        a.storage.elementsEqual(b.storage) { $0.key == $1.key && $0.value == $1.value }
    }

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
        let value = value.truncated(to: limits.valueLengthLimit)
        if let index = storage.firstIndex(where: { $0.key == key }) {
            storage[index].value = value
            return true
        }
        guard storage.count < limits.countLimit else { return false }
        storage.append((key, value))
        return true
    }

    /// A copy limited to `limits`, and how many attributes it dropped.
    func limited(by limits: AttributeLimits) -> (Attributes, dropped: Int) {
        if storage.count <= limits.countLimit && limits.valueLengthLimit == nil { return (self, 0) }
        var result = Attributes()
        var dropped = 0
        for (key, value) in storage where !result.set(key, value, limits: limits) { dropped += 1 }
        return (result, dropped)
    }
}
