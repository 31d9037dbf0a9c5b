import Foundation
import Testing
import FoveaReport
import FoveaRun

/// What the report says about a run's state: finished, stopped at a checkpoint (by a signal, or
/// ended without saying why), running while a live process holds the folder's lock, and from a
/// run.json of an earlier version that recorded the outcome in words only.
@Suite struct ReportStatusTests {
    typealias Session = RunManifestRecord.Session

    static func session(outcome: String? = nil, stopped: Int? = nil, finished: Int? = nil) -> Session {
        var s = Session(commandLine: ["fovea", "classify"], started: "2026-01-01T00:00:00Z")
        s.outcome = outcome; s.stoppedAfterCycle = stopped; s.finishedAfterCycle = finished
        return s
    }

    @Test func statusOverTheSpaceOfEndings() {
        for cycle in [1, 2, 7, 40] {
            let stopped = RunReportData.status(session: Self.session(outcome: "checkpointed after cycle \(cycle) (SIGTERM)", stopped: cycle),
                                               stateCycle: cycle, stateIsFinal: false, lockHeld: false)
            #expect(stopped.text.hasPrefix("stopped at cycle \(cycle) (checkpoint; "))
            // A lock still held (the run writing its last report) does not make it "running".
            #expect(RunReportData.status(session: Self.session(outcome: "checkpointed after cycle \(cycle) (SIGTERM)", stopped: cycle),
                                         stateCycle: cycle, stateIsFinal: false, lockHeld: true) == stopped)
            let older = RunReportData.status(session: Self.session(outcome: "checkpointed after cycle \(cycle) (SIGUSR1)"),
                                             stateCycle: cycle, stateIsFinal: false, lockHeld: false)
            #expect(older.text.hasPrefix("stopped at cycle \(cycle) (checkpoint; "))
            let killed = RunReportData.status(session: Self.session(), stateCycle: cycle, stateIsFinal: false, lockHeld: false)
            #expect(killed.text.hasPrefix("stopped at cycle \(cycle) (checkpoint; the run ended without recording why"))
            #expect(RunReportData.status(session: Self.session(), stateCycle: cycle, stateIsFinal: false, lockHeld: true)
                    == .running(since: "2026-01-01T00:00:00Z"))
            let finished = RunReportData.status(session: Self.session(outcome: "finished (converged) after cycle \(cycle)", finished: cycle),
                                                stateCycle: cycle, stateIsFinal: true, lockHeld: false)
            #expect(finished == .finished(cycle: cycle, outcome: "finished (converged) after cycle \(cycle)"))
        }
        #expect(RunReportData.status(session: nil, stateCycle: nil, stateIsFinal: false, lockHeld: false) == .starting)
    }

    /// A real run folder whose last session stopped with a checkpoint: the page says so.
    @Test func reportOfAStoppedRunSaysStoppedAtItsCycle() throws {
        let folder = try ReportRenderingTests.makeRun()
        try FileManager.default.removeItem(atPath: folder.state)
        try RunManifest.writeEnd(to: folder.manifest, ending: .checkpointed(cycle: 3, signal: "SIGTERM"))
        try ReportWriter.write(folder: folder)
        let html = try String(contentsOfFile: ReportWriter.path(in: folder), encoding: .utf8)
        #expect(html.contains("<b class=\"status\">stopped at cycle 3 (checkpoint; checkpointed after cycle 3 (SIGTERM); "
                              + "continue with fovea classify --continue)</b>"))
        #expect(!html.contains("status\">running"))
    }
}
