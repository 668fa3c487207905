import Foundation
import PostgresClient

/// A table's row in the state schema.
public struct TableState: Sendable, Codable {
    public var sourceTable: String
    public var targetTable: String
    public var mode: String
    public var cursorUpdatedAt: String?
    public var cursorKey: [String]?
    public var rowsApplied: Int
    public var lastRunAt: String?
    public var lastSuccessAt: String?
    public var lastError: String?
    public var lastErrorAt: String?
    public var refillReason: String?
    public var fullLoadTable: String?
    public var fullLoadKey: [String]?
    public var fullLoadStartedAt: String?
    public var counts: ValuePolicyCounts
    /// When the source table was first found missing (dropped or renamed); `nil` while it exists.
    public var sourceMissingSince: String?
    /// Mirror rows deleted (or marked deleted) because the source no longer has their key.
    public var rowsDeleted: Int
    /// When the table's keys were last compared with the source's.
    public var keysComparedAt: String?
    /// The source's clock (UTC, `2026-12-02 14:49:09.123456`) when the last successful pass began, less what
    /// its reads were held back by (the clock's open tick, an open transaction).
    public var currentAsOf: String?
    /// When the table's whole rows were last compared with the source's.
    public var rowsComparedAt: String?
    /// The open source transaction that held the last pass's reads back (`OpenTransaction.holder`), and its
    /// start as the source reported it.
    public var heldBy: String?
    public var heldSince: String?
    /// Rows in the reject log (`StateStore.all` only): PostgreSQL refused them, and the mirror lacks them
    /// or holds them as they were before.
    public var refusedRows = 0

    /// Whether this state is of `plan`'s mirror table in `plan`'s mode (not one kept from before the mirror
    /// was renamed or the table changed mode): only then do its cursor and shape hold for the plan.
    func belongs(to plan: TablePlan) -> Bool {
        targetTable == plan.targetName && mode == plan.mode.rawValue
    }

    /// Where an incremental read resumes; `nil` before the first load.
    public var position: ScanPosition? {
        guard let cursorUpdatedAt else { return nil }
        if let cursorKey { return .afterRow(updatedAt: cursorUpdatedAt, key: cursorKey) }
        return SourceTimestamp(cursorUpdatedAt).map(ScanPosition.from)
    }

    /// A key as stored: a JSON array of its values (see `SourceLiteral`).
    static func json(_ key: [String]?) -> String? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        return key.map { String(decoding: try! encoder.encode($0), as: UTF8.self) }
    }

    /// A key stored by `json`, read back.
    static func key(json: String?) -> [String]? {
        json.flatMap { try? JSONDecoder().decode([String].self, from: Data($0.utf8)) }
    }

    static let columns = """
        source_table, target_table, mode, cursor_updated_at, cursor_key::text, rows_applied,
        last_run_at::text, last_success_at::text, last_error, last_error_at::text, refill_reason, full_load_table,
        full_load_key::text, full_load_started_at, invalid_dates_nulled, nul_bytes_removed,
        invalid_utf8_replaced, source_missing_since::text, rows_deleted, keys_compared_at::text,
        to_char(current_as_of AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'), rows_compared_at::text, held_by, held_since
        """

    init(row: [String?]) {
        sourceTable = row[0]!
        targetTable = row[1]!
        mode = row[2]!
        cursorUpdatedAt = row[3]
        cursorKey = Self.key(json: row[4])
        rowsApplied = Int(row[5]!) ?? 0
        lastRunAt = row[6]
        lastSuccessAt = row[7]
        lastError = row[8]
        lastErrorAt = row[9]
        refillReason = row[10]
        fullLoadTable = row[11]
        fullLoadKey = Self.key(json: row[12])
        fullLoadStartedAt = row[13]
        counts = ValuePolicyCounts()
        counts.invalidDatesNulled = Int(row[14]!) ?? 0
        counts.nulBytesRemoved = Int(row[15]!) ?? 0
        counts.invalidUTF8Replaced = Int(row[16]!) ?? 0
        sourceMissingSince = row[17]
        rowsDeleted = Int(row[18]!) ?? 0
        keysComparedAt = row[19]
        currentAsOf = row[20]
        rowsComparedAt = row[21]
        heldBy = row[22]
        heldSince = row[23]
    }
}
