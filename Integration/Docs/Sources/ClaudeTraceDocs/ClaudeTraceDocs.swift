// Nothing to document here: this target exists so that swift-docc-plugin can reach the
// ClaudeTrace targets, which are dependencies of this package (see Package.swift).
import ClaudeTrace
