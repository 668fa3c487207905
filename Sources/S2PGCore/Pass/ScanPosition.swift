/// Where an incremental read resumes: the rows after it, in `(updated_at, key)` order.
public enum ScanPosition: Sendable, Hashable {
    /// Rows with `updated_at` at or after this instant (a reload's cursor, a lookback, the next window).
    case from(SourceTimestamp)
    /// Rows after this exact row: a later `updated_at`, or the same one and a greater key. `updatedAt` is the
    /// source's own text and `key` its values as data (see `SourceLiteral`), so nothing is rounded or re-formatted.
    case afterRow(updatedAt: String, key: [String])

    /// The instant the position is at, for window arithmetic.
    var timestamp: SourceTimestamp? {
        switch self {
        case .from(let timestamp): timestamp
        case .afterRow(let updatedAt, _): SourceTimestamp(updatedAt)
        }
    }
}
