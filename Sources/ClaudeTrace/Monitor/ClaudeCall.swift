import Synchronization

/// The attribute keys the monitor reads: the client's constants (reference/claude-spans.md),
/// plus the one the monitor writes on feedback spans.
enum MonitorAttributeKey {
    typealias Client = ClaudeAttributeKey
    static let providerName = Client.providerName
    /// Deprecated by the GenAI conventions; still read, for spans made by older code.
    static let system = "gen_ai.system"
    static let operationName = Client.operationName
    static let requestModel = Client.requestModel
    static let responseModel = Client.responseModel
    static let inputTokens = Client.inputTokens
    static let outputTokens = Client.outputTokens
    static let cacheReadTokens = Client.cacheReadInputTokens
    static let cacheCreationTokens = Client.cacheCreationInputTokens
    static let timeToFirstChunk = Client.timeToFirstChunk
    static let costUSD = Client.costUSD
    static let costPicodollars = Client.costPicodollars
    static let priceUnknown = Client.priceUnknown
    static let retries = Client.retries
    static let statusCode = Client.httpStatusCode
    static let errorCategory = Client.errorCategory
    static let errorType = Client.errorType
    static let userID = Client.userID
    static let feature = Client.feature
    static let requestID = Client.requestID
    static let anthropicRequestID = Client.serverRequestID
    static let inputMessages = Client.inputMessages
    static let outputMessages = Client.outputMessages
    static let systemInstructions = Client.systemInstructions
    /// Written by the monitor on feedback spans: `accept`, `reject`, `edit` or `retry`.
    static let feedbackAction = "claude.feedback.action"
}

/// What the monitor takes from one Claude span, read in a single pass over its attributes.
///
/// Attributes are a small array searched linearly, so looking up twenty keys one by one would
/// cost hundreds of string comparisons per span. Instead each attribute's key is recognised
/// through ``AttributeKeyCache`` (a comparison of two machine words once the key has been seen)
/// and its value read in the same pass.
struct ClaudeCall {
    var model: String?
    var userID: String?
    var feature: String?
    var requestID: String?
    var anthropicRequestID: String?
    /// `gen_ai.usage.input_tokens`: uncached input plus both cache counts.
    var totalInputTokens: Int64 = 0
    var outputTokens: Int64 = 0
    var cacheReadTokens: Int64 = 0
    var cacheCreationTokens: Int64 = 0
    var timeToFirstToken: Double?
    var costUSD: Double?
    /// `claude.cost.picodollars`: the exact cost, preferred over ``costUSD``.
    var costPicodollars: Int64?
    var priceUnknown = false
    var retries: Int64 = 0
    var statusCode: Int64?
    var errorCategory: String?
    var errorType: String?
    /// Prompt and reply text: read only when the request log asks for content.
    var inputMessages: String?
    var outputMessages: String?
    var systemInstructions: String?
    var isError = false
    var durationSeconds = 0.0

    /// Input tokens billed at the base rate: the total minus the cache reads and writes.
    var uncachedInputTokens: Int64 { max(0, totalInputTokens - cacheReadTokens - cacheCreationTokens) }

    /// A call blocked by a budget was never sent: it costs nothing, and is not "unpriced".
    var wasBlockedByBudget: Bool { errorCategory == "budget_exceeded" }

    /// The attributes the monitor reads.
    enum Field: UInt8 {
        case userID, errorType, system, retries, feature, costUSD, requestID, requestModel, providerName
        case anthropicRequestID, responseModel, operationName, errorCategory, inputMessages, outputMessages
        case inputTokens, statusCode, priceUnknown, outputTokens, systemInstructions, timeToFirstChunk
        case cacheReadTokens, cacheCreationTokens, costPicodollars

        /// The number of cases (raw values are `0..<count`).
        static var count: UInt8 { Field.costPicodollars.rawValue + 1 }

        typealias Key = MonitorAttributeKey
        static let byKey: [String: Field] = [
            Key.userID: .userID, Key.errorType: .errorType, Key.system: .system, Key.retries: .retries,
            Key.feature: .feature, Key.costUSD: .costUSD, Key.requestID: .requestID, Key.requestModel: .requestModel,
            Key.providerName: .providerName, Key.anthropicRequestID: .anthropicRequestID,
            Key.responseModel: .responseModel, Key.operationName: .operationName, Key.errorCategory: .errorCategory,
            Key.inputMessages: .inputMessages, Key.outputMessages: .outputMessages, Key.inputTokens: .inputTokens,
            Key.statusCode: .statusCode, Key.priceUnknown: .priceUnknown, Key.outputTokens: .outputTokens,
            Key.systemInstructions: .systemInstructions, Key.timeToFirstChunk: .timeToFirstChunk,
            Key.cacheReadTokens: .cacheReadTokens, Key.cacheCreationTokens: .cacheCreationTokens,
            Key.costPicodollars: .costPicodollars,
        ]
    }

    /// Reads `span`; nil unless it is a Claude chat span: provider (or the deprecated system)
    /// `anthropic`, and operation `chat` or none. What only the request log needs (the
    /// server's request id, the error type, prompt and reply text) is read only when
    /// `forLog` (and `readContent`) ask for it, so a span costs fewer string copies.
    init?(_ span: SpanData, forLog: Bool = false, readContent: Bool = false) {
        // Provider and operation are compared in place: `==` on equal short strings is a
        // comparison of two words.
        var isAnthropic: Bool?
        var systemIsAnthropic = false
        var isChat = true
        var hasResponseModel = false
        var sawUnseenKey = false
        // The table is never freed, so it is borrowed without a reference count (a shared
        // count would be a contended cache line across cores).
        AttributeKeyCache.current._withUnsafeGuaranteedRef { keys in
            for (key, value) in span.attributes {
                let code = keys.lookup(key)
                let field: Field
                if code < Field.count {
                    // The cache only stores raw values of `Field` below `count`.
                    field = unsafeBitCast(code, to: Field.self)
                } else if code == AttributeKeyCache.other {
                    continue
                } else {
                    sawUnseenKey = true
                    guard let known = Field.byKey[key] else { continue }
                    field = known
                }
                switch field {
                case .userID: if case .string(let text) = value { userID = text }
                case .feature: if case .string(let text) = value { feature = text }
                case .requestID: if case .string(let text) = value { requestID = text }
                case .requestModel: if !hasResponseModel, case .string(let text) = value { model = text }
                case .responseModel:
                    if case .string(let text) = value {
                        model = text
                        hasResponseModel = true
                    }
                case .providerName: if case .string(let text) = value { isAnthropic = text == "anthropic" }
                case .system: if case .string(let text) = value { systemIsAnthropic = text == "anthropic" }
                case .operationName: if case .string(let text) = value { isChat = text == "chat" }
                case .errorCategory: if case .string(let text) = value { errorCategory = text }
                case .retries: if case .int(let number) = value { retries = number }
                case .costUSD: costUSD = value.numberValue
                case .costPicodollars: if case .int(let number) = value { costPicodollars = number }
                case .inputTokens: if case .int(let number) = value { totalInputTokens = number }
                case .statusCode: if case .int(let number) = value { statusCode = number }
                case .priceUnknown: if case .bool(let flag) = value { priceUnknown = flag }
                case .outputTokens: if case .int(let number) = value { outputTokens = number }
                case .timeToFirstChunk: timeToFirstToken = value.numberValue
                case .cacheReadTokens: if case .int(let number) = value { cacheReadTokens = number }
                case .cacheCreationTokens: if case .int(let number) = value { cacheCreationTokens = number }
                case .anthropicRequestID: if forLog, case .string(let text) = value { anthropicRequestID = text }
                case .errorType: if forLog, case .string(let text) = value { errorType = text }
                case .inputMessages: if readContent, case .string(let text) = value { inputMessages = text }
                case .outputMessages: if readContent, case .string(let text) = value { outputMessages = text }
                case .systemInstructions: if readContent, case .string(let text) = value { systemInstructions = text }
                }
            }
            // Learnt once per key (a second pass, so the first does not keep copies of keys).
            if sawUnseenKey { AttributeKeyCache.learn(span.attributes.keys.filter { keys.lookup($0) == AttributeKeyCache.unseen }) }
        }
        guard isAnthropic ?? systemIsAnthropic, isChat else { return nil }
        isError = span.status.isError || errorCategory != nil
        durationSeconds = span.durationSeconds
    }
}

extension AttributeValue {
    /// A double, or an int widened (without a cross-module call).
    @inline(__always)
    fileprivate var numberValue: Double? {
        switch self {
        case .double(let number): number
        case .int(let number): Double(number)
        default: nil
        }
    }
}

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
        let field: ClaudeCall.Field?
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
                    entries.append(Entry(key: key, words: words(key), field: ClaudeCall.Field.byKey[key]))
                }
                guard entries.count > cache.count else { return }
                let table = Unmanaged.passRetained(AttributeKeyCache(entries: entries))
                Self.published.store(UInt(bitPattern: table.toOpaque()), ordering: .releasing)
                published += 1
            }
        }
    }
}
