import Crypto
import Foundation
import PostgresClient

/// The exclusive right to work on one table's mirror and state: a session-level advisory lock on the target,
/// keyed by (state schema, source table), so it ends with the connection that took it (`kill -9` included).
/// Who holds it is recorded in the state schema's `leases`, for `s2pg status` and for the message of whoever
/// is turned away. All of the lease's SQL is here.
public struct TableLease: Sendable {
    /// Who holds a lease, as recorded when it was taken.
    public struct Holder: Sendable, Codable, Hashable, CustomStringConvertible {
        public var host: String
        public var pid: Int
        public var command: String
        public var since: String

        public var description: String { "s2pg \(command) (pid \(pid) on \(host), since \(since))" }
    }

    /// This process, as it records itself when it takes a lease.
    public struct Identity: Sendable {
        public var host: String
        public var pid: Int
        public var command: String
        /// This process among all that ever shared the state schema: host, pid and a random suffix (a pid is
        /// used again, on another host or after a restart).
        public var worker: String

        public init(command: String) {
            host = ProcessInfo.processInfo.hostName
            pid = Int(ProcessInfo.processInfo.processIdentifier)
            self.command = command
            worker = "\(host)/\(pid)/" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
        }
    }

    public let schema: String
    public let table: String
    /// The advisory lock's key: the first 8 bytes of SHA-256(schema NUL table), so that state schemas
    /// sharing a database never share a lock.
    public let key: Int64

    public init(schema: String, table: String) {
        self.schema = schema
        self.table = table
        key = Self.advisoryKey(schema + "\u{0}" + table)
    }

    /// An advisory lock key for `name`: the first 8 bytes of its SHA-256. Every lock s2pg keys by name
    /// (a table's lease, the state schema's own locks) comes from here, named so that no two can meet.
    static func advisoryKey(_ name: String) -> Int64 {
        Int64(bitPattern: SHA256.hash(data: Data(name.utf8)).prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
    }

    /// The key of a lock of the state schema's own, for `purpose` (its migrations, the workers'
    /// rebalancing): two NULs, where a table's lease has one before its name, so that no table (whose name
    /// cannot hold a NUL) shares it, and no other state schema on the database waits for it.
    static func schemaLockKey(_ schema: String, _ purpose: String) -> Int64 {
        advisoryKey(schema + "\u{0}\u{0}" + purpose)
    }

    private var leases: String { PostgresIdentifier.qualified(schema, "leases") }

    /// Takes the lease on `connection`, waiting up to `wait` (not at all when `nil`) while another process
    /// holds it; throws `TableHeld`, naming the holder, if it could not.
    public func acquire(as identity: Identity, on connection: PostgresConnection, wait: Duration?) async throws {
        let deadline = wait.map { ContinuousClock.now + $0 }
        let lease = self
        while true {
            if try await connection.run({ try lease.tryAcquire(as: identity, on: $0) }) { return }
            guard let deadline, ContinuousClock.now < deadline else {
                throw TableHeld(table: table, holder: try await holder(on: connection), waited: wait)
            }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    private func tryAcquire(as identity: Identity, on connection: isolated PostgresConnection) throws -> Bool {
        guard try connection.execute("SELECT pg_try_advisory_lock($1::bigint)", [String(key)]).rows[0][0] == "t" else {
            return false
        }
        try connection.execute(
            """
            INSERT INTO \(leases) (source_table, lock_key, backend_pid, host, pid, command)
            VALUES ($1, $2::bigint, pg_backend_pid(), $3, $4::integer, $5)
            ON CONFLICT (source_table) DO UPDATE SET lock_key = EXCLUDED.lock_key, backend_pid = EXCLUDED.backend_pid,
                host = EXCLUDED.host, pid = EXCLUDED.pid, command = EXCLUDED.command, since = now()
            """, [table, String(key), identity.host, String(identity.pid), identity.command])
        return true
    }

    /// Gives the lease back (the connection stays open for other work).
    public func release(on connection: PostgresConnection) async throws {
        let lease = self
        try await connection.run { connection in
            try connection.execute("DELETE FROM \(lease.leases) WHERE source_table = $1 AND backend_pid = pg_backend_pid()", [lease.table])
            try connection.execute("SELECT pg_advisory_unlock($1::bigint)", [String(lease.key)])
        }
    }

    /// Rows of `leases` whose backend still holds its lock: a row left by a killed process is not a holder.
    private static func liveHolders(_ leases: String) -> String {
        """
        SELECT l.source_table, l.host, l.pid, l.command, l.since::text FROM \(leases) AS l
        WHERE EXISTS (
            SELECT 1 FROM pg_locks AS k
            WHERE k.locktype = 'advisory' AND k.granted AND k.pid = l.backend_pid AND k.objsubid = 1
              AND k.database = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND k.classid::bigint = (l.lock_key >> 32) & 4294967295 AND k.objid::bigint = l.lock_key & 4294967295)
        """
    }

    /// Who holds the lease. The holder records itself just after it takes the lock, in a statement of its
    /// own: a lock seen held but not yet recorded is asked about again for up to a second.
    private func holder(on connection: PostgresConnection) async throws -> Holder? {
        let sql = Self.liveHolders(leases) + " AND l.source_table = $1"
        let deadline = ContinuousClock.now + .seconds(1)
        while true {
            if let row = try await connection.execute(sql, [table]).rows.first { return Self.holder(row) }
            guard ContinuousClock.now < deadline else { return nil }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Every table held now, by source table name.
    public static func holders(schema: String, on connection: PostgresConnection) async throws -> [String: Holder] {
        let rows = try await connection.execute(liveHolders(PostgresIdentifier.qualified(schema, "leases")), []).rows
        return Dictionary(rows.map { ($0[0]!, holder($0)) }) { first, _ in first }
    }

    /// A row of `liveHolders`.
    private static func holder(_ row: [String?]) -> Holder {
        Holder(host: row[1]!, pid: Int(row[2]!) ?? 0, command: row[3]!, since: row[4]!)
    }
}

/// A table another s2pg process is working on: skipped by `sync` and `run`, or given up on by `full-load`
/// and `reset` after their `--wait`.
public struct TableHeld: Error, CustomStringConvertible, Sendable {
    public var table: String
    /// `nil` when the holder's record was not found (it is finishing just now).
    public var holder: TableLease.Holder?
    /// How long this process waited; `nil` when it did not.
    public var waited: Duration?

    public var description: String {
        let who = holder.map { "\($0)" } ?? "another s2pg process"
        if let waited {
            return "table \(table) is held by \(who); gave up after \(waited.components.seconds) s (--wait)"
        }
        return "table \(table) is held by \(who): skipped"
    }
}
