import Foundation
import FoveaRun
import FoveaIO

/// Writes `<run folder>/report.html` from whatever the folder holds now.
public enum ReportWriter {
    public static func path(in folder: RunFolder) -> String { folder.path + "/report.html" }

    /// Regenerates the report; returns its path.
    @discardableResult
    public static func write(folder: RunFolder, to output: String? = nil, regions: ReportRegions? = nil) throws -> String {
        let path = output ?? Self.path(in: folder)
        let here = URL(fileURLWithPath: (path as NSString).deletingLastPathComponent).standardizedFileURL.path
        let folderPath = URL(fileURLWithPath: folder.path).standardizedFileURL.path
        let linkBase = here == folderPath ? "" : folderPath + "/"
        try ReportHTML(data: try RunReportData(folder: folder), regions: regions, linkBase: linkBase,
                       encodePNG: { try PNGWriter.encode($0) }).write(to: path)
        return path
    }
}
