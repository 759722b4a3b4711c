import ClaudeTrace

let claudeCommands: [String: ProbeCommand] = [:]
