/// The `limit` largest of a stream, in O(limit) memory (a sorted buffer, so a large table
/// costs one pass and no sort of its own).
struct TopN<T> {
    let limit: Int
    let key: (T) -> (Double, String)
    private var items: [(key: (Double, String), item: T)] = []

    init(limit: Int, key: @escaping (T) -> (Double, String)) {
        self.limit = max(1, limit)
        self.key = key
    }

    private static func isLarger(_ a: (Double, String), _ b: (Double, String)) -> Bool {
        a.0 != b.0 ? a.0 > b.0 : a.1 < b.1
    }

    mutating func offer(_ item: T) {
        let itemKey = key(item)
        if items.count == limit {
            guard let last = items.last, Self.isLarger(itemKey, last.key) else { return }
            items.removeLast()
        }
        let position = items.firstIndex { Self.isLarger(itemKey, $0.key) } ?? items.count
        items.insert((itemKey, item), at: position)
    }

    func sorted() -> [T] { items.map(\.item) }
}

extension Array {
    /// The elements sorted by `key` descending (then by name), cut to `limit`: the order of
    /// the snapshot's lists.
    func largestFirst(limit: Int, by key: (Element) -> (Double, Double, String)) -> [Element] {
        let sorted = self.sorted { a, b in
            let (a0, a1, aName) = key(a), (b0, b1, bName) = key(b)
            if a0 != b0 { return a0 > b0 }
            if a1 != b1 { return a1 > b1 }
            return aName < bName
        }
        return Array(sorted.prefix(limit))
    }
}
