/// Receives what the search does, as it does it. The search is written once, generic over its recorder: `check`,
/// `matrix`, `diff` and `test` run it with `NoTrace`, whose methods are empty and inlined away, and `trace` runs
/// the very same code with an `EventLog`. A reference type, so that recording needs no mutable access to the
/// engine while the engine is in the middle of a mutating search.
protocol TraceRecorder: AnyObject {
    /// Whether events are wanted. When false the engine answers repeated questions from its caches; a recording
    /// engine asks every question afresh so that every step is seen (the answers are the same: caches only
    /// remember what the search computed).
    static var isRecording: Bool { get }
    func record(_ event: @autoclosure () -> TraceEvent)
    /// The events recorded from here on are nested one level deeper (inside a cluster search, a zone query, …).
    func enter()
    func leave()
}

/// The recorder of the fast path: records nothing, costs nothing.
final class NoTrace: TraceRecorder {
    static var isRecording: Bool { false }
    @inline(__always) func record(_ event: @autoclosure () -> TraceEvent) {}
    @inline(__always) func enter() {}
    @inline(__always) func leave() {}
}

/// The recorder of `dialplan trace`: every event with its nesting depth.
final class EventLog: TraceRecorder {
    static var isRecording: Bool { true }
    private(set) var events: [TracedEvent] = []
    private var depth = 0

    func record(_ event: @autoclosure () -> TraceEvent) { events.append(TracedEvent(depth: depth, event: event())) }
    func enter() { depth += 1 }
    func leave() { depth -= 1 }
}

/// An event and how deeply it is nested (0 for the call itself, +1 inside each cluster search, zone query and
/// Pexip decision).
public struct TracedEvent: Sendable, Hashable {
    public var depth: Int
    public var event: TraceEvent
}
