import DialPlanKit
import Foundation

/// A progress bar on standard error while a simulation runs (calls done, rate, time left): only when standard
/// error is a terminal and the run takes over a second; nothing when it is piped or redirected.
final class ProgressBar: @unchecked Sendable {
    private let label: String
    private let progress = SimulationProgress()
    private let queue = DispatchQueue(label: "dialplan.progress")
    private var timer: DispatchSourceTimer?
    private var drawn = false
    private let start = DispatchTime.now()

    init(_ label: String) {
        self.label = label
    }

    /// Runs `body` with a progress to hand to the simulation, drawing the bar meanwhile.
    static func run<Result>(_ label: String, _ body: (SimulationProgress) throws -> Result) rethrows -> Result {
        let bar = ProgressBar(label)
        bar.begin()
        defer { bar.end() }
        return try body(bar.progress)
    }

    private func begin() {
        guard isatty(STDERR_FILENO) != 0 else { return }
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + 1, repeating: 0.2)
        timer.setEventHandler { [weak self] in self?.draw() }
        timer.resume()
        self.timer = timer
    }

    private func end() {
        guard let timer else { return }
        timer.cancel()
        queue.sync {
            if drawn { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        }
    }

    private func draw() {
        let total = progress.total
        guard total > 0 else { return }
        let done = min(progress.done, total)
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        let rate = Double(done) / max(elapsed, 0.001)
        let width = 30
        let filled = Int(Double(width) * Double(done) / Double(total))
        let left = rate > 0 ? Double(total - done) / rate : 0
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let line = String(format: "\r%@ %@ %@ / %@ calls  %.1f M calls/s  ETA %@\u{1B}[K", label, bar, ProgressBar.grouped(done), ProgressBar.grouped(total), rate / 1e6, ProgressBar.duration(left))
        FileHandle.standardError.write(Data(line.utf8))
        drawn = true
    }

    private static func grouped(_ value: Int) -> String {
        let formatter = NumberFormatter()
        formatter.numberStyle = .decimal
        formatter.groupingSeparator = ","
        return formatter.string(from: NSNumber(value: value)) ?? String(value)
    }

    private static func duration(_ seconds: Double) -> String {
        seconds < 60 ? String(format: "%.0f s", seconds.rounded(.up)) : String(format: "%d min %02d s", Int(seconds) / 60, Int(seconds) % 60)
    }
}
