/// The most recent Claude calls by `claude.request_id`, for feedback: the span context to link
/// to, the call's feature and its cost. A fixed ring of `capacity` entries: a new call replaces
/// the oldest (first in, first out), so memory is bounded whatever the traffic.
///
/// Written on every span, so it is kept cheap:
/// - entries hold no strings (no reference counting); a request id is recognised by its 64-bit
///   keyed hash (SipHash) alone: two remembered ids would have to share a hash to be confused,
///   a chance of about 10⁻¹⁵ per look-up with 10,000 entries;
/// - the index is a set-associative table of 4-entry buckets (one cache line each) holding
///   (hash, sequence number): an entry is live while its sequence is among the last `capacity`,
///   so the ring's overwrites need no index deletion. A bucket whose four entries are all live
///   gives up its oldest: with at least four index entries per remembered call, about 0.4% of
///   calls are forgotten before `capacity` newer ones (their feedback is then unmatched).
struct RecentRequests: Sendable {
    struct Entry: Sendable {
        var traceID: TraceID
        var spanID: SpanID
        var traceFlags: TraceFlags
        /// The call's slot in the feature table (stable: features are never removed).
        var featureSlot: Int32
        var costNanos: Int64?

        var context: SpanContext { SpanContext(traceID: traceID, spanID: spanID, traceFlags: traceFlags) }
    }

    private struct IndexEntry {
        var hash: UInt64
        /// 1-based sequence number of the call; 0 is empty.
        var sequence: UInt64
    }

    let capacity: Int
    private var ring: [Entry]
    private var index: [IndexEntry]
    private let bucketMask: Int
    /// The sequence number the next call gets.
    private var nextSequence: UInt64 = 1

    init(capacity: Int) {
        self.capacity = max(1, capacity)
        ring = [Entry](
            repeating: Entry(traceID: .invalid, spanID: .invalid, traceFlags: [], featureSlot: -1, costNanos: nil),
            count: self.capacity)
        var buckets = 4
        while buckets < self.capacity { buckets <<= 1 }
        index = [IndexEntry](repeating: IndexEntry(hash: 0, sequence: 0), count: buckets * 4)
        bucketMask = buckets - 1
    }

    /// Calls remembered (live in the ring).
    var count: Int { Int(min(nextSequence - 1, UInt64(capacity))) }

    @inline(__always)
    private func isLive(_ sequence: UInt64) -> Bool {
        sequence != 0 && sequence &+ UInt64(capacity) >= nextSequence
    }

    @inline(__always)
    mutating func remember(_ entry: Entry, hash: UInt64) {
        let sequence = nextSequence
        nextSequence &+= 1
        ring[Int((sequence &- 1) % UInt64(capacity))] = entry
        let base = (Int(truncatingIfNeeded: hash) & bucketMask) &* 4
        var victim = base
        var oldest = UInt64.max
        for position in base..<(base + 4) {
            let candidate = index[position].sequence
            if !isLive(candidate) {
                victim = position
                break
            }
            if candidate < oldest {
                oldest = candidate
                victim = position
            }
        }
        index[victim] = IndexEntry(hash: hash, sequence: sequence)
    }

    func entry(for requestID: String) -> Entry? {
        let hash = KeyHasher.hash(requestID)
        let base = (Int(truncatingIfNeeded: hash) & bucketMask) &* 4
        var best: UInt64 = 0
        for position in base..<(base + 4) where index[position].hash == hash && isLive(index[position].sequence) {
            best = max(best, index[position].sequence)
        }
        guard best != 0 else { return nil }
        return ring[Int((best &- 1) % UInt64(capacity))]
    }
}
