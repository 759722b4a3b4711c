import Foundation

/// Runs blocking jobs one at a time, in order, on a thread of its own: started by the first job,
/// ended after 5 idle seconds (an exporter that is not used holds no thread).
///
/// Why not a dispatch queue: its jobs wait for a thread of a pool the process shares, and a job
/// that blocks for the length of a request (a collector that never answers) held up other
/// exporters' requests under load.
final class BlockingJobThread: @unchecked Sendable {
    // `@unchecked Sendable`: `jobs` and `running` are only touched while `condition` is locked.
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var running = false

    func run(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        jobs.append(job)
        if running {
            condition.signal()
        } else {
            running = true
            Thread.detachNewThread { [self] in
                Thread.current.name = "ct-otlp-io"
                loop()
            }
        }
        condition.unlock()
    }

    private func loop() {
        condition.lock()
        while true {
            while jobs.isEmpty {
                if !condition.wait(until: Date(timeIntervalSinceNow: 5)) && jobs.isEmpty {
                    running = false
                    condition.unlock()
                    return
                }
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
            condition.lock()
        }
    }
}
