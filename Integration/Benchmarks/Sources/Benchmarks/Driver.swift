import BenchmarkSupport
import Foundation

/// Runs every workload in a process of its own, then prints the table and writes the JSON.
final class Driver {
    let options: Options
    let quick: Bool
    let only: Set<String>?
    var results: [WorkloadResult] = []

    init(options: Options) {
        self.options = options
        quick = options.flag("--quick")
        only = options.string("--only").map { Set($0.split(separator: ",").map(String.init)) }
    }

    struct Step {
        var workload: String
        var library: String
        var arguments: [String] = []
        /// Whether the process runs with the refcount counter preloaded (see `RefCountCounter`).
        var countsReferences = false
    }

    func plan(ceiling: Double?) -> [Step] {
        let spans = quick ? "100000" : "1000000"
        var steps: [Step] = [
            Step(workload: "floor", library: "floor", arguments: ["--spans", spans]),
        ]
        // The span workloads and W3 run in rounds, the two libraries alternating, and each
        // keeps its median run (see `keepMedians`): one run of a million spans is a few seconds
        // of a machine whose speed drifts by half from one minute to the next.
        for _ in 0..<rounds {
            for workload in ["W1", "W1b", "W1c"] {
                steps.append(Step(workload: workload, library: "claude-trace", arguments: ["--spans", spans]))
                steps.append(Step(workload: workload, library: "swift-otel", arguments: ["--spans", spans]))
            }
            // swift-otel's W1b loop with ClaudeTrace as the swift-distributed-tracing backend:
            // its peer figure is swift-otel's W1b.
            steps.append(Step(workload: "W1b-sdt", library: "claude-trace", arguments: ["--spans", spans]))
            steps.append(Step(workload: "W1-alone", library: "claude-trace", arguments: ["--spans", spans]))
            // The shapes users write (issue 22), in the same rounds, so each reads as a ratio to
            // W1 or W1b of the same minute.
            for workload in ["W1-set", "W1-each", "W1b-async", "W1b-main", "W1b-actor"] {
                steps.append(Step(workload: workload, library: "claude-trace", arguments: ["--spans", spans]))
            }
            for workload in ["W4", "W4-main"] {
                steps.append(Step(workload: workload, library: "claude-trace", arguments: ["--calls", quick ? "10000" : "100000"]))
            }
            // W3 too: its best round within one process is steady, but one process in a few
            // runs all its rounds a third slower (not the code: both builds of an A/B do it,
            // at random).
            steps.append(Step(workload: "W3", library: "claude-trace", arguments: quick ? ["--rounds", "20", "--foundation-rounds", "2"] : []))
        }
        // Counted, not timed: the same in every run, so once each, in processes of their own
        // (the counter interposes on every retain and release).
        for library in ["claude-trace", "swift-otel"] {
            steps.append(Step(workload: "W1-refcounts", library: library, countsReferences: true))
        }
        steps.append(Step(workload: "W4m", library: "claude-trace", arguments: ["--calls", quick ? "10000" : "100000"]))
        // swift-otel on the same shapes, once each: its figures are tens of times ours, so
        // the minute's drift does not change what they say. (Its W1 is W1-set's shape already.)
        for workload in ["W1-each", "W1b-async", "W1b-main", "W1b-actor"] {
            steps.append(Step(workload: workload, library: "swift-otel", arguments: ["--spans", spans]))
        }
        steps.append(Step(workload: "W5", library: "claude-trace", arguments: ["--spans", spans]))
        steps.append(Step(workload: "W5", library: "swift-otel", arguments: ["--spans", spans]))
        return steps
    }

    func collectorPlan(ceilings: [String: Double]) -> [Step] {
        let burst = quick ? "50000" : "200000"
        let seconds = quick ? "3" : "10"
        func ceiling(_ name: String) -> String { String(Int(ceilings[name] ?? 50_000)) }
        var steps = [
            Step(workload: "W2a", library: "claude-trace", arguments: ["--spans", burst]),
            Step(workload: "W2a", library: "swift-otel", arguments: ["--spans", burst]),
            Step(workload: "W2a", library: "claude-trace", arguments: ["--spans", burst, "--protocol", "json"]),
            Step(workload: "W2a-default", library: "claude-trace", arguments: ["--spans", burst]),
            Step(workload: "W2a-default", library: "swift-otel", arguments: ["--spans", burst]),
            Step(workload: "W2-json", library: "swift-otel", arguments: ["--spans", "2048"]),
        ]
        // Ours in rounds too, keeping the median: one search is a few ten-second steps, and a
        // bad minute can fail every one of them (in one run both libraries dropped spans at
        // 16,000 a second). swift-otel's search, which ends at a few thousand a second, once.
        let sustained = Step(workload: "W2b", library: "claude-trace", arguments: ["--seconds", seconds, "--ceiling", ceiling("ceiling")])
        steps += [sustained, Step(workload: "W2b", library: "swift-otel", arguments: ["--seconds", seconds, "--ceiling", ceiling("ceiling")])]
        steps += Array(repeating: sustained, count: rounds - 1)
        // With a queue of 65,536 (`OTEL_BSP_MAX_QUEUE_SIZE`), which holds the slowest requests'
        // worth of spans at the ceiling's rate.
        steps.append(Step(workload: "W2b-large", library: "claude-trace",
                          arguments: ["--seconds", seconds, "--ceiling", ceiling("ceiling"), "--queue", "65536"]))
        if options.flag("--w2b-json") {
            steps.append(Step(workload: "W2b", library: "claude-trace",
                              arguments: ["--seconds", seconds, "--ceiling", ceiling("ceiling-json"), "--protocol", "json"]))
        }
        return steps
    }

    /// Rounds of the span workloads (W1, W1b, W1b-sdt, W1c, W1 with no processor and the user
    /// shapes), of W3, of W4 and of our W2b.
    var rounds: Int { quick ? 1 : 3 }

    /// Replaces the results of a workload run in several rounds by its median run (by its
    /// time per span or pair, its MB/s or its sustained rate), noting every round's figure and
    /// drops.
    func keepMedians() {
        var kept: [WorkloadResult] = []
        for result in results {
            let key = (result.workload, result.library)
            guard !kept.contains(where: { ($0.workload, $0.library) == key }) else { continue }
            let runs = results.filter { ($0.workload, $0.library) == key }
            let metric = ["ns_per_span", "ns_per_pair", "mb_per_second", "sustained_per_second", "us_per_call_with"]
                .first { runs[0].metrics[$0] != nil }
            guard runs.count > 1, let metric else {
                kept.append(contentsOf: runs)
                continue
            }
            var median = runs.sorted { $0.metrics[metric, default: 0] < $1.metrics[metric, default: 0] }[runs.count / 2]
            let rounds = runs.map { run in
                Report.compact(run.metrics[metric, default: 0]) + (run.metrics["dropped"].map { " (\(Report.compact($0)) dropped)" } ?? "")
            }
            median.notes.insert("median of \(runs.count) rounds, \(metric): \(rounds.joined(separator: ", "))", at: 0)
            // A drop in any round counts, not only in the median one.
            if let most = runs.compactMap({ $0.metrics["dropped"] }).max() { median.metrics["dropped_most_in_a_round"] = most }
            kept.append(median)
        }
        results = kept
    }

    func wanted(_ step: Step) -> Bool {
        guard let only else { return true }
        return only.contains(step.workload) || only.contains("\(step.workload):\(step.library)")
    }

    func runAll() async {
        let machine = Machine.describe(swiftVersion: options.string("--swift-version"))
        let startLoad = Machine.loadAverage()
        let started = Date()
        for step in plan(ceiling: nil) where wanted(step) { await execute(step) }
        if let collectorArguments = collectorArguments() {
            var ceilings: [String: Double] = [:]
            if wanted(Step(workload: "ceiling", library: "collector")) || only?.contains(where: { $0.hasPrefix("W2") }) == true {
                for (name, wire) in [("ceiling", "protobuf"), ("ceiling-json", "json")] {
                    await execute(Step(workload: "ceiling", library: "claude-trace",
                                       arguments: collectorArguments + ["--batches", quick ? "200" : "5000", "--protocol", wire]))
                    ceilings[name] = results.last(where: { $0.workload == name })?.metrics["accepted_per_second"]
                    guard name == "ceiling" else { continue }
                    // The same requests sent by our exporter: the faster of the two is the ceiling.
                    await execute(Step(workload: "ceiling-exporter", library: "claude-trace",
                                       arguments: collectorArguments + ["--batches", quick ? "200" : "5000"]))
                    let exporter = results.last(where: { $0.workload == "ceiling-exporter" })?.metrics["accepted_per_second"]
                    ceilings[name] = max(ceilings[name] ?? 0, exporter ?? 0)
                }
            }
            for var step in collectorPlan(ceilings: ceilings) where wanted(step) {
                step.arguments += collectorArguments
                await execute(step)
            }
        } else {
            log("no collector given (--collector, --collector-log): W2 skipped")
        }
        keepMedians()
        let report = Report(results: results)
        let table = report.table()
        print("")
        print(machine.summary)
        print("load average: \(startLoad) at start, \(Machine.loadAverage()) at end")
        print("")
        print(table)
        if let path = options.string("--json") {
            let document = Report.Document(
                date: ISO8601DateFormatter().string(from: started), machine: machine,
                loadAverageAtStart: startLoad, loadAverageAtEnd: Machine.loadAverage(),
                command: options.arguments.joined(separator: " "), results: results, targets: report.targets(),
                table: table.split(separator: "\n").map(String.init))
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            do {
                try encoder.encode(document).write(to: URL(fileURLWithPath: path))
                print("\nfigures written to \(path)")
            } catch {
                log("could not write \(path): \(error)")
            }
        }
    }

    func collectorArguments() -> [String]? {
        guard let endpoint = options.string("--collector"), let logPath = options.string("--collector-log") else { return nil }
        return ["--collector", endpoint, "--collector-log", logPath]
    }

    func execute(_ step: Step) async {
        log("running \(step.workload) on \(step.library) …")
        let start = monotonicNanoseconds()
        let produced = await Self.spawn(["workload", step.workload, "--library", step.library] + step.arguments,
                                        countingReferences: step.countsReferences)
        for result in produced {
            results.append(result)
            let figures = result.metrics.sorted { $0.key < $1.key }.map { "\($0.key)=\(Report.compact($0.value))" }
            log("  \(result.workload) \(result.library): \(figures.joined(separator: " "))")
            for note in result.notes { log("    \(note)") }
        }
        if produced.isEmpty { log("  \(step.workload) on \(step.library) produced no result") }
        log(String(format: "  (%.1f s)", seconds(from: start, to: monotonicNanoseconds())))
    }

    /// Runs this executable with `arguments` and returns the results it printed; with the
    /// refcount counter preloaded when `countingReferences` and it was built.
    static func spawn(_ arguments: [String], countingReferences: Bool = false) async -> [WorkloadResult] {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return await onDedicatedThread {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            if countingReferences, let (name, value) = RefCountCounter.preload(besides: executable) {
                process.environment = ProcessInfo.processInfo.environment.merging([name: value]) { $1 }
            }
            let output = Pipe()
            process.standardOutput = output
            do {
                try process.run()
            } catch {
                return []
            }
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap(WorkloadResult.parse(line:))
        }
    }

    func log(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}

/// The machine the figures were taken on.
struct Machine: Codable {
    var cpu: String
    var cores: Int
    var memoryGB: Double
    var kernel: String
    var swift: String?

    var summary: String {
        "machine: \(cpu), \(cores) cores, \(String(format: "%.0f", memoryGB)) GB, Linux \(kernel)" + (swift.map { ", \($0)" } ?? "")
    }

    static func describe(swiftVersion: String?) -> Machine {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }?
            .split(separator: ":", maxSplits: 1).last?.trimmingCharacters(in: .whitespaces) ?? "unknown"
        let meminfo = (try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8)) ?? ""
        let kilobytes = meminfo.split(separator: "\n").first { $0.hasPrefix("MemTotal") }?
            .split(separator: " ").compactMap { Double($0) }.first ?? 0
        let kernel = ((try? String(contentsOfFile: "/proc/sys/kernel/osrelease", encoding: .utf8)) ?? "")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return Machine(cpu: model, cores: ProcessInfo.processInfo.activeProcessorCount, memoryGB: kilobytes / 1_048_576,
                       kernel: kernel, swift: swiftVersion)
    }

    static func loadAverage() -> String {
        ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "")
            .split(separator: " ").prefix(3).joined(separator: " ")
    }
}
