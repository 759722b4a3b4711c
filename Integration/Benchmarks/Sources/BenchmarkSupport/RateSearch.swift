/// Steps a rate to find the highest one `attempt` passes: from half the ceiling up by a tenth
/// of it until one fails, then once halfway between the last pass and the first failure. If
/// half the ceiling already fails, halves until one passes.
public func stepRates(ceiling: Double, attempt: (Double) async -> Bool) async {
    let step = ceiling / 10
    var rate = ceiling / 2
    if await attempt(rate) {
        while rate < ceiling * 1.5 {
            let next = rate + step
            if await attempt(next) {
                rate = next
            } else {
                _ = await attempt(rate + step / 2)
                return
            }
        }
    } else {
        var failed = rate
        while rate > 500 {
            rate /= 2
            if await attempt(rate) {
                _ = await attempt((rate + failed) / 2)
                return
            }
            failed = rate
        }
    }
}
