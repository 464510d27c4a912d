/// The aliases of one epoch (one dialled alias and every rewrite of it), interned as UTF-8 bytes: the hot path
/// compares, matches and rewrites bytes and hands out small integer ids; `String`s are made only for traces and
/// stored outcomes.
struct AliasArena {
    private(set) var bytes: [UInt8] = []
    private var starts: [Int32] = [0]
    private var hashes: [UInt64] = []
    /// Open addressing over ids + 1 (0 = empty).
    private var slots = [Int32](repeating: 0, count: 64)
    private var usedSlots: [Int] = []

    var count: Int { hashes.count }

    /// Forgets every alias, keeping the storage.
    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        starts.removeAll(keepingCapacity: true)
        starts.append(0)
        hashes.removeAll(keepingCapacity: true)
        for slot in usedSlots { slots[slot] = 0 }
        usedSlots.removeAll(keepingCapacity: true)
    }

    /// The id of `alias`, adding it when new; `isNew` says which.
    @inline(__always)
    mutating func intern(_ alias: UnsafeBufferPointer<UInt8>) -> (id: Int32, isNew: Bool) {
        let hash = AliasArena.hash(alias)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] != 0 {
            let id = Int(slots[slot] - 1)
            if hashes[id] == hash && equals(id, alias) { return (Int32(id), false) }
            slot = (slot + 1) & mask
        }
        let id = Int32(hashes.count)
        hashes.append(hash)
        bytes.append(contentsOf: alias)
        starts.append(Int32(bytes.count))
        slots[slot] = id + 1
        usedSlots.append(slot)
        if hashes.count * 2 > slots.count { grow() }
        return (id, true)
    }

    mutating func intern(_ alias: [UInt8]) -> (id: Int32, isNew: Bool) {
        alias.withUnsafeBufferPointer { intern($0) }
    }

    /// The byte range of alias `id` in `bytes`.
    @inline(__always)
    func range(_ id: Int32) -> Range<Int> { Int(starts[Int(id)])..<Int(starts[Int(id) + 1]) }

    /// Calls `body` with the bytes of alias `id` (valid only inside `body`).
    @inline(__always)
    func withBytes<Result>(_ id: Int32, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        let range = range(id)
        return bytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[range])) }
    }

    /// Alias `id` as text.
    func text(_ id: Int32) -> String {
        withBytes(id) { String(decoding: $0, as: UTF8.self) }
    }

    private func equals(_ id: Int, _ alias: UnsafeBufferPointer<UInt8>) -> Bool {
        let range = range(Int32(id))
        guard range.count == alias.count else { return false }
        return bytes.withUnsafeBufferPointer { stored in
            var index = 0
            while index < alias.count {
                if stored[range.lowerBound + index] != alias[index] { return false }
                index += 1
            }
            return true
        }
    }

    private mutating func grow() {
        slots = [Int32](repeating: 0, count: slots.count * 2)
        usedSlots.removeAll(keepingCapacity: true)
        let mask = slots.count - 1
        for id in hashes.indices {
            var slot = Int(truncatingIfNeeded: hashes[id]) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(id + 1)
            usedSlots.append(slot)
        }
    }

    /// FNV-1a over the bytes, then `finish`'s avalanche.
    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash = mixSeed
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100000001b3 }
        return finish(hash)
    }
}

extension AliasArena {
    /// Whether aliases `a` and `b` are equal but for case (ASCII by bytes, other text by Unicode lower-casing).
    func sameFolded(_ a: Int32, _ b: Int32) -> Bool {
        if a == b { return true }
        let first = range(a)
        let second = range(b)
        let ascii = bytes[first].allSatisfy { $0 < 0x80 } && bytes[second].allSatisfy { $0 < 0x80 }
        if ascii {
            guard first.count == second.count else { return false }
            return zip(bytes[first], bytes[second]).allSatisfy { AliasMatcher.fold($0) == AliasMatcher.fold($1) }
        }
        return text(a).lowercased() == text(b).lowercased()
    }
}
