/// A hash table of small integers (indices into some other storage) whose keys live elsewhere: the caller brings
/// the hash and says whether a stored index is equal to what it looks for. Rows are then deduplicated in place,
/// without building key values. Open addressing with linear probing; `removeAll` clears only the slots used.
struct IndexTable {
    private var hashes: [UInt64]
    /// Index + 1 per slot (0: empty).
    private var slots: [Int32]
    private var used: [Int] = []
    private(set) var count = 0

    init(capacity: Int = 64) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        hashes = [UInt64](repeating: 0, count: size)
        slots = [Int32](repeating: 0, count: size)
    }

    /// The stored index with hash `hash` that `isEqual` accepts, or nil.
    @inline(__always)
    func find(_ hash: UInt64, _ isEqual: (Int32) -> Bool) -> Int32? {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] != 0 {
            if hashes[slot] == hash && isEqual(slots[slot] - 1) { return slots[slot] - 1 }
            slot = (slot + 1) & mask
        }
        return nil
    }

    /// Stores `index` under `hash` (not checked for duplicates).
    @inline(__always)
    mutating func insert(_ hash: UInt64, _ index: Int32) {
        if (count + 1) * 2 > slots.count { grow() }
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        hashes[slot] = hash
        slots[slot] = index + 1
        used.append(slot)
        count += 1
    }

    mutating func removeAll() {
        for slot in used { slots[slot] = 0 }
        used.removeAll(keepingCapacity: true)
        count = 0
    }

    private mutating func grow() {
        let old = (hashes, slots, used)
        hashes = [UInt64](repeating: 0, count: old.0.count * 2)
        slots = [Int32](repeating: 0, count: old.1.count * 2)
        used.removeAll(keepingCapacity: true)
        count = 0
        for slot in old.2 { insert(old.0[slot], old.1[slot] - 1) }
    }
}
