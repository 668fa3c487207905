import Dispatch
import Foundation

/// A small bounded queue from the thread that drains a source result to the task that writes PostgreSQL:
/// reading and writing overlap, and a slow target holds the reader back instead of piling up memory.
///
/// The producer blocks (on its connection's own queue, never the cooperative pool) while `capacity`
/// chunks wait; the consumer is async.
final class ChunkChannel<Element: Sendable>: @unchecked Sendable {
    // @unchecked: `cancelled` is guarded by `lock`; the semaphore and the stream are thread-safe.
    private let slots: DispatchSemaphore
    private let capacity: Int
    private let lock = NSLock()
    private var cancelled = false
    private let stream: AsyncThrowingStream<Element, any Error>
    private let continuation: AsyncThrowingStream<Element, any Error>.Continuation

    init(capacity: Int) {
        self.capacity = capacity
        slots = DispatchSemaphore(value: capacity)
        (stream, continuation) = AsyncThrowingStream.makeStream(of: Element.self)
        // A consumer whose task is cancelled ends the stream: a producer waiting for room must not wait on.
        continuation.onTermination = { [weak self] _ in self?.cancel() }
    }

    /// The chunks in order. If the consuming task is cancelled, iterating throws `CancellationError` instead
    /// of ending as if the producer had finished: a cut-short result never passes for a whole one.
    var chunks: Chunks { Chunks(stream: stream) }

    struct Chunks: AsyncSequence {
        let stream: AsyncThrowingStream<Element, any Error>

        struct AsyncIterator: AsyncIteratorProtocol {
            var base: AsyncThrowingStream<Element, any Error>.AsyncIterator

            mutating func next() async throws -> Element? {
                guard let element = try await base.next() else {
                    try Task.checkCancellation()
                    return nil
                }
                return element
            }
        }

        func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: stream.makeAsyncIterator()) }
    }

    /// Producer: waits for room, then hands the chunk over. Throws once the consumer has given up.
    func send(_ chunk: Element) throws {
        slots.wait()
        try lock.withLock {
            if cancelled { throw CancellationError() }
        }
        continuation.yield(chunk)
    }

    /// Producer: no more chunks (or the read failed).
    func finish(throwing error: (any Error)? = nil) {
        continuation.finish(throwing: error)
    }

    /// Consumer: one chunk is written, its slot is free.
    func consumed() {
        slots.signal()
    }

    /// Consumer: stop; a producer waiting for room wakes up and stops too.
    func cancel() {
        lock.withLock { cancelled = true }
        for _ in 0..<capacity { slots.signal() }
    }
}
