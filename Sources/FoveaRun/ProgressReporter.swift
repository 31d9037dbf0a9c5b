import Foundation
import FoveaClassify

/// Rank 0's account of a run: one line per cycle on standard output (class fractions soft and
/// hard, % changed, mean LogP, FSC resolution per class, seconds per cycle, ETA) and the same
/// figures as one JSON object per line in `progress.jsonl`.
public final class ProgressReporter {
    private let logPath: String?
    private let print: (String) -> Void
    private var secondsThisSession: [Double] = []
    /// Whether appending to the log failed once already (said once, not every cycle).
    private var logFailed = false

    /// - Parameters:
    ///   - logPath: the JSON-lines file (appended; nil = none).
    ///   - print: where lines go (standard output in the CLI).
    public init(logPath: String?, print: @escaping (String) -> Void) {
        self.logPath = logPath
        self.print = print
    }

    /// The ETA for `remaining` cycles from the mean of this session's cycles.
    public static func eta(secondsPerCycle: [Double], remaining: Int) -> Double? {
        guard !secondsPerCycle.isEmpty else { return nil }
        return secondsPerCycle.reduce(0, +) / Double(secondsPerCycle.count) * Double(max(remaining, 0))
    }

    /// "1 h 02 m", "3 m 05 s", "12 s".
    public static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s >= 3600 { return String(format: "%d h %02d m", s / 3600, (s % 3600) / 60) }
        if s >= 60 { return String(format: "%d m %02d s", s / 60, s % 60) }
        return "\(s) s"
    }

    /// A class's FSC-0.143 resolution in Å with one decimal, or "—" when the class has none (its
    /// FSC never falls below 0.143, or a half set of it is empty: the value is then infinite or
    /// far beyond the box).
    public static func resolutionText(_ resolution: Double) -> String {
        resolution.isFinite && resolution > 0 && resolution < 1e6 ? String(format: "%.1f", resolution) : "—"
    }

    /// The text of the progress line for `report` (cycle limit `cycles`); `kappa` when a truth
    /// was given.
    public static func line(_ report: CycleReport, cycles: Int, eta: Double?, kappa: Double? = nil) -> String {
        let s = report.statistics
        let soft = s.softFractions.map { String(format: "%.1f", $0 * 100) }.joined(separator: " ")
        let hard = s.hardFractions.map { String(format: "%.1f", $0 * 100) }.joined(separator: " ")
        let resolution = report.resolutions.map(resolutionText).joined(separator: " ")
        var text = "cycle \(s.cycle)/\(cycles)  classes % \(soft) (hard \(hard))  changed "
            + String(format: "%.2f", s.changedFraction * 100) + " %  LogP " + String(format: "%.1f", s.meanLogP)
            + "  FSC0.143 Å \(resolution)  " + String(format: "%.2f", report.seconds) + " s/cycle"
        if let kappa { text += String(format: "  kappa %.3f", kappa) }
        if let eta { text += "  ETA " + duration(eta) }
        return text
    }

    /// Reports one cycle; `printing` false only logs it (a chosen start's cycles, printed as they ran).
    public func report(_ report: CycleReport, cycles: Int, kappa: Double? = nil, printing: Bool = true) {
        secondsThisSession.append(report.seconds)
        let eta = Self.eta(secondsPerCycle: secondsThisSession, remaining: cycles - report.statistics.cycle)
        if printing { print(Self.line(report, cycles: cycles, eta: eta, kappa: kappa)) }
        if printing, let indistinct = report.indistinct { print("warning: cycle \(report.statistics.cycle): \(indistinct); not converged") }
        guard let logPath else { return }
        let s = report.statistics
        var record = ProgressRecord(cycle: s.cycle, cycles: cycles, softFractions: s.softFractions, hardFractions: s.hardFractions,
                                    changedFraction: s.changedFraction, meanLogP: s.meanLogP,
                                    resolutionAngstrom: report.resolutions, seconds: report.seconds)
        record.time = ISO8601DateFormatter().string(from: Date())
        record.classAverageChange = s.classAverageChange
        record.etaSeconds = eta
        record.kappa = kappa
        if let indistinct = report.indistinct {
            record.identicalClasses = indistinct.identicalPairs
            record.emptyClasses = indistinct.emptyClasses
        }
        guard let data = try? record.encodedLine() else { return }
        if !FileManager.default.fileExists(atPath: logPath) { FileManager.default.createFile(atPath: logPath, contents: nil) }
        // The log is a record, not the run's state: a failed append (a full disk) is said once and
        // the run goes on (the old `FileHandle.write(_:)` would trap on it).
        if let handle = FileHandle(forWritingAtPath: logPath) {
            defer { try? handle.close() }
            do {
                try handle.seekToEnd()
                try handle.write(contentsOf: data + Data("\n".utf8))
            } catch {
                if !logFailed { print("note: cannot append to \(logPath): \(ErrorText.describe(error))") }
                logFailed = true
            }
        }
    }
}
