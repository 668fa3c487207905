import PostgresClient

/// The fingerprints of a full-mode table's buckets as the source had them when the mirror last matched it
/// there (`bucket_fingerprints`), so that a pass reads the source alone and the mirror only where a bucket
/// changed. A bucket repaired since is kept as `repaired`, which matches no fingerprint: the mirror's rows
/// there are compared again on the next pass. All of the `bucket_fingerprints` SQL is here (their basis,
/// in `table_state`, is `StateStore`'s).
struct FingerprintLedger: Sendable {
    let schema: String
    let table: String

    /// The bucketing the fingerprints were taken with, and the digest of their query.
    struct Basis: Sendable, Hashable {
        var bucketing: ComparisonQueries.Bucketing
        var digest: String
    }

    private var fingerprints: String { PostgresIdentifier.qualified(schema, "bucket_fingerprints") }
    private var state: StateStore { StateStore(schema: schema) }

    /// A bucket repaired since its fingerprint was taken, with the rows it then had.
    static func repaired(rows: Int) -> BucketSum { BucketSum(rows: rows, sum1: "repaired", sum2: "") }

    static func isRepaired(_ sum: BucketSum) -> Bool { sum == repaired(rows: sum.rows) }

    func basis(on connection: isolated PostgresConnection) throws -> Basis? {
        guard let stored = try state.fingerprintBasis(of: table, on: connection), let text = stored.bucketing,
            let bucketing = ComparisonQueries.Bucketing(text: text), let digest = stored.digest
        else { return nil }
        return Basis(bucketing: bucketing, digest: digest)
    }

    func sums(on connection: isolated PostgresConnection) throws -> [Int: BucketSum] {
        var sums: [Int: BucketSum] = [:]
        for row in try connection.execute("SELECT bucket, rows, sum FROM \(fingerprints) WHERE source_table = $1", [table]).rows {
            guard let bucket = row[0].flatMap({ Int($0) }), let rows = row[1].flatMap({ Int($0) }) else { continue }
            sums[bucket] = row[2].map { BucketSum(rows: rows, sum1: $0, sum2: "0") } ?? Self.repaired(rows: rows)
        }
        return sums
    }

    /// Replaces every fingerprint of the table with `sums`, taken under `basis`.
    func replace(with sums: [Int: BucketSum], basis: Basis, on connection: isolated PostgresConnection) throws {
        try connection.transaction { connection in
            try connection.execute("DELETE FROM \(fingerprints) WHERE source_table = $1", [table])
            try state.recordFingerprintBasis(of: table, bucketing: basis.bucketing.text, digest: basis.digest, on: connection)
            try write(sums, on: connection)
        }
    }

    /// Records the fingerprints `sums` of some buckets (a bucket without rows is forgotten).
    func update(_ sums: [Int: BucketSum], on connection: isolated PostgresConnection) throws {
        try connection.transaction { try write(sums, on: $0) }
    }

    private func write(_ sums: [Int: BucketSum], on connection: isolated PostgresConnection) throws {
        // A bucket without rows is forgotten, unless it is to be compared again (the mirror may have rows there).
        let empty = sums.filter { $0.value.rows == 0 && !Self.isRepaired($0.value) }.keys.map(String.init)
        if !empty.isEmpty {
            try connection.execute(
                "DELETE FROM \(fingerprints) WHERE source_table = $1 AND bucket = ANY ($2::bigint[])", [table, PostgresArray.literal(empty)])
        }
        let kept = sums.filter { $0.value.rows > 0 || Self.isRepaired($0.value) }.sorted { $0.key < $1.key }
        guard !kept.isEmpty else { return }
        // A repaired bucket's sum is not a number: NULL.
        try connection.execute(
            """
            INSERT INTO \(fingerprints) (source_table, bucket, rows, sum)
            SELECT $1, b, r, CASE WHEN s = '' THEN NULL ELSE s::numeric END FROM unnest($2::bigint[], $3::bigint[], $4::text[]) AS u (b, r, s)
            ON CONFLICT (source_table, bucket) DO UPDATE SET rows = EXCLUDED.rows, sum = EXCLUDED.sum
            """,
            [
                table, PostgresArray.literal(kept.map { String($0.key) }), PostgresArray.literal(kept.map { String($0.value.rows) }),
                PostgresArray.literal(kept.map { Self.isRepaired($0.value) ? "" : $0.value.sum1 }),
            ])
    }

    /// Forgets the table's fingerprints: its mirror was written by other means (a reload, `verify --repair`).
    func clear(on connection: isolated PostgresConnection) throws {
        try connection.execute("DELETE FROM \(fingerprints) WHERE source_table = $1", [table])
        try state.recordFingerprintBasis(of: table, bucketing: nil, digest: nil, on: connection)
    }
}
