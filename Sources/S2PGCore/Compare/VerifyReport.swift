/// How a mirror table compares with its source table.
public struct VerifyReport: Sendable, Codable {
    public var table: String
    public var sourceRows = 0
    public var targetRows = 0
    /// Keys (or, for keyless tables, row hashes) of rows missing from the mirror, extra in it, or different.
    public var missing: [String] = []
    public var extra: [String] = []
    public var different: [String] = []
    public var missingCount = 0
    public var extraCount = 0
    public var differentCount = 0
    /// Columns left out of the comparison, each with why: `doc (JSON)` (jsonb normalizes it).
    public var uncomparedColumns: [String] = []

    public var isEqual: Bool { missingCount == 0 && extraCount == 0 && differentCount == 0 }

    /// How many keys of each kind the report keeps for printing.
    static let sampleLimit = 10

    mutating func record(_ key: String, in list: WritableKeyPath<VerifyReport, [String]>, count: WritableKeyPath<VerifyReport, Int>) {
        self[keyPath: count] += 1
        if self[keyPath: list].count < Self.sampleLimit { self[keyPath: list].append(key) }
    }

    public var summary: String {
        var text = "\(table): \(sourceRows) rows at the source, \(targetRows) in the mirror"
        if isEqual {
            text += ": equal"
        } else {
            func part(_ count: Int, _ what: String, _ keys: [String]) -> String? {
                count == 0 ? nil : "\(count) \(what) (\(keys.joined(separator: "; "))\(count > keys.count ? "; …" : ""))"
            }
            let parts = [
                part(missingCount, "missing from the mirror", missing), part(extraCount, "only in the mirror", extra),
                part(differentCount, "different", different),
            ].compactMap { $0 }
            text += ": DIFFERENT: " + parts.joined(separator: ", ")
        }
        if !uncomparedColumns.isEmpty { text += " [not compared: \(uncomparedColumns.joined(separator: ", "))]" }
        return text
    }
}
