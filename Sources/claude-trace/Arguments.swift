/// A command line split into options, flags and positional arguments, against a declared set:
/// an undeclared option is a usage error, not something silently ignored.
struct Arguments {
    var options: [String: String] = [:]
    var flags: Set<String> = []
    var positionals: [String] = []

    /// - Parameters:
    ///   - valued: options that take a value (`--calls 40` or `--calls=40`).
    ///   - flags: options that take none (`--json`).
    init(_ arguments: [String], valued: Set<String>, flags allowedFlags: Set<String>) throws(UsageError) {
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("--"), argument.count > 2 else {
                positionals.append(argument)
                continue
            }
            if argument == "--" {
                positionals += arguments[index...]
                break
            }
            let parts = argument.split(separator: "=", maxSplits: 1).map(String.init)
            let name = parts[0]
            if allowedFlags.contains(name) {
                guard parts.count == 1 else { throw UsageError("\(name) takes no value") }
                flags.insert(name)
            } else if valued.contains(name) {
                if parts.count == 2 {
                    options[name] = parts[1]
                } else {
                    guard index < arguments.count else { throw UsageError("\(name) needs a value") }
                    options[name] = arguments[index]
                    index += 1
                }
            } else {
                throw UsageError("unknown option \(name)")
            }
        }
    }

    /// A whole number option in `range`, or `fallback` when absent.
    func integer(_ name: String, default fallback: Int, in range: ClosedRange<Int> = 1...Int.max) throws(UsageError) -> Int {
        guard let text = options[name] else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw UsageError("\(name) needs a whole number from \(range.lowerBound)\(range.upperBound == .max ? " up" : " to \(range.upperBound)"), not \"\(text)\"")
        }
        return value
    }

    func has(_ flag: String) -> Bool { flags.contains(flag) }
}

/// A mistake in how the tool was called: printed with the command's usage, exit status 2.
struct UsageError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
