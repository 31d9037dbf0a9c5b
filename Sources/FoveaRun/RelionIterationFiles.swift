import Foundation
import FoveaIO

/// Files in RELION's names for a run that works as a RELION job (`fovea classify --relion-job`,
/// run by scripts/relion_external_fovea.sh as an External job): after each checkpoint and at the
/// end, `run_itNNN_data.star` (the particles with their current classes, as `particles.star`) and
/// `run_itNNN_classNNN.mrc` (the class maps), so RELION's display, Subset selection and ChimeraX
/// can follow a running job; at the end `RELION_OUTPUT_NODES.star`, which the pipeliner reads to
/// add the job's outputs.
public enum RelionIterationFiles {
    /// RELION 3.1 pipeline node types (RELION's pipeline_jobs.h: NODE_PART_DATA, NODE_3DREF).
    public static let particleDataNodeType = 3
    public static let mapNodeType = 6

    /// Files RELION's pipeliner and GUI put in a job folder before (or while) the job runs: a run
    /// with `--relion-job` may start in a folder holding only these.
    public static func isRelionJobFile(_ name: String) -> Bool {
        ["job.star", "job_pipeline.star", "note.txt", "run.out", "run.err", "run.job", "default_pipeline.star"].contains(name)
            || name.hasPrefix("RELION_JOB_") || name.hasPrefix(".gui_")
    }

    public static func dataStar(in folder: RunFolder, cycle: Int) -> String {
        folder.path + String(format: "/run_it%03d_data.star", cycle)
    }

    public static func classMap(in folder: RunFolder, cycle: Int, classIndex k: Int) -> String {
        folder.path + String(format: "/run_it%03d_class%03d.mrc", cycle, k + 1)
    }

    /// Writes the iteration files of the state in `folder`'s checkpoint; returns their paths.
    @discardableResult
    public static func write(folder: RunFolder) throws -> [String] {
        // A checkpoint's maps are on the cycles' grid; RELION expects the particles' box.
        let state = try RunState.read(from: folder.checkpoint).withFullBoxVolumes()
        let cycle = state.classification.cycle
        let table = try ParticleTableLoading.load(state.inputs)
        let classified = try RunOutputs.classifiedTable(table, tablePath: state.inputs.particles, state: state)
        var written = [dataStar(in: folder, cycle: cycle)]
        try classified.writeRelionStar(to: written[0], version: .relion31)
        for (k, volume) in state.writtenClassMaps.enumerated() {
            written.append(classMap(in: folder, cycle: cycle, classIndex: k))
            try MRCWriter.write(volume, to: written[k + 1])
        }
        return written
    }

    /// `RELION_OUTPUT_NODES.star` naming the last iteration's particles (type 3) and class maps
    /// (type 6) with the job folder as RELION gave it (`External/job012/`), for the pipeliner.
    public static func writeOutputNodes(folder: RunFolder, relionJobFolder: String) throws {
        let state = try RunState.read(from: folder.checkpoint)
        let cycle = state.classification.cycle
        let prefix = relionJobFolder.hasSuffix("/") ? relionJobFolder : relionJobFolder + "/"
        func name(_ path: String) -> String { prefix + (path as NSString).lastPathComponent }
        var rows = [[name(dataStar(in: folder, cycle: cycle)), String(particleDataNodeType)]]
        for k in 0..<state.config.classCount {
            rows.append([name(classMap(in: folder, cycle: cycle, classIndex: k)), String(mapNodeType)])
        }
        let loop = StarLoop(columns: ["rlnPipeLineNodeName", "rlnPipeLineNodeType"], rows: rows)
        let document = StarDocument(blocks: [StarBlock(name: "output_nodes", loops: [loop])])
        try StarWriter.write(document, to: folder.path + "/RELION_OUTPUT_NODES.star")
    }
}
