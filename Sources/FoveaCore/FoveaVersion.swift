/// The program's version, printed by `fovea --version` and saved in every run folder.
public enum FoveaVersion {
    public static let string = "0.1.0"
}
