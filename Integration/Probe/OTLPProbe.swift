import ClaudeTrace

let otlpCommands: [String: ProbeCommand] = [:]
