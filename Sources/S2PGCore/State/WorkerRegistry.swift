import PostgresClient

/// The `s2pg run` processes sharing one state schema, and which tables each is assigned. A worker renews its
/// row and its assignments every pass and every third of `sync.worker_lease` in between (a long reload is one
/// pass); one that stops deletes them; one that dies loses them when they expire. Each pass a worker takes
/// its fair share, the selected tables over the live workers rounded up, and again during a pass that lasts
/// (`LiveReplicator`): it gives back tables beyond it and takes unassigned or expired ones up to it, so a
/// worker that joins gets tables from the others without a restart, even while they are in a long first
/// load. All of `workers`' and `assignments`' SQL is here.
public struct WorkerRegistry: Sendable {
    public let schema: String
    public let identity: TableLease.Identity
    /// How long an assignment lasts unrenewed.
    public let leaseSeconds: Int

    public init(schema: String, identity: TableLease.Identity, leaseSeconds: Int) {
        self.schema = schema
        self.identity = identity
        self.leaseSeconds = leaseSeconds
    }

    private var workers: String { PostgresIdentifier.qualified(schema, "workers") }
    private var assignments: String { PostgresIdentifier.qualified(schema, "assignments") }
    private var expiry: String { "now() + make_interval(secs => \(leaseSeconds))" }

    /// Workers rebalance one at a time: a transaction-level advisory lock of the state schema's own.
    var lockKey: Int64 { TableLease.schemaLockKey(schema, "assignments") }

    /// The fair share of `tables` tables among `workers` live ones.
    static func share(of tables: Int, among workers: Int) -> Int {
        (tables + max(workers, 1) - 1) / max(workers, 1)
    }

    /// Renews this worker and its assignments, takes or gives back tables to hold its fair share of
    /// `tables` (the selected ones), and returns those assigned to it now. Tables beyond the share are given
    /// back from the end of the names, `started` ones (begun by the pass under way) last.
    public func claim(_ tables: [String], started: Set<String> = [], on connection: isolated PostgresConnection) throws -> Set<String> {
        let me = identity.worker
        return try connection.transaction { connection in
            try connection.execute("SELECT pg_advisory_xact_lock($1::bigint)", [String(lockKey)])
            try connection.execute(
                """
                INSERT INTO \(workers) (worker_id, host, pid, expires_at) VALUES ($1, $2, $3::integer, \(expiry))
                ON CONFLICT (worker_id) DO UPDATE SET renewed_at = now(), expires_at = EXCLUDED.expires_at
                """, [me, identity.host, String(identity.pid)])
            // Expired rows are nobody's: a dead worker's, and the tables it held.
            try connection.execute("DELETE FROM \(workers) WHERE expires_at < now()")
            try connection.execute("DELETE FROM \(assignments) WHERE expires_at < now()")
            let live = Int(try connection.execute("SELECT count(*) FROM \(workers)").rows[0][0]!)!
            // A table no longer selected (dropped or renamed at the source) is nobody's to renew.
            try connection.execute(
                "DELETE FROM \(assignments) WHERE worker_id = $1 AND source_table NOT IN (SELECT jsonb_array_elements_text($2::jsonb))",
                [me, TableState.json(tables)])
            try connection.execute("UPDATE \(assignments) SET expires_at = \(expiry) WHERE worker_id = $1", [me])
            var mine = try connection.execute("SELECT source_table FROM \(assignments) WHERE worker_id = $1 ORDER BY source_table", [me])
                .rows.compactMap { $0[0] }
            let fair = Self.share(of: tables.count, among: live)
            if mine.count > fair {
                mine = mine.filter { started.contains($0) } + mine.filter { !started.contains($0) }
                let extra = Array(mine.suffix(mine.count - fair))
                try connection.execute(
                    "DELETE FROM \(assignments) WHERE worker_id = $1 AND source_table IN (SELECT jsonb_array_elements_text($2::jsonb))",
                    [me, TableState.json(extra)])
                mine.removeLast(extra.count)
            } else if mine.count < fair {
                let taken = try connection.execute(
                    """
                    INSERT INTO \(assignments) (source_table, worker_id, expires_at)
                    SELECT t.name, $1, \(expiry) FROM jsonb_array_elements_text($2::jsonb) AS t(name)
                    WHERE NOT EXISTS (SELECT 1 FROM \(assignments) AS a WHERE a.source_table = t.name)
                    ORDER BY t.name LIMIT $3::integer
                    RETURNING source_table
                    """, [me, TableState.json(tables), String(fair - mine.count)])
                mine += taken.rows.compactMap { $0[0] }
            }
            return Set(mine)
        }
    }

    /// Renews this worker and its assignments between passes; false when it was found expired (its tables
    /// may be another's by now: the next pass's `claim` says which are its own).
    public func renew(on connection: isolated PostgresConnection) throws -> Bool {
        let renewed = try connection.execute(
            "UPDATE \(workers) SET renewed_at = now(), expires_at = \(expiry) WHERE worker_id = $1 AND expires_at >= now() RETURNING 1",
            [identity.worker])
        guard !renewed.rows.isEmpty else { return false }
        try connection.execute("UPDATE \(assignments) SET expires_at = \(expiry) WHERE worker_id = $1", [identity.worker])
        return true
    }

    /// Gives back this worker's tables and removes it: the others take them at their next passes.
    public func leave(on connection: isolated PostgresConnection) throws {
        try connection.transaction { connection in
            try connection.execute("DELETE FROM \(assignments) WHERE worker_id = $1", [identity.worker])
            try connection.execute("DELETE FROM \(workers) WHERE worker_id = $1", [identity.worker])
        }
    }

    /// A worker as `s2pg status` shows it.
    public struct Worker: Sendable, Codable, Hashable {
        public var worker: String
        public var host: String
        public var pid: Int
        public var startedAt: String
        public var renewedAt: String
        public var expiresAt: String
        /// Past its expiry: dead or cut off; its tables go to the others.
        public var expired: Bool
        public var tables: [String]
    }

    /// Every registered worker with the tables assigned to it now.
    public static func all(schema: String, on connection: PostgresConnection) async throws -> [Worker] {
        let workers = PostgresIdentifier.qualified(schema, "workers")
        let assignments = PostgresIdentifier.qualified(schema, "assignments")
        return try await connection.execute(
            """
            SELECT w.worker_id, w.host, w.pid, w.started_at::text, w.renewed_at::text, w.expires_at::text, (w.expires_at < now())::text,
                   COALESCE((SELECT jsonb_agg(a.source_table ORDER BY a.source_table) FROM \(assignments) AS a
                             WHERE a.worker_id = w.worker_id AND a.expires_at >= now())::text, '[]')
            FROM \(workers) AS w ORDER BY w.started_at, w.worker_id
            """, []
        ).rows.map { row in
            Worker(
                worker: row[0]!, host: row[1]!, pid: Int(row[2]!) ?? 0, startedAt: row[3]!, renewedAt: row[4]!, expiresAt: row[5]!,
                expired: row[6] == "true", tables: TableState.key(json: row[7]) ?? [])
        }
    }
}
