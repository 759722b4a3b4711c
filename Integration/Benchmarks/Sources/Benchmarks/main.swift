import BenchmarkSupport
import ClaudeTraceWorkloads
import Foundation
import SwiftOTelWorkloads

// benchmarks all [--quick] [--json FILE] [--collector URL --collector-log FILE] [--only W1,W3]
//     runs every workload, each in a process of its own (so peak RSS is the workload's), prints
//     the table and writes the figures as JSON.
// benchmarks workload NAME --library claude-trace|swift-otel|floor [--spans N …]
//     runs one workload and prints `RESULT {json}` lines.

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
default:
    print("usage: benchmarks all [--quick] [--json FILE] [--collector URL --collector-log FILE] [--only W1,W3]")
    print("       benchmarks workload NAME --library claude-trace|swift-otel|floor [--spans N]")
    exit(2)
}
