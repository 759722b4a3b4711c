import BenchmarkSupport
import Foundation

/// The table and the targets, from the results of one run.
struct Report {
    let results: [WorkloadResult]

    struct Document: Codable {
        var date: String
        var machine: Machine
        var loadAverageAtStart: String
        var loadAverageAtEnd: String
        var command: String
        var results: [WorkloadResult]
        var targets: [Target]
        var table: [String]
    }

    struct Target: Codable {
        var name: String
        var target: String
        var measured: String
        var met: Bool
    }

    /// Rewrites the table and targets of the saved run at `path` with this build's report, and
    /// prints them.
    static func rerender(_ path: String) throws {
        let url = URL(fileURLWithPath: path)
        var document = try JSONDecoder().decode(Document.self, from: Data(contentsOf: url))
        let report = Report(results: document.results)
        let table = report.table()
        document.table = table.split(separator: "\n").map(String.init)
        document.targets = report.targets()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(document).write(to: url)
        print(table)
    }

    func value(_ workload: String, _ library: String, _ metric: String) -> Double? {
        results.last { $0.workload == workload && $0.library == library }?.metrics[metric]
    }

    func ours(_ workload: String, _ metric: String) -> Double? { value(workload, "claude-trace", metric) }

    /// The collector's ceiling over protobuf: the faster of two clients sending the same
    /// pre-encoded 512-span requests back to back, the plain one (`ceiling`) and our exporter
    /// (`ceiling-exporter`), with that run's 99th-percentile request in milliseconds.
    var ceiling: (rate: Double, p99: Double?)? {
        let runs = [value("ceiling", "collector", "accepted_per_second").map { ($0, value("ceiling", "collector", "request_ms_p99")) },
                    ours("ceiling-exporter", "accepted_per_second").map { ($0, ours("ceiling-exporter", "request_ms_p99")) }]
        return runs.compactMap { $0 }.max { $0.0 < $1.0 }.map { (rate: $0.0, p99: $0.1) }
    }

    /// What W2b with the default queue can hold at best: the collector's ceiling, or 2,048 spans
    /// per its 99th-percentile request (while one export is in flight nothing leaves the queue,
    /// so a rate above that overflows it in the slowest hundredth of requests).
    var defaultQueueBound: Double? {
        guard let ceiling else { return nil }
        guard let p99 = ceiling.p99, p99 > 0 else { return ceiling.rate }
        return min(ceiling.rate, 2048 / p99 * 1000)
    }
    func peer(_ workload: String, _ metric: String) -> Double? { value(workload, "swift-otel", metric) }

    // MARK: Table

    struct Row {
        var workload: String
        var figure: String
        var ours: String
        var peer: String
        var comparison: String
    }

    func rows() -> [Row] {
        var rows: [Row] = []
        let floor = value("floor", "floor", "ns_per_span"), nestedFloor = value("floor", "floor", "ns_per_pair")
        func add(_ workload: String, _ figure: String, _ ours: String, _ peer: String = "", _ comparison: String = "") {
            rows.append(Row(workload: workload, figure: figure, ours: ours, peer: peer, comparison: comparison))
        }
        func times(_ a: Double?, over b: Double?, _ suffix: String) -> String {
            guard let a, let b, b > 0 else { return "" }
            return "\(Self.ratio(a / b)) \(suffix)"
        }

        if let floor { add("floor", "ns/span (root)", Self.fixed(floor, 1)) }
        if let nestedFloor { add("floor", "ns/pair (nested)", Self.fixed(nestedFloor, 1)) }

        let w1 = ours("W1", "ns_per_span"), w1Peer = peer("W1", "ns_per_span")
        add("W1 span hot path", "ns/span", Self.opt(w1, 1), Self.opt(w1Peer, 1),
            [times(w1Peer, over: w1, "faster"), times(w1, over: floor, "floor")].filter { !$0.isEmpty }.joined(separator: "; "))
        add("", "dropped of spans", dropped("W1", "dropped", "claude-trace"), dropped("W1", "dropped", "swift-otel"))
        add("", "mallocs/span (all threads)", Self.opt(ours("W1", "mallocs_per_span"), 2), Self.opt(peer("W1", "mallocs_per_span"), 1),
            ours("W1", "mallocs_per_span_producer").map { "producer thread: \(Self.fixed($0, 2))" } ?? "")
        func referenceCounts(_ library: String) -> String {
            guard let retains = value("W1-refcounts", library, "retains_per_span"),
                  let releases = value("W1-refcounts", library, "releases_per_span") else { return "" }
            return "\(Self.fixed(retains, 1)) + \(Self.fixed(releases, 1))"
        }
        add("", "retains + releases/span (producer)", referenceCounts("claude-trace"), referenceCounts("swift-otel"),
            "atomic reference counts, counted")
        add("", "peak RSS MB", Self.opt(ours("W1", "peak_rss_mb"), 0), Self.opt(peer("W1", "peak_rss_mb"), 0))
        if let alone = ours("W1-alone", "ns_per_span") {
            add("", "ns/span with no processor", Self.fixed(alone, 1), "",
                "\(times(alone, over: floor, "floor")); the rest of W1 is the hand-off to the worker")
        }

        let w1b = ours("W1b", "ns_per_pair"), w1bPeer = peer("W1b", "ns_per_pair")
        add("W1b nesting", "ns/pair", Self.opt(w1b, 1), Self.opt(w1bPeer, 1),
            [times(w1bPeer, over: w1b, "faster"), times(w1b, over: nestedFloor, "nested floor")].filter { !$0.isEmpty }.joined(separator: "; "))
        add("", "dropped of spans", dropped("W1b", "dropped", "claude-trace"), dropped("W1b", "dropped", "swift-otel"))
        if let sdt = ours("W1b-sdt", "ns_per_pair") {
            add("W1b through swift-distributed-tracing", "ns/pair", Self.fixed(sdt, 1), Self.opt(w1bPeer, 1),
                [times(w1bPeer, over: sdt, "faster"), times(sdt, over: w1b, "our own API")].filter { !$0.isEmpty }.joined(separator: "; "))
            add("", "dropped of spans", dropped("W1b-sdt", "dropped", "claude-trace"), dropped("W1b", "dropped", "swift-otel"))
            if let api = ours("W1b-sdt", "ns_per_pair_noop_tracer") {
                add("", "ns/pair on NoOpTracer", Self.fixed(api, 1), "", "the API's own cost: no backend at all")
                add("", "ns/pair the backend adds", Self.fixed(sdt - api, 1), Self.opt(w1bPeer.map { $0 - api }, 1),
                    times(w1bPeer.map { $0 - api }, over: sdt - api, "less"))
            }
        }

        let w1c = ours("W1c", "ns_per_span"), w1cPeer = peer("W1c", "ns_per_span")
        add("W1c unsampled", "ns/span", Self.opt(w1c, 1), Self.opt(w1cPeer, 1), times(w1cPeer, over: w1c, "faster"))

        // The shapes users write (issue 22), each against the benchmark's own shape.
        if let set = ours("W1-set", "ns_per_span") {
            add("W1-set setAttributes", "ns/span", Self.fixed(set, 1), Self.opt(w1Peer, 1),
                [times(set, over: w1, "W1"), times(w1Peer, over: set, "faster (swift-otel: its W1, the same shape)")]
                    .filter { !$0.isEmpty }.joined(separator: "; "))
            add("", "dropped of spans", dropped("W1-set", "dropped", "claude-trace"), "")
        }
        if let each = ours("W1-each", "ns_per_span") {
            let eachPeer = peer("W1-each", "ns_per_span")
            add("W1-each 8 assignments", "ns/span", Self.fixed(each, 1), Self.opt(eachPeer, 1),
                [times(each, over: w1, "W1"), times(eachPeer, over: each, "faster")].filter { !$0.isEmpty }.joined(separator: "; "))
            add("", "dropped of spans", dropped("W1-each", "dropped", "claude-trace"), dropped("W1-each", "dropped", "swift-otel"))
        }
        let w1bAsync = ours("W1b-async", "ns_per_pair")
        for (workload, label) in [("W1b-async", "W1b async, nonisolated"), ("W1b-main", "W1b async, main actor"), ("W1b-actor", "W1b async, an actor")] {
            guard let pair = ours(workload, "ns_per_pair") else { continue }
            let pairPeer = peer(workload, "ns_per_pair")
            let versusAsync = workload == "W1b-async" ? "" : times(pair, over: w1bAsync, "W1b-async")
            add(label, "ns/pair", Self.fixed(pair, 1), Self.opt(pairPeer, 1),
                [times(pair, over: w1b, "W1b"), versusAsync, times(pairPeer, over: pair, "faster")].filter { !$0.isEmpty }.joined(separator: "; "))
            add("", "dropped of spans", dropped(workload, "dropped", "claude-trace"), dropped(workload, "dropped", "swift-otel"))
        }

        for (name, label) in [("ceiling", "protobuf"), ("ceiling-json", "JSON")] {
            guard let ceiling = value(name, "collector", "accepted_per_second") else { continue }
            add(name == "ceiling" ? "W2 collector ceiling" : "", "rotel spans/s, \(label), plain client", Self.count(ceiling), "",
                "\(Self.count(value(name, "collector", "accepted") ?? 0)) of \(Self.count(value(name, "collector", "spans") ?? 0)) accepted")
            if let p50 = value(name, "collector", "request_ms_p50"), let p99 = value(name, "collector", "request_ms_p99"),
               let slowest = value(name, "collector", "request_ms_max") {
                // Nothing leaves the queue while a request is in flight: above 2,048 spans per
                // that request's time, more arrive meanwhile than the default queue holds.
                add("", "rotel ms/request: median / p99 / max", "\(Self.fixed(p50, 2)) / \(Self.fixed(p99, 2)) / \(Self.fixed(slowest, 2))", "",
                    "a request as slow as the slowest overflows a 2,048 queue above \(Self.count(2048 / slowest * 1000)) spans/s")
            }
            if name == "ceiling", let exporter = ours("ceiling-exporter", "accepted_per_second") {
                add("", "rotel spans/s, protobuf, our exporter", Self.count(exporter), "",
                    "the same requests, prepared beforehand, by export(prepared:); the faster client is the ceiling")
                if let p50 = ours("ceiling-exporter", "request_ms_p50"), let p99 = ours("ceiling-exporter", "request_ms_p99"),
                   let slowest = ours("ceiling-exporter", "request_ms_max") {
                    add("", "rotel ms/request: median / p99 / max", "\(Self.fixed(p50, 2)) / \(Self.fixed(p99, 2)) / \(Self.fixed(slowest, 2))", "", "")
                }
            }
        }
        let bursts = [("W2a", "W2a burst, queue 262,144"), ("W2a-json", "W2a burst, JSON"), ("W2a-default", "W2a burst, queue 2,048")]
        for (workload, label) in bursts {
            guard ours(workload, "spans") != nil || peer(workload, "spans") != nil else { continue }
            let accepted = ours(workload, "accepted_per_second"), acceptedPeer = peer(workload, "accepted_per_second") ?? peer("W2a", "accepted_per_second")
            let versus = workload == "W2a-json" ? "vs swift-otel protobuf" : "swift-otel"
            add(label, "accepted spans/s", Self.opt(accepted, count: true), workload == "W2a-json" ? "" : Self.opt(acceptedPeer, count: true),
                times(accepted, over: acceptedPeer, versus))
            add("", "dropped: SDK / missing at collector", pipelineDrops(workload, "claude-trace"), pipelineDrops(workload, "swift-otel"))
            add("", "peak RSS MB", Self.opt(ours(workload, "peak_rss_mb"), 0), Self.opt(peer(workload, "peak_rss_mb"), 0))
        }
        if let json = value("W2-json", "swift-otel", "spans") {
            add("W2 swift-otel http/json", "accepted by collector", "", "\(Self.count(value("W2-json", "swift-otel", "accepted") ?? 0)) of \(Self.count(json))",
                "base64 ids: rejected (400)")
        }
        for (workload, ceilingName) in [("W2b", "ceiling"), ("W2b-json", "ceiling-json"), ("W2b-large", "ceiling")] {
            guard ours(workload, "sustained_per_second") != nil || peer(workload, "sustained_per_second") != nil else { continue }
            let ceiling = ceilingName == "ceiling" ? self.ceiling?.rate : value(ceilingName, "collector", "accepted_per_second")
            let sustained = ours(workload, "sustained_per_second"), sustainedPeer = peer(workload, "sustained_per_second")
            let label = ["W2b": "W2b sustained, defaults", "W2b-json": "W2b sustained, JSON", "W2b-large": "W2b sustained, queue 65,536"][workload]!
            var comparison = ceiling.flatMap { c in sustained.map { "\(Self.fixed($0 / c * 100, 0))% of ceiling" } } ?? ""
            if workload == "W2b", let sustained, let bound = defaultQueueBound {
                comparison += "; \(Self.fixed(sustained / bound * 100, 0))% of min(ceiling, 2,048 / p99 request) = \(Self.count(bound))"
            }
            add(label, "spans/s with no loss", Self.opt(sustained, count: true), Self.opt(sustainedPeer, count: true), comparison)
        }

        if let w3 = ours("W3", "mb_per_second") {
            let foundation = value("W3", "foundation", "mb_per_second")
            add("W3 OTLP-JSON encoding", "MB/s", Self.fixed(w3, 0), "", foundation.map { "JSONEncoder \(Self.fixed($0, 1)) MB/s: \(Self.ratio(w3 / $0))" } ?? "")
            add("", "spans/s", Self.opt(ours("W3", "spans_per_second"), count: true), "",
                value("W3", "foundation", "spans_per_second").map { "JSONEncoder \(Self.count($0))" } ?? "")
            if let protobuf = ours("W3-protobuf", "mb_per_second") {
                add("", "protobuf MB/s (for reference)", Self.fixed(protobuf, 0), "",
                    "\(Self.count(ours("W3-protobuf", "spans_per_second") ?? 0)) spans/s")
            }
        }
        if let overhead = ours("W4", "overhead_us_per_call") {
            add("W4 Claude call", "overhead µs/call", Self.fixed(overhead, 2), "",
                "\(Self.fixed(ours("W4", "us_per_call_without") ?? 0, 1)) → \(Self.fixed(ours("W4", "us_per_call_with") ?? 0, 1)) µs/call")
        }
        if let overhead = ours("W4m", "overhead_us_per_call") {
            add("W4m Claude call metrics", "recording ns/call", Self.fixed(ours("W4m", "record_ns_per_call") ?? 0, 0), "",
                "\(Self.fixed(ours("W4m", "histogram_record_ns") ?? 0, 0)) ns/histogram record, \(Self.fixed(ours("W4m", "counter_add_ns") ?? 0, 0)) ns/counter add")
            add("", "calls, with − without µs/call", Self.fixed(overhead, 2), "",
                "\(Self.fixed(ours("W4m", "us_per_call_without") ?? 0, 1)) → \(Self.fixed(ours("W4m", "us_per_call_with") ?? 0, 1)) µs/call (within the calls' noise)")
        }
        if let overhead = ours("W4-main", "overhead_us_per_call") {
            let with = ours("W4-main", "us_per_call_with")
            add("W4-main, main actor", "overhead µs/call", Self.fixed(overhead, 2), "",
                "\(Self.fixed(ours("W4-main", "us_per_call_without") ?? 0, 1)) → \(Self.fixed(with ?? 0, 1)) µs/call; "
                    + [times(overhead, over: ours("W4", "overhead_us_per_call"), "W4's overhead"),
                       times(with, over: ours("W4", "us_per_call_with"), "W4 per call")].joined(separator: ", "))
        }
        if ours("W5", "spans_per_second") != nil || peer("W5", "spans_per_second") != nil {
            let w5 = ours("W5", "spans_per_second"), w5Peer = peer("W5", "spans_per_second")
            add("W5 8 tasks, one processor", "spans/s", Self.opt(w5, count: true), Self.opt(w5Peer, count: true), times(w5, over: w5Peer, "swift-otel"))
            add("", "dropped of spans", dropped("W5", "dropped", "claude-trace"), dropped("W5", "dropped", "swift-otel"))
            // What the worker kept up with while the tasks ran: the spans/s produced, times the
            // share not dropped. Faster producers on 2 busy cores drop a larger share of more.
            func kept(_ library: String) -> Double? {
                guard let rate = value("W5", library, "spans_per_second"), let exported = value("W5", library, "exported"),
                      let spans = value("W5", library, "spans"), spans > 0 else { return nil }
                return rate * exported / spans
            }
            let keptOurs = kept("claude-trace"), keptPeer = kept("swift-otel")
            add("", "spans/s kept (not dropped)", Self.opt(keptOurs, count: true), Self.opt(keptPeer, count: true), times(keptOurs, over: keptPeer, "swift-otel"))
            if let slow = ours("W5", "slow_dropped") {
                add("", "slow exporter: exported / dropped", "\(Self.count(ours("W5", "slow_exported") ?? 0)) / \(Self.count(slow))", "n/a",
                    "exported + dropped = produced")
            }
        }
        return rows
    }

    func dropped(_ workload: String, _ metric: String, _ library: String) -> String {
        guard let dropped = value(workload, library, metric) else { return "" }
        let total = value(workload, library, "spans") ?? 0
        return "\(Self.count(dropped)) of \(Self.count(total))"
    }

    func pipelineDrops(_ workload: String, _ library: String) -> String {
        guard let sdk = value(workload, library, "dropped_sdk") else { return "" }
        return "\(Self.count(sdk)) / \(Self.count(value(workload, library, "missing_at_collector") ?? 0))"
    }

    func table() -> String {
        let header = Row(workload: "workload", figure: "figure", ours: "ClaudeTrace", peer: "swift-otel 1.6.0", comparison: "ratios")
        let all = [header] + rows()
        let widths = [
            all.map(\.workload.count).max()!, all.map(\.figure.count).max()!, all.map(\.ours.count).max()!, all.map(\.peer.count).max()!,
        ]
        var lines = all.map { row in
            [row.workload.padded(widths[0]), row.figure.padded(widths[1]), row.ours.leftPadded(widths[2]), row.peer.leftPadded(widths[3]), row.comparison]
                .joined(separator: "  ")
        }
        lines.insert(String(repeating: "-", count: widths.reduce(8, +) + 20), at: 1)
        lines.append("")
        lines.append("targets:")
        for target in targets() {
            lines.append("  \(target.met ? "met   " : "MISSED") \(target.name.padded(44)) \(target.target.padded(34)) measured \(target.measured)")
        }
        return lines.joined(separator: "\n")
    }

    // MARK: Targets

    func targets() -> [Target] {
        var targets: [Target] = []
        func check(_ name: String, _ target: String, _ measured: Double?, format: (Double) -> String, _ met: (Double) -> Bool) {
            guard let measured else { return }
            targets.append(Target(name: name, target: target, measured: format(measured), met: met(measured)))
        }
        let floor = value("floor", "floor", "ns_per_span"), nestedFloor = value("floor", "floor", "ns_per_pair")
        let w1 = ours("W1", "ns_per_span")
        check("W1 vs floor", "≤ 2.5× floor", w1.flatMap { w in floor.map { w / $0 } }, format: { Self.ratio($0) }) { $0 <= 2.5 }
        check("W1 vs swift-otel", "≥ 50× faster", w1.flatMap { w in peer("W1", "ns_per_span").map { $0 / w } }, format: { Self.ratio($0) }) { $0 >= 50 }
        check("W1 spans dropped (every round)", "0", ours("W1", "dropped_most_in_a_round") ?? ours("W1", "dropped"),
              format: { Self.count($0) }) { $0 == 0 }
        check("W1 mallocs per span (producing thread)", "≤ 2", ours("W1", "mallocs_per_span_producer"), format: { Self.fixed($0, 2) }) { $0 <= 2.005 }
        check("W1b vs nested floor", "≤ 2.5× nested floor",
              ours("W1b", "ns_per_pair").flatMap { w in nestedFloor.map { w / $0 } }, format: { Self.ratio($0) }) { $0 <= 2.5 }
        check("W1b-sdt vs swift-otel's W1b", "≥ 10× faster",
              ours("W1b-sdt", "ns_per_pair").flatMap { w in peer("W1b", "ns_per_pair").map { $0 / w } }, format: { Self.ratio($0) }) { $0 >= 10 }
        if let api = ours("W1b-sdt", "ns_per_pair_noop_tracer") {
            check("W1b-sdt backend cost vs swift-otel's (each less NoOpTracer)", "≥ 10× less",
                  ours("W1b-sdt", "ns_per_pair").flatMap { w in peer("W1b", "ns_per_pair").map { ($0 - api) / (w - api) } },
                  format: { Self.ratio($0) }) { $0 >= 10 }
        }
        check("W1b-sdt spans dropped (every round)", "0", ours("W1b-sdt", "dropped_most_in_a_round") ?? ours("W1b-sdt", "dropped"),
              format: { Self.count($0) }) { $0 == 0 }
        check("W1c unsampled", "< 60 ns/span", ours("W1c", "ns_per_span"), format: { "\(Self.fixed($0, 1)) ns" }) { $0 < 60 }
        if let ours = ours("W2a", "accepted_per_second") {
            check("W2a vs swift-otel", "≥ 10× accepted spans/s", peer("W2a", "accepted_per_second").map { ours / $0 }, format: { Self.ratio($0) }) { $0 >= 10 }
            let lost = (self.ours("W2a", "dropped_sdk") ?? 0) + (self.ours("W2a", "missing_at_collector") ?? 0)
            check("W2a drops", "0 (SDK and collector)", lost, format: { Self.count($0) }) { $0 == 0 }
            check("W2a peak RSS", "< 300 MB", self.ours("W2a", "peak_rss_mb"), format: { "\(Self.fixed($0, 0)) MB" }) { $0 < 300 }
        }
        if let sustained = ours("W2b", "sustained_per_second"), let bound = defaultQueueBound {
            check("W2b sustained, default queue", "≥ 90% of min(ceiling, 2,048/p99)", sustained / bound,
                  format: { "\(Self.fixed($0 * 100, 0))% of \(Self.count(bound))" }) { $0 >= 0.9 }
        }
        if let sustained = ours("W2b-large", "sustained_per_second"), let ceiling = ceiling?.rate {
            check("W2b sustained, queue 65,536", "≥ 80% of the ceiling, no loss", sustained / ceiling,
                  format: { "\(Self.fixed($0 * 100, 0))%" }) { $0 >= 0.8 }
        }
        if let w3 = ours("W3", "mb_per_second") {
            check("W3 encoding", "≥ 600 MB/s", w3, format: { "\(Self.fixed($0, 0)) MB/s" }) { $0 >= 600 }
            check("W3 vs JSONEncoder", "≥ 25×", value("W3", "foundation", "mb_per_second").map { w3 / $0 }, format: { Self.ratio($0) }) { $0 >= 25 }
        }
        check("W4 instrumentation overhead", "< 20 µs/call", ours("W4", "overhead_us_per_call"), format: { "\(Self.fixed($0, 2)) µs" }) { $0 < 20 }
        check("W4m metrics per call", "< 1 µs/call", ours("W4m", "record_ns_per_call").map { $0 / 1000 }, format: { "\(Self.fixed($0, 2)) µs" }) { $0 < 1 }
        // The shapes users write (issue 22), as ratios within the run.
        func ratio(_ workload: String, _ metric: String, over base: String, _ baseMetric: String? = nil) -> Double? {
            guard let a = ours(workload, metric), let b = ours(base, baseMetric ?? metric), b > 0 else { return nil }
            return a / b
        }
        check("W1-set vs W1", "≤ 1.25× W1", ratio("W1-set", "ns_per_span", over: "W1"), format: { Self.ratio($0) }) { $0 <= 1.25 }
        check("W1-each vs W1", "≤ 1.5× W1", ratio("W1-each", "ns_per_span", over: "W1"), format: { Self.ratio($0) }) { $0 <= 1.5 }
        check("W1b-main vs W1b (nonisolated)", "≤ 1.5× W1b", ratio("W1b-main", "ns_per_pair", over: "W1b"), format: { Self.ratio($0) }) { $0 <= 1.5 }
        check("W1b-actor vs W1b", "≤ 1.2× W1b", ratio("W1b-actor", "ns_per_pair", over: "W1b"), format: { Self.ratio($0) }) { $0 <= 1.2 }
        // The instrumentation's overhead, as W4's own target reads: a call from the main actor
        // also pays the runtime's hops into and out of the client's nonisolated `createMessage`,
        // instrumented or not (the table shows the per-call ratio too).
        check("W4-main vs W4 (overhead per call)", "≤ 1.2× W4's overhead", ratio("W4-main", "overhead_us_per_call", over: "W4"),
              format: { Self.ratio($0) }) { $0 <= 1.2 }
        return targets
    }

    // MARK: Formatting

    static func fixed(_ value: Double, _ decimals: Int) -> String { String(format: "%.\(decimals)f", value) }
    static func ratio(_ value: Double) -> String { value >= 10 ? "\(fixed(value, 0))×" : "\(fixed(value, 2))×" }
    static func opt(_ value: Double?, _ decimals: Int) -> String { value.map { fixed($0, decimals) } ?? "" }
    static func opt(_ value: Double?, count: Bool) -> String { value.map { Self.count($0) } ?? "" }

    /// An integer with thousands separators.
    static func count(_ value: Double) -> String {
        let digits = String(Int(value.rounded()))
        var result = ""
        for (index, character) in digits.reversed().enumerated() {
            if index > 0 && index % 3 == 0 && character != "-" { result.append(",") }
            result.append(character)
        }
        return String(result.reversed())
    }

    static func compact(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : fixed(value, 2)
    }
}

extension String {
    func padded(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
    func leftPadded(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
