import ClaudeTrace

/// The demo's traffic: a help-desk app whose users call Claude from several features, plain
/// and streaming, each call under the request span of the app's own handler.
struct DemoWorkload {
    static let users = ["u-ada", "u-grace", "u-alan", "u-edsger", "u-barbara", "u-ken"]
    static let features = ["ticket-summary", "reply-draft", "code-review", "search-answer", "translation"]
    static let models = ["claude-sonnet-4-6", "claude-haiku-4-5", "claude-opus-4-6"]
    /// The user whose long prompts run into the per-user daily budget.
    static let heavyUser = "u-heavy"

    struct Call: Sendable {
        var user: String
        var feature: String
        var model: String
        var streaming: Bool
        var prompt: String
        /// A failure the simulated Claude answers this call with (never in live mode).
        var failure: (failure: SimulatedFailure, times: Int, label: String)?
    }

    /// `count` ordinary calls chosen by a generator seeded with `seed`.
    static func ordinaryCalls(count: Int, seed: UInt64) -> [Call] {
        var random = SeededRandom(seed: seed)
        return (0..<count).map { index in
            let feature = features[random.below(features.count)]
            let sentences = 2 + random.below(feature == "code-review" ? 40 : 12)
            return Call(
                user: users[random.below(users.count)], feature: feature,
                model: models[random.below(10) < 6 ? 0 : random.below(models.count)],
                streaming: random.below(3) == 0,
                prompt: "Request \(index) for \(feature): " + String(repeating: "The customer reports that the export stalls after the second page. ", count: sentences))
        }
    }

    /// The calls that show the failure cases: a 429 retried to success, a 529 that outlasts the
    /// retries, a prompt too long for the context window.
    static let failureCalls: [Call] = [
        Call(user: "u-grace", feature: "reply-draft", model: "claude-haiku-4-5", streaming: false,
             prompt: "Draft a reply about the delayed refund.", failure: (.rateLimited(), 1, "429 then a retry that succeeds")),
        Call(user: "u-alan", feature: "search-answer", model: "claude-opus-4-6", streaming: true,
             prompt: "Which plan includes SSO?", failure: (.overloaded, 3, "529 on every attempt")),
        Call(user: "u-ken", feature: "code-review", model: "claude-sonnet-4-6", streaming: false,
             prompt: "Review this diff: " + String(repeating: "- let x = compute()\n", count: 40),
             failure: (.contextTooLong, 1, "prompt too long")),
    ]

    /// Calls by one user with long prompts on the dearest model, until the per-user budget
    /// blocks one (at most `limit`).
    static func budgetCalls(limit: Int) -> [Call] {
        (0..<limit).map { index in
            Call(user: heavyUser, feature: "code-review", model: "claude-opus-4-6", streaming: false,
                 prompt: "Audit module \(index): " + String(repeating: "func handle(_ request: Request) async throws -> Response { … } ", count: 400))
        }
    }
}

/// The deterministic generator that makes `--seed` reproduce a run.
extension SeededRandom {
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
