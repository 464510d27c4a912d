/// A hash table for the simulation's hot path: keys bring their own 64-bit hash (a cheap multiply-xor mix of a few
/// integers), so a lookup costs a few instructions where `Dictionary` would run SipHash over every field.
/// Open addressing with linear probing; it only grows, and `removeAll` keeps the storage.
struct FastTable<Key: Equatable> {
    private var hashes: [UInt64]
    private var keys: [Key?]
    private var values: [Int32]
    private(set) var count = 0
    private var mask: Int

    init(capacity: Int = 64) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        hashes = [UInt64](repeating: 0, count: size)
        keys = [Key?](repeating: nil, count: size)
        values = [Int32](repeating: 0, count: size)
        mask = size - 1
    }

    /// The value stored for `key` (whose hash is `hash`), or nil.
    @inline(__always)
    func value(for key: Key, hash: UInt64) -> Int32? {
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            guard let stored = keys[slot] else { return nil }
            if hashes[slot] == hash && stored == key { return values[slot] }
            slot = (slot + 1) & mask
        }
    }

    /// Stores `value` for a key that is not in the table yet.
    @inline(__always)
    mutating func insert(_ key: Key, hash: UInt64, value: Int32) {
        if (count + 1) * 2 > hashes.count { grow() }
        var slot = Int(truncatingIfNeeded: hash) & mask
        while keys[slot] != nil { slot = (slot + 1) & mask }
        hashes[slot] = hash
        keys[slot] = key
        values[slot] = value
        count += 1
    }

    mutating func removeAll() {
        guard count > 0 else { return }
        for index in keys.indices { keys[index] = nil }
        count = 0
    }

    private mutating func grow() {
        let old = (hashes, keys, values)
        let size = hashes.count * 2
        hashes = [UInt64](repeating: 0, count: size)
        keys = [Key?](repeating: nil, count: size)
        values = [Int32](repeating: 0, count: size)
        mask = size - 1
        count = 0
        for index in old.1.indices {
            if let key = old.1[index] { insert(key, hash: old.0[index], value: old.2[index]) }
        }
    }
}

/// The mix used by `FastTable` keys: FNV-1a's multiply over 32-bit words.
@inline(__always)
func mix(_ hash: inout UInt64, _ value: Int32) {
    hash = (hash ^ UInt64(UInt32(bitPattern: value))) &* 0x100000001b3
}

/// The starting value of a `mix` chain.
let mixSeed: UInt64 = 0xcbf29ce484222325

/// A final avalanche so that low bits (the table slot) depend on every input bit.
@inline(__always)
func finish(_ hash: UInt64) -> UInt64 {
    var value = hash
    value ^= value >> 33
    value = value &* 0xff51afd7ed558ccd
    value ^= value >> 33
    return value
}
