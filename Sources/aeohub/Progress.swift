import ConsoleKitTerminal
import Foundation

/// A progress bar for long work (ConsoleKit's), shown only when standard output is a terminal:
/// a pipe or a file gets nothing but the result.
final class Progress: Sendable {
    private let bar: ActivityIndicator<ProgressBar>?

    init(_ title: String) {
        bar = isatty(STDOUT_FILENO) == 1 ? Terminal().progressBar(title: title) : nil
        bar?.start(refreshRate: 10)
    }

    /// Sets the fraction done, 0...1.
    func update(_ fraction: Double) {
        bar?.activity.currentProgress = min(1, max(0, fraction))
    }

    /// Ends the bar (it is cleared or marked done) before the result is printed.
    func finish(succeeded: Bool = true) {
        if succeeded { bar?.succeed() } else { bar?.fail() }
    }
}
