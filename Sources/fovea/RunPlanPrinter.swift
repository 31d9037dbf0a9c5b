import FoveaRun

/// Prints `fovea classify --dry-run`'s plan on rank 0.
enum RunPlanPrinter {
    static func printPlan(request: RunRequest, ranks: Int, isRoot: Bool) throws {
        let text = try RunPlan.describe(request: request, ranks: ranks)
        if isRoot { print(text) }
    }
}
