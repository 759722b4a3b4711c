/// Steps a rate to find the highest one `attempt` passes: from half the ceiling up by a tenth
/// of it until one fails (or halving until one passes, if half the ceiling already fails), then
/// bisects three times between the highest pass and the lowest failure, which pins the rate to
/// an eighth of that interval (a single halfway step left W2b landing near one of two values).
public func stepRates(ceiling: Double, attempt: (Double) async -> Bool) async {
    let step = ceiling / 10
    var passed = ceiling / 2
    var failed: Double
    if await attempt(passed) {
        failed = passed + step
        while await attempt(failed) {
            passed = failed
            guard passed < ceiling * 1.5 else { return }
            failed = passed + step
        }
    } else {
        failed = passed
        repeat {
            passed /= 2
            guard passed > 500 else { return }
            if await attempt(passed) { break }
            failed = passed
        } while true
    }
    for _ in 0..<3 {
        let middle = (passed + failed) / 2
        if await attempt(middle) { passed = middle } else { failed = middle }
    }
}
