/// The most recent Claude calls by `claude.request_id`, for feedback: the span context to link
/// to, the call's feature and its cost. A fixed ring of `capacity` entries: a new call replaces
/// the oldest (first in, first out), so memory is bounded whatever the traffic.
///
/// Written on every span and read only for feedback (far rarer than calls), so the work is put
/// on the read: remembering a call writes the next ring slot, sequentially, with no index to
/// keep (an index meant a cache miss per span in a table of a megabyte, measured as the largest
/// single cost of a span); a look-up scans the ring's hashes, newest first (10,000 entries: a
/// few microseconds). Entries hold no strings (no reference counting): a request id is
/// recognised by its 64-bit keyed hash (SipHash), so two remembered ids would have to share a
/// hash to be confused, a chance of about 10⁻¹⁵ per look-up with 10,000 entries.
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

    let capacity: Int
    private var ring: [Entry]
    /// `hashes[i]`: the request id hash of `ring[i]`; 0 for an empty slot.
    private var hashes: [UInt64]
    private var next = 0
    private var filled = false

    init(capacity: Int) {
        self.capacity = max(1, capacity)
        ring = [Entry](
            repeating: Entry(traceID: .invalid, spanID: .invalid, traceFlags: [], featureSlot: -1, costNanos: nil),
            count: self.capacity)
        hashes = [UInt64](repeating: 0, count: self.capacity)
    }

    /// Calls remembered.
    var count: Int { filled ? capacity : next }

    /// Remembers a call that has a request id.
    @inline(__always)
    mutating func record(_ call: ClaudeCall, context: SpanContext, featureSlot: Int, price: CallPrice) {
        guard let requestID = call.requestID else { return }
        remember(
            Entry(
                traceID: context.traceID, spanID: context.spanID, traceFlags: context.traceFlags,
                featureSlot: Int32(truncatingIfNeeded: featureSlot), costNanos: price.nanos),
            hash: KeyHasher.hash(requestID))
    }

    @inline(__always)
    private mutating func remember(_ entry: Entry, hash: UInt64) {
        ring[next] = entry
        hashes[next] = hash == 0 ? 1 : hash
        next += 1
        if next == capacity {
            next = 0
            filled = true
        }
    }

    /// The newest call remembered under `requestID`.
    func entry(for requestID: String) -> Entry? {
        var hash = KeyHasher.hash(requestID)
        if hash == 0 { hash = 1 }
        if let index = hashes[..<next].lastIndex(of: hash) { return ring[index] }
        if filled, let index = hashes[next...].lastIndex(of: hash) { return ring[index] }
        return nil
    }
}
