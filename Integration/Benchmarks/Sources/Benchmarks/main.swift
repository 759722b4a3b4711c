import BenchmarkSupport
import ClaudeTraceWorkloads
import Foundation
import SwiftOTelWorkloads

// benchmarks all [--quick] [--json FILE] [--collector URL --collector-log FILE] [--only W1,W3]
//     runs every workload, each in a process of its own (so peak RSS is the workload's), prints
//     the table and writes the figures as JSON.
// benchmarks workload NAME --library claude-trace|swift-otel|floor [--spans N …]
//     runs one workload and prints `RESULT {json}` lines.
// benchmarks report FILE
//     prints the table and targets of a saved run (its JSON) as this build reports them, and
//     writes them back into FILE; the figures themselves are left as they are.

let options = Options(Array(CommandLine.arguments.dropFirst()))


switch CommandLine.arguments.dropFirst().first {
case "workload":
    let name = CommandLine.arguments.count > 2 ? CommandLine.arguments[2] : ""
    let results: [WorkloadResult]
    switch options.string("--library") ?? "claude-trace" {
    case "swift-otel": results = await SwiftOTelBenchmarks.run(name, options: options)
    case "floor": results = await FloorBenchmarks.run(name, options: options)
    default: results = await ClaudeTraceBenchmarks.run(name, options: options)
    }
    for result in results { result.emit() }
case "all":
    let driver = Driver(options: options)
    await driver.runAll()
case "report" where CommandLine.arguments.count > 2:
    do {
        try Report.rerender(CommandLine.arguments[2])
    } catch {
        print("cannot read \(CommandLine.arguments[2]): \(error)")
        exit(1)
    }
default:
    print("usage: benchmarks all [--quick] [--json FILE] [--collector URL --collector-log FILE] [--only W1,W3]")
    print("       benchmarks workload NAME --library claude-trace|swift-otel|floor [--spans N]")
    print("       benchmarks report FILE   (the table and targets of a saved run, rewritten with this build's report)")
    exit(2)
}
