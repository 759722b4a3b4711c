import Synchronization
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
/// `end()` still only appends under a lock and, once per batch, resumes the worker.
final class WorkerThread: TaskExecutor, @unchecked Sendable {
    // `@unchecked Sendable`: `jobs` and `stopped` are only touched between
    // pthread_mutex_lock/unlock on `mutex`, which lives as long as this object.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var jobs: [UnownedJob] = []
    private var stopped = false
    private var idle = false
    /// Jobs enqueued so far: lets the thread poll for work briefly before it sleeps.
    private let enqueued = Atomic(0)

    /// How long the thread polls for a next job before it sleeps on the condition variable.
    /// While spans flow, the worker's next job (a batch filled, an export done) usually comes
    /// within this time, and a sleep and wake-up (two futex calls, and a thread scheduled in on
    /// a VM) cost more than the poll.
    static let pollBeforeSleeping: Duration = .microseconds(50)

    /// Starts the thread.
    init(name: String) {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
        let context = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        let created = pthread_create(&thread, nil, { context in
            let executor = Unmanaged<WorkerThread>.fromOpaque(context!).takeRetainedValue()
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
        enqueued.add(1, ordering: .releasing)
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

    private func loop() {
        var batch: [UnownedJob] = []
        var seen = 0
        while true {
            seen = pollForJobs(after: seen)
            pthread_mutex_lock(mutex)
            while jobs.isEmpty && !stopped {
                idle = true
                pthread_cond_wait(condition, mutex)
                idle = false
            }
            if jobs.isEmpty && stopped {
                pthread_mutex_unlock(mutex)
                return
            }
            swap(&batch, &jobs)
            pthread_mutex_unlock(mutex)
            for job in batch { job.runSynchronously(on: asUnownedTaskExecutor()) }
            batch.removeAll(keepingCapacity: true)
        }
    }

    /// Polls for at most ``pollBeforeSleeping`` until a job is enqueued after the `seen`th;
    /// returns the count seen last.
    private func pollForJobs(after seen: Int) -> Int {
        var current = enqueued.load(ordering: .acquiring)
        guard current == seen else { return current }
        let clock = ContinuousClock()
        let end = clock.now + Self.pollBeforeSleeping
        repeat {
            for _ in 0..<64 { current = enqueued.load(ordering: .acquiring) }
            if current != seen { return current }
        } while clock.now < end
        return current
    }
}
