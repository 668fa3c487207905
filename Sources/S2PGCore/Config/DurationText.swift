/// A duration as users write it, in the configuration and on the command line: seconds (`90`) or a number
/// with a unit (`90s`, `5m`, `1h`).
public enum DurationText {
    /// Whole seconds, or `nil` when `text` is not a duration of at least `minimum` seconds.
    public static func seconds(_ text: String, minimum: Int = 1) -> Int? {
        let units = ["s": 1, "m": 60, "h": 3600]
        let unit = text.last.flatMap { units[String($0)] }
        guard let number = Int(unit == nil ? text : String(text.dropLast())), number >= 0 else { return nil }
        let (seconds, overflow) = number.multipliedReportingOverflow(by: unit ?? 1)
        return overflow || seconds < minimum ? nil : seconds
    }
}
