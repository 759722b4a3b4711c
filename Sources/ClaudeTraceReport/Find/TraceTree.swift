import ClaudeTrace

/// The spans of one trace arranged as a tree: children under their parents, siblings by
/// start time. A span whose parent is not among the spans (not in the files read, or not
/// exported) is an *orphan* and stands at the top level beside the root.
public struct TraceTree: Hashable, Sendable {
    /// A span and the spans it parents.
    public struct Node: Hashable, Sendable {
        /// The span.
        public var span: SpanData
        /// Sorted by start time (then name, then span id).
        public var children: [Node]
        /// The span names a parent that is missing.
        public var isOrphan: Bool

        package init(span: SpanData, children: [Node] = [], isOrphan: Bool = false) {
            self.span = span
            self.children = children
            self.isOrphan = isOrphan
        }
    }

    /// The trace every span belongs to.
    public let traceID: TraceID
    /// Top-level spans: the root (no parent) and orphans, sorted by start time.
    public let roots: [Node]
    /// Spans in the tree (a span id seen twice counts once: the first copy is kept).
    public let spanCount: Int

    /// Arranges `spans` (all of `traceID`) into a tree.
    public init(traceID: TraceID, spans: [SpanData]) {
        self.traceID = traceID
        var unique: [SpanData] = []
        var indexByID: [SpanID: Int] = [:]
        for span in spans where indexByID[span.context.spanID] == nil {
            indexByID[span.context.spanID] = unique.count
            unique.append(span)
        }
        let order: (Int, Int) -> Bool = { a, b in
            let (x, y) = (unique[a], unique[b])
            return (x.startTimeNanoseconds, x.name, x.context.spanID) < (y.startTimeNanoseconds, y.name, y.context.spanID)
        }
        var children: [Int: [Int]] = [:]
        var tops: [(index: Int, isOrphan: Bool)] = []
        for (index, span) in unique.enumerated() {
            if let parent = span.parentSpanID, let parentIndex = indexByID[parent], parentIndex != index {
                children[parentIndex, default: []].append(index)
            } else {
                tops.append((index, span.parentSpanID != nil))
            }
        }
        for key in children.keys { children[key]!.sort(by: order) }
        tops.sort { order($0.index, $1.index) }

        var visited = Set<Int>()
        // Iterative depth-first build, so a very deep trace cannot overflow the stack.
        func build(_ top: Int, isOrphan: Bool) -> Node {
            var stack: [(index: Int, node: Node, next: Int)] = [(top, Node(span: unique[top], isOrphan: isOrphan), 0)]
            visited.insert(top)
            while true {
                let (index, _, next) = stack[stack.count - 1]
                let kids = children[index] ?? []
                if next < kids.count {
                    stack[stack.count - 1].next += 1
                    let child = kids[next]
                    guard visited.insert(child).inserted else { continue }
                    stack.append((child, Node(span: unique[child]), 0))
                    continue
                }
                let finished = stack.removeLast().node
                if stack.isEmpty { return finished }
                stack[stack.count - 1].node.children.append(finished)
            }
        }
        var roots = tops.map { build($0.index, isOrphan: $0.isOrphan) }
        // Spans in a parent cycle (corrupt data) are reached from no top: show them as orphans.
        for index in unique.indices.sorted(by: order) where !visited.contains(index) {
            roots.append(build(index, isOrphan: true))
        }
        self.roots = roots
        self.spanCount = unique.count
    }

    /// The earliest start among the spans.
    public var startTimeNanoseconds: UInt64 { Self.fold(roots, \.startTimeNanoseconds, min) ?? 0 }
    /// The latest end among the spans.
    public var endTimeNanoseconds: UInt64 { Self.fold(roots, \.endTimeNanoseconds, max) ?? 0 }
    /// From the first start to the last end, seconds.
    public var durationSeconds: Double { Double(endTimeNanoseconds &- startTimeNanoseconds) / 1e9 }

    /// Every span, depth first (parents before children), with its depth (0 at the top level).
    public var flattened: [(depth: Int, node: Node)] {
        var result: [(depth: Int, node: Node)] = []
        var stack = roots.reversed().map { (depth: 0, node: $0) }
        while let entry = stack.popLast() {
            result.append(entry)
            stack.append(contentsOf: entry.node.children.reversed().map { (depth: entry.depth + 1, node: $0) })
        }
        return result
    }

    private static func fold(_ nodes: [Node], _ time: KeyPath<SpanData, UInt64>, _ pick: (UInt64, UInt64) -> UInt64) -> UInt64? {
        var result: UInt64?
        var stack = nodes
        while let node = stack.popLast() {
            let value = node.span[keyPath: time]
            result = result.map { pick($0, value) } ?? value
            stack.append(contentsOf: node.children)
        }
        return result
    }
}
