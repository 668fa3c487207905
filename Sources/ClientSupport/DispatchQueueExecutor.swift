import Dispatch

/// A serial executor backed by a private dispatch queue.
///
/// An actor that returns this executor from `unownedExecutor` runs every isolated method on the queue's
/// thread, so its blocking C calls never occupy Swift's cooperative pool (one thread per core: two here).
/// This is GRDB's `DispatchQueueActor` pattern.
public final class DispatchQueueExecutor: SerialExecutor, @unchecked Sendable {
    // @unchecked: the only state is an immutable reference to a serial queue, which is thread-safe.
    private let queue: DispatchQueue

    public init(label: String) {
        queue = DispatchQueue(label: label)
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedSerialExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }

    public func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }
}
