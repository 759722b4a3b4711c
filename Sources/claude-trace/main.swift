import ClaudeTrace
import ClaudeTraceReport

print("claude-trace: coming soon")
