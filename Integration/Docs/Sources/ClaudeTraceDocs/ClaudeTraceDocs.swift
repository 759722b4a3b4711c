// This target lets swift-docc-plugin reach the library's targets, which are dependencies of this
// package (see Package.swift), and holds the catalog's code samples while run.sh checks that
// they compile (Samples.swift, written by extract-samples.py, not committed).
import ClaudeTrace
