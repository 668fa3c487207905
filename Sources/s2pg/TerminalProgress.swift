import Foundation

/// A reload's live progress line on standard error, when that is a terminal and the log is text: drawn over
/// itself (carriage return, erase line) every second instead of a log line every 10 s.
enum TerminalProgress {
    static func line(for options: GlobalOptions) -> (@Sendable (String?) -> Void)? {
        guard options.logFormat == .text, isatty(STDERR_FILENO) == 1 else { return nil }
        return { line in
            // One write each: the lines of two tables reloading at once replace each other whole.
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + (line ?? "")).utf8))
        }
    }
}
