import ArgumentParser
import Foundation
import FoveaClassify
import FoveaDistributed
import FoveaReport
import FoveaRun

/// `fovea classify`: focused 3-D classification with fixed alignments, over MPI.
struct ClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Focused 3-D classification of aligned particles (run under mpirun/srun for several ranks).",
        discussion: """
            Classifies particles with fixed angles, shifts and CTF into K classes, comparing each \
            particle with each class only inside the focus region (docs/classify.md):
              --focus none      whole particle within --outer-radius
              --focus 2d        the 3-D region (--sphere or --mask) projected along
                                each view, applied to particle and reference
                                (cisTEM/Frealign "focused")
              --focus 3d        class volumes masked in 3-D before projection
              --focus subtract  density outside the region subtracted from each particle
            With --expand G every particle is classified once per operator of G (pseudo-symmetry \
            expansion); class volumes are then C1.

            The run folder gets class_NNN.mrc (+ half maps), particles.star (RELION 3.1, with \
            rlnClassNumber and every class's occupancy), cisTEM .star and Frealign .par per class, \
            run.h5 (everything), run.json, progress.jsonl, and checkpoint.h5 every \
            --checkpoint-every cycles. SIGTERM or SIGUSR1 stops after the current cycle with a \
            checkpoint and exit code 75; --continue RUN resumes on any number of ranks. \
            Exit codes: 0 finished, 1 failed during the run (disk, MPI), 2 bad input (nothing \
            written), 75 checkpointed by a signal.

            Examples:
              mpirun -np 4 fovea classify --particles run_data.star --classes 4 \\
                  --focus 2d --sphere 210,180,230,30 --sphere-origin corner \\
                  --resolution 10 --outer-radius 120 --expand C2 --cycles 30 \\
                  --output focus_run
              mpirun -np 8 fovea classify --continue focus_run --cycles 50
            """
    )

    @Option(name: [.customLong("particles"), .customShort("i"), .customLong("i", withSingleDash: false)],
            help: ArgumentHelp("Particle table: RELION STAR (3.0/3.1), cisTEM STAR, cryoSPARC .cs or Frealign .par.", valueName: "file"))
    var particles: String?

    @Option(help: ArgumentHelp("Image stack for cisTEM STAR files without stack names and for .par tables.", valueName: "mrcs"))
    var stack: String?

    @Option(name: .customLong("pixel-size"), parsing: .unconditional, help: ArgumentHelp("Å/pixel, for tables that give none (.par, RELION 3.0).", valueName: "Å"))
    var pixelSize: Double?

    @Option(name: .customLong("invert-contrast"),
            help: ArgumentHelp("Negate the images: auto (RELION STAR yes: white protein; cisTEM/.par no), yes or no.",
                               valueName: "auto|yes|no"))
    var invertContrast: String?

    @Option(help: ArgumentHelp("Starting reference: once for all classes or once per class (default: from random occupancies).", valueName: "mrc"))
    var reference: [String] = []

    @Option(name: [.customLong("output"), .customShort("o"), .customLong("o", withSingleDash: false)],
            help: ArgumentHelp("Run folder (created).", valueName: "folder"))
    var output: String?

    @Option(name: .customLong("continue"), help: ArgumentHelp("Continue the run in this folder from its checkpoint.", valueName: "folder"))
    var continueRun: String?

    @Option(help: ArgumentHelp("A simulator's truth.star: print and log kappa every cycle (validation runs).", valueName: "star"))
    var truth: String?

    @Flag(name: .customLong("dry-run"), help: "Print the plan (ranks, threads, particles and memory per rank) and stop.")
    var dryRun = false

    @Flag(help: ArgumentHelp("Read and prepare the particles from disk every cycle instead of keeping them in memory "
                             + "(slower; a rank whose particles do not fit in its memory streams anyway).", valueName: "stream"))
    var stream = false

    @Flag(name: .customLong("relion-job"),
          help: "Also write RELION's run_itNNN_data.star, run_itNNN_classNNN.mrc and RELION_OUTPUT_NODES.star at every checkpoint (docs/relion-external.md).")
    var relionJob = false

    @OptionGroup var method: ClassificationOptions
    @OptionGroup var threadOptions: ThreadOptions

    /// Which options go together (a usage error: exit 64, before MPI starts).
    func validate() throws {
        if continueRun == nil && particles == nil {
            throw ValidationError("give --particles (a STAR or .par table), or --continue <run folder> to resume a run")
        }
        let inputOptions: [(String, Bool)] = [
            ("--particles", particles != nil), ("--stack", stack != nil), ("--pixel-size", pixelSize != nil),
            ("--invert-contrast", invertContrast != nil), ("--reference", !reference.isEmpty), ("--output", output != nil),
        ]
        let given = inputOptions.filter(\.1).map(\.0)
        if continueRun != nil && !given.isEmpty {
            throw ValidationError("--continue takes the inputs and folder from the checkpoint, so "
                                  + given.joined(separator: ", ") + " may not be given with it (only --cycles, --threads, "
                                  + "--checkpoint-every and --stream may change)")
        }
        if continueRun == nil && output == nil { throw ValidationError("give --output <run folder>") }
        if let pixelSize, pixelSize != 0 { try OptionCheck.pixelSize(pixelSize, "--pixel-size") }
        if let invertContrast, !["auto", "yes", "no"].contains(invertContrast) {
            throw ValidationError("--invert-contrast must be auto, yes or no (got '\(invertContrast)')")
        }
    }

    func run() throws {
        MPIEnvironment.initialize()
        let communicator = try MPICommunicator()
        let code = execute(on: communicator)
        MPIEnvironment.finalize()
        if code != 0 { throw ExitCode(code) }
    }

    /// Runs the job and turns errors into messages and exit codes (docs/hpc.md).
    func execute(on communicator: MPICommunicator) -> Int32 {
        let prefix = communicator.size > 1 ? "fovea classify: rank \(communicator.rank): " : "fovea classify: "
        func report(_ error: any Error) {
            FileHandle.standardError.write(Data((prefix + "error: \(ErrorText.describe(error))\n").utf8))
        }
        let request: RunRequest
        do {
            // Every rank reads the same options and files here, before any collective: an error is
            // the same on every rank, so rank 0 reports it and every rank exits 2 (no MPI_Abort).
            request = try makeRequest()
            try MemoryBudget.checkEnvironment(ProcessInfo.processInfo.environment)
            if dryRun {
                try RunPlanPrinter.printPlan(request: request, ranks: communicator.size, isRoot: communicator.isRoot)
                return 0
            }
        } catch {
            if communicator.isRoot { report(error) }
            return RunExitCode.badInput
        }
        do {
            StopSignal.install()
            let run = ClassificationRun(request: request, communicator: communicator) { line in
                FileHandle.standardOutput.write(Data((line + "\n").utf8))
            }
            let relionJob = self.relionJob
            run.afterWrite = { folder in
                try ReportWriter.write(folder: folder)
                if relionJob {
                    try RelionIterationFiles.write(folder: folder)
                    try RelionIterationFiles.writeOutputNodes(folder: folder, relionJobFolder: folder.path)
                }
            }
            switch try run.execute() {
            case .finished: return RunExitCode.finished
            case .checkpointed: return RunExitCode.checkpointed
            }
        } catch RankFailure.elsewhere {
            return RunExitCode.badInput
        } catch RankFailure.here(let error, let everyRank) {
            // The ranks agreed on the failure (preparing the run, or a particle in a cycle): every
            // rank stops on its own, no abort needed.
            if !everyRank || communicator.isRoot { report(error) }
            return RunExitCode.badInput
        } catch let error as TotalsSpillError {
            // The final pass's spill failed (a full disk): every rank agreed and stops on its own;
            // the rank that failed says why. The outputs written before stay.
            if error.path != nil { report(error) }
            return RunExitCode.failed
        } catch let error as ConfigurationError {
            if communicator.isRoot { report(error) }
            return RunExitCode.badInput
        } catch {
            // Failures during the cycles (I/O, MPI): this rank may be alone, so end the whole job
            // (a single process just exits).
            report(error)
            if communicator.size == 1 { return RunExitCode.failed }
            communicator.abort(exitCode: RunExitCode.failed)
        }
    }

    func makeRequest() throws -> RunRequest {
        let threads = threadOptions.resolvedThreads
        if let folder = continueRun {
            let stored = try RunState.read(from: RunFolder(folder).checkpoint)
            let config = try method.configuration(continuing: stored.config, threads: threads)
            return RunRequest(config: config, inputs: stored.inputs, output: folder, continuing: true,
                              commandLine: CommandLine.arguments, truth: truth, streaming: stream, relionJob: relionJob)
        }
        let inversion: Bool? = invertContrast.flatMap { $0 == "auto" ? nil : $0 == "yes" }
        guard let particles else { throw ValidationError("give --particles (a STAR or .par table)") }
        guard let output else { throw ValidationError("give --output <run folder>") }
        let inputs = RunInputPaths(particles: particles, stack: stack, pixelSize: pixelSize ?? 0, references: reference,
                                   mask: method.mask, invertContrast: inversion).absolute(relativeTo: FileManager.default.currentDirectoryPath)
        let config = try method.configuration(threads: threads)
        return RunRequest(config: config, inputs: inputs, output: output, continuing: false,
                          commandLine: CommandLine.arguments, truth: truth, streaming: stream, relionJob: relionJob)
    }
}
