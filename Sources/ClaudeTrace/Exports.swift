// One `import ClaudeTrace` brings the whole SDK.
@_exported import ClaudeTraceCore
@_exported import ClaudeTraceOTLP
