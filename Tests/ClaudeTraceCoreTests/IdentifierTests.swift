import Testing
@testable import ClaudeTraceCore

@Suite("Identifiers")
struct IdentifierTests {
    @Test("ids print as lowercase hex of the right length and parse back")
    func hexRoundTrip() {
        let generator = RandomIDGenerator()
        for _ in 0..<1000 {
            let trace = generator.makeTraceID(), span = generator.makeSpanID()
            #expect(trace.hexString.count == 32 && span.hexString.count == 16)
            #expect(trace.hexString == trace.hexString.lowercased())
            #expect(TraceID(hexString: trace.hexString) == trace)
            #expect(SpanID(hexString: span.hexString) == span)
        }
        #expect(TraceID(high: 0x0AF7_6519_16CD_43DD, low: 0x8448_EB21_1C80_319C).hexString == "0af7651916cd43dd8448eb211c80319c")
        #expect(SpanID(0x00F0_67AA_0BA9_02B7).bytes == [0x00, 0xF0, 0x67, 0xAA, 0x0B, 0xA9, 0x02, 0xB7])
    }

    @Test("a generator never returns an all-zero id, even when its sequence hits zero")
    func neverZero() {
        // SplitMix64's mix maps 0 to 0: seed so that the first state is 0.
        let generator = RandomIDGenerator(seed: 0 &- 0x9E37_79B9_7F4A_7C15)
        #expect(generator.makeSpanID().isValid)
        let trace = RandomIDGenerator(seed: 0 &- 0x9E37_79B9_7F4A_7C15).makeTraceID()
        #expect(trace.isValid)
    }

    @Test("ids from many threads are unique")
    func unique() async {
        let generator = RandomIDGenerator()
        let ids = await withTaskGroup(of: [SpanID].self) { group in
            for _ in 0..<8 { group.addTask { (0..<10_000).map { _ in generator.makeSpanID() } } }
            return await group.reduce(into: [SpanID]()) { $0 += $1 }
        }
        #expect(Set(ids).count == 80_000)
    }

    @Test("hex parsing rejects uppercase unless allowed, and bad lengths")
    func hexParsing() {
        #expect(SpanID(hexString: "00F067AA0BA902B7") == nil)
        #expect(SpanID(hexString: "00F067AA0BA902B7", allowUppercase: true) == SpanID(0x00F0_67AA_0BA9_02B7))
        #expect(SpanID(hexString: "00f067aa0ba902b") == nil)
        #expect(TraceID(hexString: "xyz") == nil)
    }
}
