import ClaudeTrace
import Foundation

extension ReportPricing {
    /// The SDK's pricing table, `ClaudePricing.standard`: the same prices the client records in
    /// `claude.cost.usd` (dated ids, tiers and dated rows included). `anthropic.service_tier`
    /// is honoured; cache writes count at the 5-minute rate, since spans carry no 5m/1h split.
    public static let standard = ReportPricing(table: .standard)

    /// Prices from `table`, e.g. the standard table extended with your own rows.
    public init(table: ClaudePricing) {
        self.init { model, call in
            guard let tokens = call.tokens else { return nil }
            let usage = ClaudeUsage(
                inputTokens: Int(clamping: tokens.input), outputTokens: Int(clamping: tokens.output),
                cacheCreationInputTokens: Int(clamping: tokens.cacheCreation),
                cacheReadInputTokens: Int(clamping: tokens.cacheRead), serviceTier: call.serviceTier)
            let start = Date(timeIntervalSince1970: Double(call.startTimeNanoseconds) / 1e9)
            return table.cost(model: model, usage: usage, at: start)?.picodollars
        }
    }
}
