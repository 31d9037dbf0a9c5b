import ArgumentParser
import Foundation
import FoveaRun

/// Range checks of numeric command-line options, run in each command's `validate()` before any
/// work. Every message names the option and the value given ("--box must be ≥ 8, got -3"); the
/// error is a `ValidationError` (exit code 2). Numeric options are declared with
/// `parsing: .unconditional` so that `--x -3` reaches these checks instead of being read as an option.
enum OptionCheck {
    /// `value` must be finite and > 0 (and ≤ `maximum` when given).
    static func positive(_ value: Double, _ option: String, maximum: Double? = nil, unit: String = "") throws {
        guard value.isFinite, value > 0 else { throw ValidationError("\(option) must be > 0\(unit), got \(value)") }
        if let maximum, value > maximum { throw ValidationError("\(option) must be ≤ \(maximum)\(unit), got \(value)") }
    }

    /// `value` must be finite and ≥ 0 (and ≤ `maximum` when given).
    static func nonNegative(_ value: Double, _ option: String, maximum: Double? = nil, unit: String = "") throws {
        guard value.isFinite, value >= 0 else { throw ValidationError("\(option) must be ≥ 0\(unit), got \(value)") }
        if let maximum, value > maximum { throw ValidationError("\(option) must be ≤ \(maximum)\(unit), got \(value)") }
    }

    /// `value` must be finite and within `range`.
    static func within(_ value: Double, _ range: ClosedRange<Double>, _ option: String) throws {
        guard value.isFinite, range.contains(value) else {
            throw ValidationError("\(option) must be between \(range.lowerBound) and \(range.upperBound), got \(value)")
        }
    }

    /// `value` must be finite (any sign).
    static func finite(_ value: Double, _ option: String) throws {
        guard value.isFinite else { throw ValidationError("\(option) must be a finite number, got \(value)") }
    }

    /// A count within `range`.
    static func count(_ value: Int, _ range: ClosedRange<Int>, _ option: String) throws {
        guard range.contains(value) else {
            throw ValidationError(value < range.lowerBound
                ? "\(option) must be ≥ \(range.lowerBound), got \(value)"
                : "\(option) must be ≤ \(range.upperBound), got \(value)")
        }
    }

    /// Largest box edge (voxels) any command makes a volume of; a 2048³ Float32 map is 32 GiB.
    static let maximumBox = 2048

    /// A box edge for a new volume: even, 8 … `maximumBox`, and `bytesPerVoxel`·N³ within the memory
    /// this process may use (`MemoryBudget`; unchecked when nothing is known or `FOVEA_MEMORY_CHECK=0`).
    static func box(_ value: Int, _ option: String, bytesPerVoxel: Double) throws {
        try evenBox(value, option)
        let needed = bytesPerVoxel * pow(Double(value), 3)
        if let available = MemoryBudget.perRankHere(), needed > available {
            throw ValidationError(String(format: "%@ %d needs about %.0f MiB but about %.0f MiB is available "
                                         + "(MemAvailable, cgroup, Slurm or FOVEA_MEMORY_LIMIT_MB); use a smaller box",
                                         option, value, needed / 1_048_576, available / 1_048_576))
        }
    }

    /// A box edge: even, 8 … `maximumBox` (the memory it needs is the caller's to check).
    static func evenBox(_ value: Int, _ option: String) throws {
        try count(value, 8...maximumBox, option)
        guard value % 2 == 0 else { throw ValidationError("\(option) must be even (as RELION's boxes), got \(value)") }
    }

    /// A pixel size in Å: 0.01 … 1000.
    static func pixelSize(_ value: Double, _ option: String) throws {
        try positive(value, option, maximum: 1000, unit: " Å")
        if value < 0.01 { throw ValidationError("\(option) must be ≥ 0.01 Å, got \(value)") }
    }

    /// Threads per process: 1 … 1024.
    static let threadRange = 1...1024
}
