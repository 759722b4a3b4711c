import Testing
@testable import ClaudeTraceCore

@Suite("W3C Trace Context")
struct PropagationTests {
    let valid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

    @Test("a valid traceparent is extracted as a remote, sampled context; header names are case-insensitive")
    func extractsValid() throws {
        let context = try #require(TraceContextPropagator.extract(from: ["TraceParent": valid, "TRACESTATE": "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7"]))
        #expect(context.traceID.hexString == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(context.spanID.hexString == "00f067aa0ba902b7")
        #expect(context.isSampled && context.isRemote)
        #expect(context.traceState["rojo"] == "00f067aa0ba902b7")
    }

    @Test("inject writes traceparent, and tracestate only when it is not empty")
    func injects() throws {
        let context = try #require(TraceContextPropagator.extract(from: ["traceparent": valid]))
        var headers: [String: String] = [:]
        TraceContextPropagator.inject(context, into: &headers)
        #expect(headers == ["traceparent": valid])
        let withState = SpanContext(traceID: context.traceID, spanID: context.spanID, traceFlags: .sampled, traceState: TraceState(headerValue: "a=1")!)
        TraceContextPropagator.inject(withState, into: &headers)
        #expect(headers["tracestate"] == "a=1")
    }

    @Test("malformed traceparent headers are ignored", arguments: [
        "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x",          // higher version, no dash after flags
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",           // version ff
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",     // extra field on version 00
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",           // zero trace id
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",           // zero parent id
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",           // uppercase hex
        "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",            // short trace id
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b-01",            // short span id
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1",            // short flags
        "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",           // wrong separators
        "0g-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",           // non-hex version
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g",           // non-hex flags
        "",
    ])
    func rejectsMalformed(_ header: String) {
        #expect(TraceContextPropagator.extract(from: ["traceparent": header, "tracestate": "a=1"]) == nil)
    }

    @Test("a higher version is parsed by its first four fields and unknown flags are cleared")
    func futureVersion() throws {
        let context = try #require(TraceContextPropagator.extract(from: ["traceparent": "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-ff-what-the-future-holds"]))
        #expect(context.traceFlags == [.sampled, .random])
        #expect(TraceContextPropagator.traceparent(for: context).hasPrefix("00-"))
    }

    @Test("tracestate: new keys go left, more than 32 drops the rightmost, invalid members reject the header")
    func traceState() throws {
        var state = try #require(TraceState(headerValue: " a=1 , ,b=2"))
        #expect(state.headerValue == "a=1,b=2")
        state = try #require(state.setting("b", to: "3"))
        #expect(state.headerValue == "b=3,a=1")
        #expect(state.setting("Bad", to: "x") == nil)
        #expect(state.setting("k", to: "has,comma") == nil)
        #expect(state.setting("tenant@sys", to: "v")?["tenant@sys"] == "v")
        var full = TraceState()
        for index in 0..<33 { full = full.setting("k\(index)", to: "v")! }
        #expect(full.entries.count == 32 && full["k0"] == nil && full["k32"] == "v")
        #expect(TraceState(headerValue: "a=1,a=2") == nil)
        #expect(TraceState(headerValue: "a=1,nokey") == nil)
    }

    @Test("a tracestate of 100,000 members is refused at the 33rd, in linear time")
    func hugeTraceState() {
        let members = (0..<100_000).map { "k\($0)=v" }.joined(separator: ",")
        #expect(TraceState(headerValue: members) == nil)
        let thirtyTwo = (0..<32).map { "k\($0)=v" }.joined(separator: ",")
        #expect(TraceState(headerValue: thirtyTwo)?.entries.count == 32)
        #expect(TraceState(headerValue: thirtyTwo + ",k32=v") == nil)
    }

    @Test("traceparent values of any length, cut anywhere or with non-ASCII bytes, are refused without a trap")
    func hostileTraceparent() {
        let valid = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
        for length in 0..<valid.utf8.count { #expect(TraceContextPropagator.parseTraceparent(String(valid.prefix(length))) == nil) }
        #expect(TraceContextPropagator.parseTraceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-é") == nil)
        #expect(TraceContextPropagator.parseTraceparent("01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" + String(repeating: "-x", count: 50_000)) != nil)
    }
}

@Suite("Resource")
struct ResourceTests {
    @Test("the default resource names the service after the process and carries our own SDK name")
    func defaults() {
        let resource = Resource.detect(environment: EnvironmentReader([:]))
        #expect(resource.attributes["service.name"]?.stringValue?.hasPrefix("unknown_service") == true)
        #expect(resource.attributes["telemetry.sdk.name"] == "claude-trace")
        #expect(resource.attributes["telemetry.sdk.language"] == "swift")
    }

    @Test("precedence: defaults < OTEL_RESOURCE_ATTRIBUTES < OTEL_SERVICE_NAME < code")
    func precedence() {
        let environment = EnvironmentReader([
            "OTEL_RESOURCE_ATTRIBUTES": "service.name=from-attributes,deployment.environment=prod%2Ceu,team=a%3Db",
            "OTEL_SERVICE_NAME": "from-service-name",
        ])
        let resource = Resource.detect(environment: environment)
        #expect(resource.attributes["service.name"] == "from-service-name")
        #expect(resource.attributes["deployment.environment"] == "prod,eu")
        #expect(resource.attributes["team"] == "a=b")
        let coded = Resource.detect(code: Resource(attributes: ["service.name": "from-code"]), environment: environment)
        #expect(coded.attributes["service.name"] == "from-code")
    }

    @Test("a malformed OTEL_RESOURCE_ATTRIBUTES is dropped whole")
    func malformedAttributes() {
        let resource = Resource.detect(environment: EnvironmentReader(["OTEL_RESOURCE_ATTRIBUTES": "good=1,bad%ZZ=2"]))
        #expect(resource.attributes["good"] == nil)
    }
}
