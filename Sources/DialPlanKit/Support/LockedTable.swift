import Foundation

/// A table filled lazily from many threads (call verdicts are computed in parallel): a dictionary behind a lock.
final class LockedTable<Key: Hashable, Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var table: [Key: Value] = [:]

    func get(_ key: Key) -> Value? {
        lock.lock()
        defer { lock.unlock() }
        return table[key]
    }

    func set(_ key: Key, _ value: Value) {
        lock.lock()
        table[key] = value
        lock.unlock()
    }
}
