/// The W3C `tracestate`: vendor-specific key/value pairs carried with a trace.
///
/// Immutable: every change returns a new, validated copy. Rules from
/// https://www.w3.org/TR/trace-context-2/#tracestate-header: at most 32 members, unique keys,
/// an updated or new key moves to the front, and past 32 the rightmost member is dropped.
public struct TraceState: Hashable, Sendable, CustomStringConvertible {
    /// The most members a trace state holds (32, the W3C limit).
    public static let maxMembers = 32

    /// Members, leftmost (most recently updated) first.
    public private(set) var entries: [(key: String, value: String)]

    /// An empty trace state.
    public init() { entries = [] }

    /// Whether it has no members (then no `tracestate` header is sent).
    public var isEmpty: Bool { entries.isEmpty }

    /// The value of `key`, if it is a member.
    public subscript(key: String) -> String? {
        entries.first { $0.key == key }?.value
    }

    /// A copy with `key` set to `value` at the front, or nil when the key or value is invalid.
    public func setting(_ key: String, to value: String) -> TraceState? {
        guard Self.isValidKey(key), Self.isValidValue(value) else { return nil }
        var copy = self
        copy.entries.removeAll { $0.key == key }
        copy.entries.insert((key, value), at: 0)
        if copy.entries.count > Self.maxMembers { copy.entries.removeLast() }
        return copy
    }

    /// A copy without `key`.
    public func removing(_ key: String) -> TraceState {
        var copy = self
        copy.entries.removeAll { $0.key == key }
        return copy
    }

    /// The header form: `k1=v1,k2=v2`.
    public var headerValue: String { entries.map { "\($0.key)=\($0.value)" }.joined(separator: ",") }
    /// The header form.
    public var description: String { headerValue }

    /// Parses a `tracestate` header. Empty members and whitespace around them are allowed;
    /// any invalid member, a duplicate key or more than 32 members makes the whole header
    /// invalid (nil), which the spec allows us to drop.
    public init?(headerValue: String) {
        var entries: [(key: String, value: String)] = []
        for rawMember in headerValue.split(separator: ",", omittingEmptySubsequences: false) {
            let member = rawMember.trimmingSpacesAndTabs()
            if member.isEmpty { continue }
            // Stop at the 33rd member: the duplicate check is quadratic, and a peer's header may
            // hold any number of members.
            guard entries.count < Self.maxMembers else { return nil }
            guard let equals = member.firstIndex(of: "=") else { return nil }
            let key = String(member[..<equals])
            let value = String(member[member.index(after: equals)...])
            guard Self.isValidKey(key), Self.isValidValue(value),
                  !entries.contains(where: { $0.key == key })
            else { return nil }
            entries.append((key, value))
        }
        self.entries = entries
    }

    /// Equal when both hold the same members in the same order.
    public static func == (a: TraceState, b: TraceState) -> Bool {
        a.entries.elementsEqual(b.entries) { $0.key == $1.key && $0.value == $1.value }
    }

    /// Hashes the members in order.
    public func hash(into hasher: inout Hasher) {
        for entry in entries {
            hasher.combine(entry.key)
            hasher.combine(entry.value)
        }
    }

    /// `simple-key` is `[a-z0-9][a-z0-9_-*/]{0,255}`; `multi-tenant-key` is
    /// `tenant@system` with a tenant of at most 241 and a system of at most 14 characters.
    static func isValidKey(_ key: String) -> Bool {
        let bytes = Array(key.utf8)
        guard let first = bytes.first, bytes.count <= 256, isLowerAlnum(first) else { return false }
        let allowed: (UInt8) -> Bool = { isLowerAlnum($0) || "_-*/".utf8.contains($0) }
        guard let at = bytes.firstIndex(of: UInt8(ascii: "@")) else {
            return bytes.dropFirst().allSatisfy(allowed)
        }
        let tenant = bytes[..<at], system = bytes[(at + 1)...]
        return tenant.count <= 241 && tenant.allSatisfy(allowed)
            && !system.isEmpty && system.count <= 14 && isLowerAlpha(system.first!)
            && system.allSatisfy(allowed)
    }

    /// Up to 256 printable ASCII characters except `,` and `=`, not ending in a space.
    static func isValidValue(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        guard !bytes.isEmpty, bytes.count <= 256, bytes.last != UInt8(ascii: " ") else { return false }
        return bytes.allSatisfy { $0 >= 0x20 && $0 <= 0x7E && $0 != UInt8(ascii: ",") && $0 != UInt8(ascii: "=") }
    }

    private static func isLowerAlnum(_ byte: UInt8) -> Bool {
        isLowerAlpha(byte) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }

    private static func isLowerAlpha(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs (HTTP's optional whitespace).
    func trimmingSpacesAndTabs() -> SubSequence {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let start = firstIndex(where: { !isSpace($0) }) else { return self[endIndex...] }
        let end = lastIndex(where: { !isSpace($0) })!
        return self[start...end]
    }
}
