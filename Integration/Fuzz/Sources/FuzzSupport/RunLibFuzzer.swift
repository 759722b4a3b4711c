#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LibFuzzerDriver

/// Runs libFuzzer on `test` with the process's arguments and exits with its status.
///
/// SwiftPM links an executable with its `main` pointing at the Swift module's entry point (so
/// tests could link the module), which takes the place of libFuzzer's own `main`; each target's
/// `main.swift` therefore starts libFuzzer's driver itself.
public func runLibFuzzer(_ test: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> Never {
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv, test))
}
