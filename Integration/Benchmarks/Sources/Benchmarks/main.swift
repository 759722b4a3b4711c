import ClaudeTraceCore
#if canImport(Glibc)
import Glibc
#endif

// Benchmarks: our figures beside a floor measured in the same run.
// Usage: benchmarks [--spans N] [--growth N]

func option(_ name: String, default value: Int) -> Int {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count, let parsed = Int(arguments[index + 1]) else { return value }
    return parsed
}

let spans = option("--spans", default: 1_000_000)
if CommandLine.arguments.contains("--unsampled-only") {
    let run = await rootSpans(spans, sampler: .alwaysOff)
    print("W1c \(run.nanosecondsPerSpan) ns/span")
    exit(0)
}
if CommandLine.arguments.contains("--sampled-only") {
    let run = await rootSpans(spans, sampler: .alwaysOn)
    print("W1 \(run.nanosecondsPerSpan) ns/span dropped \(run.dropped)")
    exit(0)
}
let growthSpans = option("--growth", default: 0)
var figures: [Figure] = []

let floor = floorNanoseconds(spans)
figures.append(Figure(workload: "floor: 2 clock reads, ids, 8 values", value: floor, unit: "ns/span"))

let w1 = await rootSpans(spans, sampler: .alwaysOn)
figures.append(Figure(workload: "W1 root span + 8 attributes → batch → discard", value: w1.nanosecondsPerSpan, unit: "ns/span",
                      note: "\(String(format1: w1.nanosecondsPerSpan / floor))× floor, dropped \(w1.dropped), exported \(w1.exported)"))

let w1b = await nestedPairs(spans / 2)
figures.append(Figure(workload: "W1b parent + child (task-local)", value: w1b.nanosecondsPerSpan, unit: "ns/pair",
                      note: "dropped \(w1b.dropped), exported \(w1b.exported)"))

let w1c = await rootSpans(spans, sampler: .alwaysOff)
figures.append(Figure(workload: "W1c unsampled root span + 8 attributes", value: w1c.nanosecondsPerSpan, unit: "ns/span"))

figures.append(Figure(workload: "peak RSS", value: peakResidentMB(), unit: "MB"))

if growthSpans > 0 {
    let growth = await allocationGrowth(growthSpans)
    figures.append(Figure(workload: "resident MB after 1M spans", value: Double(growth.afterOneMillion) / 1_048_576, unit: "MB"))
    figures.append(Figure(workload: "resident MB after \(growthSpans) spans", value: Double(growth.afterAll) / 1_048_576, unit: "MB"))
}

for figure in figures {
    print("\(figure.workload.rightPadded(52)) \(String(format1: figure.value).leftPadded(12)) \(figure.unit.rightPadded(8)) \(figure.note)")
}

extension String {
    init(format1 value: Double) { self = String((value * 10).rounded() / 10) }
    func leftPadded(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
    func rightPadded(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
}
