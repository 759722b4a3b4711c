import Synchronization

/// Recognises attribute keys by the identity of their string: the two machine words of a
/// `String` value (its count and flags, and its storage or, for short strings, its bytes).
///
/// Why: comparing a key's bytes costs 10–25 ns in Swift (`==` makes several out-of-line calls;
/// `utf8.withContiguousStorageIfAvailable` measured 24 ns a call), so twenty keys cost 200–500
/// ns a span. Instrumentation sets its keys from the same string constants every time, so after
/// the first span each key is recognised by two integer comparisons.
///
/// Soundness: equal words mean equal strings. For a short string the words are its bytes. For
/// a long one they name the same storage with the same count; the table keeps a reference to
/// every string it holds, so that storage can be neither freed (and reused) nor mutated in
/// place while it is in the table.
///
/// The table is immutable and replaced whole when keys are learnt (rarely: a key is learnt once),
/// and published through an atomic pointer, so a reader takes no lock and no reference count.
/// Replaced tables are never freed (a reader may still be probing one): at most one table per
/// learning, and learning stops at ``capacity`` keys, so the leak is bounded (in practice one or
/// two tables of a few kilobytes; at worst 256 tables, about 3 MB). Keys beyond the capacity
/// are looked up by hashing each time.
///
/// `@unchecked Sendable` is safe: the probed table is a buffer written only in `init`, before
/// the object is published, and read-only afterwards (published tables are never freed); every
/// other property is an immutable `Sendable` value.
final class AttributeKeyCache: @unchecked Sendable {
    /// What ``lookup(_:)`` answers besides a field's raw value.
    static let other: UInt8 = 0xFE
    static let unseen: UInt8 = 0xFF

    static let capacity = 256
    /// The current table's address (`Unmanaged`, retained once and never released), stored as
    /// a bit pattern because pointers are not `Sendable`; the same pattern as Core's global
    /// tracer provider.
    private static let published = Atomic<UInt>(UInt(bitPattern: Unmanaged.passRetained(AttributeKeyCache(entries: [])).toOpaque()))
    /// Serialises learners (readers never take it); counts the tables published.
    private static let learning = Locked(0)

    /// Whether a `String` is two 64-bit words here (it is on every 64-bit platform Swift
    /// supports); otherwise the cache stays empty and every key is looked up by hashing.
    @inline(__always)
    private static var isUsable: Bool { MemoryLayout<String>.size == 16 && MemoryLayout<(UInt64, UInt64)>.size == 16 }

    private struct Entry: Sendable {
        let key: String
        let words: (UInt64, UInt64)
        let field: ClaudeCallField?
    }

    /// One probed slot: a key's two words and its field's raw value (``other`` for a key that
    /// is not the monitor's, ``unseen`` for an empty slot). Plain integers: no reference
    /// counting while probing.
    private struct Slot {
        var first: UInt64
        var second: UInt64
        var code: UInt8
    }

    private let slots: UnsafeMutablePointer<Slot>
    private let mask: Int
    /// The strings, held so their storage stays alive and unchanged while in the table.
    private let entries: [Entry]
    var count: Int { entries.count }

    private init(entries: [Entry]) {
        var size = 16
        while size < entries.count * 2 { size <<= 1 }
        slots = .allocate(capacity: size)
        slots.initialize(repeating: Slot(first: 0, second: 0, code: Self.unseen), count: size)
        mask = size - 1
        for entry in entries {
            var position = Self.position(entry.words, mask: mask)
            while slots[position].code != Self.unseen { position = (position + 1) & mask }
            slots[position] = Slot(first: entry.words.0, second: entry.words.1, code: entry.field?.rawValue ?? Self.other)
        }
        self.entries = entries
    }

    deinit {
        slots.deallocate()
    }

    /// The current table, without a lock or a reference count (it is never freed).
    @inline(__always)
    static var current: Unmanaged<AttributeKeyCache> {
        Unmanaged.fromOpaque(UnsafeRawPointer(bitPattern: published.load(ordering: .acquiring))!)
    }

    @inline(__always)
    private static func words(_ key: String) -> (UInt64, UInt64) {
        unsafeBitCast(key, to: (UInt64, UInt64).self)
    }

    @inline(__always)
    private static func position(_ words: (UInt64, UInt64), mask: Int) -> Int {
        Int(truncatingIfNeeded: ((words.0 ^ (words.1 &* 0x9E37_79B9_7F4A_7C15)) &* 0xBF58_476D_1CE4_E5B9) >> 40) & mask
    }

    /// The raw value of the field `key` names, ``other``, or ``unseen``.
    @inline(__always)
    func lookup(_ key: String) -> UInt8 {
        guard Self.isUsable else { return Self.unseen }
        let words = Self.words(key)
        var position = Self.position(words, mask: mask)
        while true {
            let slot = slots[position]
            if slot.code == Self.unseen || (slot.first == words.0 && slot.second == words.1) { return slot.code }
            position = (position + 1) & mask
        }
    }

    /// Adds `keys` (with what they name) to the shared table, up to ``capacity``.
    static func learn(_ keys: [String]) {
        guard isUsable else { return }
        learning.withLock { published in
            current._withUnsafeGuaranteedRef { cache in
                guard cache.count < capacity else { return }
                var entries = cache.entries
                for key in keys where entries.count < capacity && cache.lookup(key) == unseen
                    && !entries.contains(where: { $0.words == words(key) }) {
                    entries.append(Entry(key: key, words: words(key), field: ClaudeCallField.byKey[key]))
                }
                guard entries.count > cache.count else { return }
                let table = Unmanaged.passRetained(AttributeKeyCache(entries: entries))
                Self.published.store(UInt(bitPattern: table.toOpaque()), ordering: .releasing)
                published += 1
            }
        }
    }
}
