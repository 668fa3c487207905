/// A duration as users write it, in the configuration and on the command line: seconds (`90`) or a number
/// with a unit (`200ms`, `90s`, `5m`, `1h`).
public enum DurationText {
    /// The duration `text` names, or `nil` when it names none.
    public static func duration(_ text: String) -> Duration? {
        // "ms" before "m" and "s", which it ends with too.
        let units: [(suffix: String, milliseconds: Int)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)]
        let unit = units.first { text.hasSuffix($0.suffix) }
        guard let number = Int(text.dropLast(unit?.suffix.count ?? 0)), number >= 0 else { return nil }
        let (milliseconds, overflow) = number.multipliedReportingOverflow(by: unit?.milliseconds ?? 1000)
        return overflow ? nil : .milliseconds(milliseconds)
    }

    /// Whole seconds, or `nil` when `text` is not a duration of whole seconds, at least `minimum` of them.
    public static func seconds(_ text: String, minimum: Int = 1) -> Int? {
        guard let duration = duration(text), duration.components.attoseconds == 0 else { return nil }
        let seconds = Int(duration.components.seconds)
        return seconds < minimum ? nil : seconds
    }
}
