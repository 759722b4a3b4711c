import ClaudeTraceCore

/// The spans of one resource, by instrumentation scope: OTLP's `ResourceSpans` before encoding.
/// Both wire encodings nest a batch this way.
struct ResourceGroup {
    let resource: Resource
    var scopes: [ScopeGroup]

    /// `spans` grouped by resource, then scope, keeping the order in which each first appears;
    /// positions are offsets into `spans`. Batches usually hold one resource and a few scopes,
    /// so the last group used is checked first and the rest linearly.
    static func grouping(_ spans: UnsafeBufferPointer<SpanData>) -> [ResourceGroup] {
        var groups: [ResourceGroup] = []
        var lastResource = -1, lastScope = -1
        for position in spans.indices {
            // Spans of one tracer share their resource and scope: a pointer comparison settles
            // most of a batch (full comparisons were a fifth of the encoders' time).
            if position > 0, lastScope >= 0, spans[position].sharesResourceAndScope(with: spans[position - 1]) {
                groups[lastResource].scopes[lastScope].positions.append(position)
                continue
            }
            let resource = spans[position].resource, scope = spans[position].scope
            let resourceIndex: Int
            if lastResource >= 0, groups[lastResource].resource == resource {
                resourceIndex = lastResource
            } else if let found = groups.firstIndex(where: { $0.resource == resource }) {
                resourceIndex = found
                lastScope = -1
            } else {
                groups.append(ResourceGroup(resource: resource, scopes: []))
                resourceIndex = groups.count - 1
                lastScope = -1
            }
            lastResource = resourceIndex
            if lastScope >= 0, lastScope < groups[resourceIndex].scopes.count,
               groups[resourceIndex].scopes[lastScope].scope == scope {
                groups[resourceIndex].scopes[lastScope].positions.append(position)
            } else if let found = groups[resourceIndex].scopes.firstIndex(where: { $0.scope == scope }) {
                groups[resourceIndex].scopes[found].positions.append(position)
                lastScope = found
            } else {
                groups[resourceIndex].scopes.append(ScopeGroup(scope: scope, positions: [position]))
                lastScope = groups[resourceIndex].scopes.count - 1
            }
        }
        return groups
    }
}

/// The spans of one instrumentation scope: OTLP's `ScopeSpans` before encoding.
struct ScopeGroup {
    let scope: InstrumentationScope
    /// Offsets of the scope's spans in the batch, in batch order.
    var positions: [Int]
}
