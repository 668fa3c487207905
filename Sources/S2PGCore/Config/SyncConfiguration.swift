/// The `sync` object: how tables are read and applied.
public struct SyncConfiguration: Sendable {
    /// The column that marks a row's last change; tables with it are synced incrementally.
    public var updatedAtColumn: String
    /// The oldest `updated_at` an incremental table's mirror holds; `nil` (the default) holds every row,
    /// those with a NULL `updated_at` included.
    public var initialSyncStart: SourceTimestamp?
    public var windowHours: Int
    public var batchRows: Int
    /// How far each run re-reads behind the cursor, for a source clock that jumps back.
    public var lookbackSeconds: Int
    /// How far behind the source's clock reads stop when the source does not say which transactions are
    /// open (see `ReadBound`).
    public var settleDelaySeconds: Int
    /// How long an open transaction may hold a table's reads back before it is no longer waited for.
    public var maxHoldSeconds: Int
    /// Tables to sync (exact names); empty means all.
    public var tables: [String]
    public var excludeTables: [String]
    /// How many tables sync at once.
    public var parallelTables: Int
    /// Keys declared for tables that have none at the source: table → columns.
    public var keys: [String: [String]]
    /// Map `TINYINT(1)` to `boolean` (any non-zero value is true) instead of `smallint`.
    public var tinyint1AsBoolean: Bool
    /// What becomes of mirror rows whose key the source no longer has.
    public var deletes: DeleteMode
    /// How often an incremental table's keys and cursor values are compared with the source's, to find rows
    /// deleted, written with an old `updated_at`, or committed after the cursor passed them.
    public var deletesIntervalSeconds: Int
    /// How often an incremental table's whole rows are compared with the source's, to find changes that left
    /// `updated_at` alone (cascades, hand edits).
    public var fullCompareIntervalSeconds: Int
    /// A pass that would delete more than this share of a mirror's rows deletes nothing and fails the table.
    public var maxDeleteFraction: Double
    /// How long `s2pg run` goes on with the catalog it read before it reads it again (sooner when the
    /// catalog's checksum moves or a table fails); 0 is every pass.
    public var catalogRefreshSeconds: Int
    /// Whether reloads copy in PostgreSQL's binary format, for the tables whose every column has one.
    public var binaryCopy: Bool
    /// How many connections to each side one table's reload copies over, each a part of its key range.
    public var parallelStreams: Int
    /// How long an `s2pg run` worker's assignments last unrenewed: a worker that dies loses its tables to the
    /// others after this.
    public var workerLeaseSeconds: Int

    public enum DeleteMode: String, Sendable, CaseIterable {
        /// The row is deleted from the mirror: the mirror equals the source.
        case hard
        /// The row stays, with `_s2pg_deleted_at` set; cleared if the key comes back.
        case soft
        /// Rows are never deleted from the mirror.
        case off
    }

    public init(
        updatedAtColumn: String = "updated_at",
        initialSyncStart: SourceTimestamp? = nil,
        windowHours: Int = 6, batchRows: Int = 10_000, lookbackSeconds: Int = 0, settleDelaySeconds: Int = 5, maxHoldSeconds: Int = 600,
        tables: [String] = [], excludeTables: [String] = [], parallelTables: Int = 2,
        keys: [String: [String]] = [:], tinyint1AsBoolean: Bool = false, deletes: DeleteMode = .hard,
        deletesIntervalSeconds: Int = 300, fullCompareIntervalSeconds: Int = 86_400, maxDeleteFraction: Double = 0.5, catalogRefreshSeconds: Int = 300,
        binaryCopy: Bool = true, parallelStreams: Int = 1, workerLeaseSeconds: Int = 30
    ) {
        self.updatedAtColumn = updatedAtColumn
        self.initialSyncStart = initialSyncStart
        self.windowHours = windowHours
        self.batchRows = batchRows
        self.lookbackSeconds = lookbackSeconds
        self.settleDelaySeconds = settleDelaySeconds
        self.maxHoldSeconds = maxHoldSeconds
        self.tables = tables
        self.excludeTables = excludeTables
        self.parallelTables = parallelTables
        self.keys = keys
        self.tinyint1AsBoolean = tinyint1AsBoolean
        self.deletes = deletes
        self.deletesIntervalSeconds = deletesIntervalSeconds
        self.fullCompareIntervalSeconds = fullCompareIntervalSeconds
        self.maxDeleteFraction = maxDeleteFraction
        self.catalogRefreshSeconds = catalogRefreshSeconds
        self.binaryCopy = binaryCopy
        self.parallelStreams = parallelStreams
        self.workerLeaseSeconds = workerLeaseSeconds
    }

    init(reading object: ConfigurationObject?) throws(ConfigurationError) {
        self.init()
        guard var object else { return }
        if let column = try object.string("updated_at_column") {
            guard !column.isEmpty else { throw object.error("updated_at_column", "must not be empty") }
            updatedAtColumn = column
        }
        if let text = try object.string("initial_sync_start") {
            guard let start = SourceTimestamp(text) else {
                throw object.error(
                    "initial_sync_start",
                    "expected a date and time as \"YYYY-MM-DD HH:MM:SS[.ffffff]\", got \"\(text)\"")
            }
            initialSyncStart = start
        }
        windowHours = try object.integer("window_hours", in: 1...8784) ?? windowHours
        batchRows = try object.integer("batch_rows", in: 1...10_000_000) ?? batchRows
        lookbackSeconds = try object.integer("lookback_seconds", in: 0...31_622_400) ?? lookbackSeconds
        tables = try object.stringArray("tables") ?? tables
        excludeTables = try object.stringArray("exclude_tables") ?? excludeTables
        parallelTables = try object.integer("parallel_tables", in: 1...64) ?? parallelTables
        keys = try object.stringArrays("keys") ?? keys
        tinyint1AsBoolean = try object.bool("tinyint1_as_boolean") ?? tinyint1AsBoolean
        if let mode = try object.string("deletes") {
            guard let parsed = DeleteMode(rawValue: mode) else {
                throw object.error("deletes", "expected \"hard\", \"soft\" or \"off\", got \"\(mode)\"")
            }
            deletes = parsed
        }
        deletesIntervalSeconds = try Self.seconds("deletes_interval", in: &object) ?? deletesIntervalSeconds
        fullCompareIntervalSeconds = try Self.seconds("full_compare_interval", in: &object) ?? fullCompareIntervalSeconds
        settleDelaySeconds = try Self.seconds("settle_delay", in: &object) ?? settleDelaySeconds
        maxHoldSeconds = try Self.seconds("max_hold", in: &object) ?? maxHoldSeconds
        maxDeleteFraction = try object.fraction("max_delete_fraction") ?? maxDeleteFraction
        catalogRefreshSeconds = try Self.seconds("catalog_refresh", in: &object) ?? catalogRefreshSeconds
        if let format = try object.string("copy_format") {
            guard format == "binary" || format == "text" else {
                throw object.error("copy_format", "expected \"binary\" or \"text\", got \"\(format)\"")
            }
            binaryCopy = format == "binary"
        }
        parallelStreams = try object.integer("parallel_streams", in: 1...64) ?? parallelStreams
        if let lease = try object.string("worker_lease") {
            guard let seconds = DurationText.seconds(lease, minimum: 1) else {
                throw object.error("worker_lease", "expected a duration of a second or more such as \"10s\", \"30s\" or \"2m\", got \"\(lease)\"")
            }
            workerLeaseSeconds = seconds
        }
        try object.rejectUnknownKeys()
    }

    /// The oldest `updated_at` of `plan`'s rows in its mirror: `initial_sync_start` for an incremental table,
    /// which reloads, comparisons and `verify` all hold to; none (every row) otherwise.
    public func start(of plan: TablePlan) -> SourceTimestamp? {
        plan.mode == .incremental ? initialSyncStart : nil
    }

    /// A duration of whole seconds (`"0s"` allowed) at `key`, if set.
    private static func seconds(_ key: String, in object: inout ConfigurationObject) throws(ConfigurationError) -> Int? {
        guard let text = try object.string(key) else { return nil }
        guard let seconds = DurationText.seconds(text, minimum: 0) else {
            throw object.error(key, "expected a duration such as \"0s\", \"90s\", \"5m\" or \"1h\", got \"\(text)\"")
        }
        return seconds
    }
}
