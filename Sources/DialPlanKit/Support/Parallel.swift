import Foundation
import Synchronization

/// Runs work on every core, on threads of our own: `DispatchQueue.concurrentPerform` may run its iterations on
/// fewer threads than asked (seen here: both iterations of a two-core run on one thread, at half the speed), and
/// the simulation's workers each hold a whole engine, so each must have a thread.
enum Parallel {
    /// Calls `body(worker)` for `workers` workers at once, each on its own thread (the last on the calling
    /// thread), and returns when all have.
    static func run(workers: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let count = max(1, workers)
        guard count > 1 else { return body(0) }
        let group = DispatchGroup()
        for worker in 0..<(count - 1) {
            group.enter()
            let thread = Thread {
                body(worker)
                group.leave()
            }
            // Searches recurse through clusters; give them the main thread's room.
            thread.stackSize = 8 << 20
            thread.start()
        }
        body(count - 1)
        group.wait()
    }
}

/// Hands out work items 0, 1, 2, … to whichever worker asks next.
final class WorkQueue: Sendable {
    private let next = Atomic<Int>(0)

    /// The next item.
    func take() -> Int { next.wrappingAdd(1, ordering: .relaxed).oldValue }
}

/// A sum that workers add to.
final class Counter: Sendable {
    private let total = Atomic<Int>(0)

    func add(_ value: Int) { total.wrappingAdd(value, ordering: .relaxed) }
    var value: Int { total.load(ordering: .relaxed) }
}
