/// How the rows of some buckets differ between the source and the mirror, key by key: what the source has
/// and the mirror lacks, what the mirror has and the source lacks, and what both have with different
/// values. Pure: tested without a database.
public struct RowDifferences: Sendable {
    /// One row as a comparison read it: its canonical key text, its hash, its key's values (the source's
    /// stored forms, or the mirror's text), its bucket, and (from the source) its fingerprint.
    public struct Row: Sendable, Hashable {
        public var keyText: String
        public var hash: String
        public var key: [String?]
        public var bucket: Int
        public var fingerprint: UInt64

        public init(keyText: String, hash: String, key: [String?], bucket: Int = 0, fingerprint: UInt64 = 0) {
            self.keyText = keyText
            self.hash = hash
            self.key = key
            self.bucket = bucket
            self.fingerprint = fingerprint
        }
    }

    /// Source rows the mirror lacks (their source key).
    public var missing: [Row] = []
    /// Mirror rows the source lacks (their mirror key).
    public var extra: [Row] = []
    /// Source rows the mirror holds with other values (their source key).
    public var different: [Row] = []

    public init() {}

    /// Matches rows by key text. Several rows with one key text (a keyless table's identical rows, whose key
    /// is their hash) are matched as a multiset: the surplus on either side is missing or extra.
    public init(source: [Row], target: [Row]) {
        let targetByKey = Dictionary(grouping: target, by: \.keyText)
        let sourceByKey = Dictionary(grouping: source, by: \.keyText)
        for (key, rows) in sourceByKey {
            let mirrored = targetByKey[key] ?? []
            if let first = rows.first, let other = mirrored.first, rows.count == 1, mirrored.count == 1 {
                if first.hash != other.hash { different.append(first) }
            } else if rows.count > mirrored.count {
                missing += rows.dropFirst(mirrored.count)
            }
        }
        for (key, rows) in targetByKey {
            let count = sourceByKey[key]?.count ?? 0
            if rows.count > count { extra += rows.dropFirst(count) }
        }
        missing.sort { $0.keyText < $1.keyText }
        extra.sort { $0.keyText < $1.keyText }
        different.sort { $0.keyText < $1.keyText }
    }

    public var isEmpty: Bool { missing.isEmpty && extra.isEmpty && different.isEmpty }

    /// The buckets with a row that differs.
    public var buckets: Set<Int> { Set((missing + extra + different).map(\.bucket)) }

    public mutating func append(_ other: RowDifferences) {
        missing += other.missing
        extra += other.extra
        different += other.different
    }
}
