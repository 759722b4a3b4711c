#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A thread of its own that runs a batch processor's background tasks: its worker loop, the
/// exports it starts and the export watchdog.
///
/// Why not the cooperative pool: the pool has one thread per core, and application tasks that
/// end spans in a loop without suspending occupy every one of them. A worker queued behind them
/// does not run until they finish, so the queue overflows however fast the worker would be
/// (8 tasks ending spans on 2 cores dropped 96% of them). An OS thread is scheduled by the
/// kernel alongside the pool's threads and always gets its share. The hot path is unchanged:
/// `end()` still only appends under a lock, and resumes the worker only when it waits for
/// spans (see `BatchSpanProcessor.Engine.Pace`).
final class WorkerThread: TaskExecutor, @unchecked Sendable {
    // `@unchecked Sendable`: `jobs`, `timer`, `stopped` and `idle` are only touched between
    // pthread_mutex_lock/unlock on `mutex`, which lives as long as this object.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var jobs: [UnownedJob] = []
    /// An action to run on the thread at a `CLOCK_MONOTONIC` deadline: one at a time.
    private var timer: (deadline: UInt64, action: @Sendable () -> Void)?
    private var stopped = false
    private var idle = false
    private let name: String
    private let mayBlock: Bool

    /// Starts the thread, named `name` (at most 15 bytes on Linux) for debuggers, `top -H` and
    /// perf. `mayBlock` when the thread is there to wait for exports: an exporter's blocking
    /// call may then run on it instead of hopping to a thread of its own (see
    /// ``DedicatedThread``).
    init(name: String, mayBlock: Bool = false) {
        self.name = name
        self.mayBlock = mayBlock
        pthread_mutex_init(mutex, nil)
        #if canImport(Darwin)
        pthread_cond_init(condition, nil)
        #else
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
        #endif
        let context = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        let created = pthread_create(&thread, nil, { context in
            let executor = Unmanaged<WorkerThread>.fromOpaque(context!).takeRetainedValue()
            executor.nameThread()
            if executor.mayBlock { DedicatedThread.markCurrent() }
            executor.loop()
            return nil
        }, context)
        precondition(created == 0, "could not start the \(name) thread (errno \(created))")
        pthread_detach(thread)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        pthread_mutex_lock(mutex)
        jobs.append(job)
        let wake = idle
        pthread_mutex_unlock(mutex)
        if wake { pthread_cond_signal(condition) }
    }

    /// Runs `action` on the thread once `delay` has passed, replacing any action set before.
    /// Cheaper than a `Task.sleep` raced against a signal in a task group, which took a task
    /// group, two child tasks and a timer on the global executor for every batch.
    func setTimer(after delay: Duration, _ action: @escaping @Sendable () -> Void) {
        let (seconds, attoseconds) = max(delay, .zero).components
        let deadline = MonotonicClock.nanoseconds() &+ UInt64(seconds) &* 1_000_000_000 &+ UInt64(attoseconds / 1_000_000_000)
        pthread_mutex_lock(mutex)
        timer = (deadline, action)
        let wake = idle
        pthread_mutex_unlock(mutex)
        if wake { pthread_cond_signal(condition) }
    }

    /// Lets the thread end once it has run every job queued so far. Call it when nothing will
    /// prefer this executor again (the worker's last action).
    func stop() {
        pthread_mutex_lock(mutex)
        stopped = true
        let wake = idle
        pthread_mutex_unlock(mutex)
        if wake { pthread_cond_signal(condition) }
    }

    /// Names the calling thread. (Glibc's `pthread_setname_np` is not visible to Swift without
    /// `_GNU_SOURCE`; writing the thread's `comm` is what it does.)
    private func nameThread() {
        #if canImport(Darwin)
        pthread_setname_np(name)
        #else
        let file = open("/proc/thread-self/comm", O_WRONLY)
        guard file >= 0 else { return }
        _ = name.utf8CString.withUnsafeBufferPointer { write(file, $0.baseAddress, min($0.count - 1, 15)) }
        _ = close(file)
        #endif
    }

    private func loop() {
        var batch: [UnownedJob] = []
        while true {
            pthread_mutex_lock(mutex)
            var due: (@Sendable () -> Void)?
            while true {
                if let timer, MonotonicClock.nanoseconds() >= timer.deadline {
                    due = timer.action
                    self.timer = nil
                }
                guard due == nil && jobs.isEmpty && !stopped else { break }
                idle = true
                if let deadline = timer?.deadline { wait(until: deadline) } else { pthread_cond_wait(condition, mutex) }
                idle = false
            }
            if due == nil && jobs.isEmpty && stopped {
                timer = nil
                pthread_mutex_unlock(mutex)
                return
            }
            swap(&batch, &jobs)
            pthread_mutex_unlock(mutex)
            due?()
            for job in batch { job.runSynchronously(on: asUnownedTaskExecutor()) }
            batch.removeAll(keepingCapacity: true)
        }
    }

    /// Waits on the condition until signalled or until `deadline` (`CLOCK_MONOTONIC`); the
    /// caller holds the mutex.
    private func wait(until deadline: UInt64) {
        #if canImport(Darwin)
        let remaining = deadline &- min(deadline, MonotonicClock.nanoseconds())
        var interval = timespec(tv_sec: Int(remaining / 1_000_000_000), tv_nsec: Int(remaining % 1_000_000_000))
        pthread_cond_timedwait_relative_np(condition, mutex, &interval)
        #else
        var time = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
        pthread_cond_timedwait(condition, mutex, &time)
        #endif
    }
}

/// Whether the calling thread is one that only waits for exports (a batch processor's send
/// thread), where a blocking call holds up nothing but the export that made it.
package enum DedicatedThread {
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        precondition(pthread_key_create(&key, nil) == 0, "could not create a thread-specific key")
        return key
    }()

    /// True on a thread that may block.
    package static var mayBlock: Bool { pthread_getspecific(key) != nil }

    static func markCurrent() {
        pthread_setspecific(key, UnsafeRawPointer(bitPattern: 1))
    }
}
