import Foundation
import Testing
@testable import ClaudeTrace

@Suite("The monitor Telemetry owns")
struct TelemetryMonitorTests {
    /// Telemetry that exports nothing, with a monitor that blocks every call of a user.
    func blockingTelemetry() throws -> Telemetry {
        try Telemetry(
            TelemetryConfiguration(exporters: [.none], environment: EnvironmentReader([:])),
            monitor: ClaudeMonitor(MonitorConfiguration(budget: BudgetConfiguration(perUserDailyLimitUSD: 0))))
    }

    @Test("the monitor is a span processor once, after the others, even when also passed as a processor")
    func registeredOnce() throws {
        let monitor = ClaudeMonitor()
        let telemetry = try Telemetry(
            TelemetryConfiguration(exporters: [.none], processors: [monitor], environment: EnvironmentReader([:])),
            monitor: monitor)
        #expect(telemetry.monitor === monitor)
        #expect(telemetry.provider.processors.count { ($0 as? ClaudeMonitor) === monitor } == 1)
        #expect(telemetry.provider.processors.last as? ClaudeMonitor === monitor)
    }

    @Test("a client given no monitor is gated by the monitor of the telemetry withTelemetry sets, which counts the blocked call")
    func clientUsesCurrentTelemetry() async throws {
        let telemetry = try blockingTelemetry()
        let transport = ScriptedTransport([.message()])
        let client = makeClient(transport)
        let error = await #expect(throws: ClaudeError.self) {
            try await withTelemetry(telemetry) {
                #expect(Telemetry.current === telemetry)
                return try await client.createMessage(simpleRequest(), attribution: .init(userID: "u-1"))
            }
        }
        #expect(error?.category == .budgetExceeded)
        // The reason in plain words, after the category named once.
        let description = try #require(error?.description)
        #expect(description.hasPrefix("claude budget_exceeded: daily limit of user u-1 reached: spent $0.00 of $0.00 on "))
        #expect(description.components(separatedBy: "budget_exceeded").count == 2)
        #expect(transport.requests.isEmpty)
        // The call's span went to the telemetry's provider, and so to its monitor.
        #expect(telemetry.monitor.snapshot().calls.blockedByBudget == 1)
        await telemetry.shutdown()
    }

    @Test("a client's own monitor wins over the current telemetry's")
    func ownMonitorWins() async throws {
        struct AllowAll: ClaudeCallObserver {
            func admit(_ call: ClaudeCallInfo) -> BudgetDecision { .allow }
        }
        let telemetry = try blockingTelemetry()
        let client = makeClient(ScriptedTransport([.message()]), monitor: AllowAll())
        let reply = try await withTelemetry(telemetry) {
            try await client.createMessage(simpleRequest(), attribution: .init(userID: "u-1"))
        }
        #expect(reply.text.isEmpty == false)
        await telemetry.shutdown()
    }
}
