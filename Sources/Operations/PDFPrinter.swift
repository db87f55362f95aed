import ChildProcesses
import Foundation

/// Prints an HTML document to PDF with headless Chromium, which lays out Chinese text and A4 print
/// styles as the browser does.
public enum PDFPrinter {
    /// Why no PDF was written.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The Chromium to use: `AEOHUB_CHROMIUM`, or the first of chromium, chromium-browser and
    /// google-chrome on the PATH.
    static func chromium() -> String? {
        let environment = ProcessInfo.processInfo.environment
        if let explicit = environment["AEOHUB_CHROMIUM"] { return explicit }
        let folders = (environment["PATH"] ?? "/usr/bin").split(separator: ":")
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            for folder in folders where FileManager.default.isExecutableFile(atPath: "\(folder)/\(name)") {
                return "\(folder)/\(name)"
            }
        }
        return nil
    }

    /// Writes `html` printed to PDF at `path`.
    public static func print(html: String, to path: String) throws {
        guard let browser = chromium() else {
            throw Failure(
                description: "no Chromium to print with (install Debian's chromium, or set AEOHUB_CHROMIUM); "
                    + "or write --format html and print it from a browser")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("aeohub-pdf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let page = folder.appendingPathComponent("report.html")
        try html.write(to: page, atomically: true, encoding: .utf8)
        let output = URL(fileURLWithPath: path).standardizedFileURL
        let status = try ChildProcess(
            browser,
            [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                "--user-data-dir=\(folder.appendingPathComponent("profile").path)", "--print-to-pdf=\(output.path)",
                page.absoluteString,
            ]
        ).wait()
        let written = (try? FileManager.default.attributesOfItem(atPath: output.path)[.size] as? Int) ?? 0
        guard status == 0, written > 0 else {
            throw Failure(description: "\(browser) did not print the PDF (exit \(status))")
        }
    }
}
