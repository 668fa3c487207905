import Foundation
import MariaDBClient

/// Which server the source is, and everything s2pg does differently for it: the one owner of SingleStore's
/// differences from MariaDB/MySQL. Detected once per discovery from `@@memsql_version`, which only
/// SingleStore has (as xo/dbmeta's `models/singlestore` reads its release).
///
/// What is the same on both is written once elsewhere; what is SingleStore's own is here, each rule with
/// the recorded source it follows.
public enum SourceDialect: Sendable, Hashable, CustomStringConvertible {
    case mariaDB
    /// `version` as `@@memsql_version` gives it (`8.9.3`).
    case singleStore(version: String)

    public var description: String {
        switch self {
        case .mariaDB: "MariaDB/MySQL"
        case .singleStore(let version): "SingleStore \(version)"
        }
    }

    /// Asks the server; MariaDB and MySQL refuse the variable (error 1193, unknown system variable).
    static func detect(on connection: isolated MariaDBConnection) throws -> SourceDialect {
        do {
            let version = try connection.query("SELECT @@memsql_version").strings.first?.first ?? nil
            return .singleStore(version: version ?? "unknown")
        } catch let error as MariaDBError where error.errorNumber == 1193 {
            return .mariaDB
        }
    }

    /// The version as numbers, for comparisons (`8.9.3` → [8, 9, 3]).
    private var versionNumbers: [Int] {
        guard case .singleStore(let version) = self else { return [] }
        return version.split(separator: ".").map { Int($0.prefix { $0.isNumber }) ?? 0 }
    }

    /// `TABLE_NAME, TABLE_TYPE, FLAGS` of the current database's tables. On SingleStore a table-valued
    /// function is listed too, with bit 0 of `FLAGS` set from 7.8.1 on; before that it is told by a routine
    /// of the same name. (memsql/S2-JDBC-Connector, `DatabaseMetaData.getTables`: `CAST(FLAGS AS UNSIGNED
    /// INTEGER) & 1 = 0`, else `LEFT JOIN INFORMATION_SCHEMA.ROUTINES ... ROUTINE_NAME IS NULL`.)
    var tablesSQL: String {
        let flags: String
        switch self {
        case .mariaDB:
            flags = "NULL"
        case .singleStore where versionNumbers.lexicographicallyPrecedes([7, 8, 1]):
            flags = """
                (SELECT COUNT(*) FROM INFORMATION_SCHEMA.ROUTINES r
                 WHERE r.ROUTINE_SCHEMA = t.TABLE_SCHEMA AND r.ROUTINE_NAME = t.TABLE_NAME)
                """
        case .singleStore:
            flags = "CAST(t.FLAGS AS UNSIGNED INTEGER)"
        }
        return "SELECT t.TABLE_NAME, t.TABLE_TYPE, \(flags) FROM INFORMATION_SCHEMA.TABLES t WHERE t.TABLE_SCHEMA = DATABASE()"
    }

    /// `COLUMN_TYPE` as the type mapping reads it. SingleStore writes a PERSISTED computed column's
    /// expression before its type (`... PERSISTED int(11)`); its JDBC driver reads the type after the word
    /// (memsql/S2-JDBC-Connector, `DatabaseMetaData.DataTypeClause`: `SUBSTRING(COLUMN_TYPE, 10 +
    /// LOCATE('PERSISTED', UCASE(COLUMN_TYPE)))`), and so does s2pg.
    func columnType(_ text: String) -> String {
        guard case .singleStore = self, let persisted = text.range(of: "persisted ", options: .caseInsensitive) else { return text }
        return String(text[persisted.upperBound...])
    }

    /// Whether unique keys must be checked for `UNENFORCED` in `SHOW CREATE TABLE` (see `unenforcedKeys`).
    var hasUnenforcedKeys: Bool {
        if case .singleStore = self { true } else { false }
    }

    /// The column lists of the `UNIQUE ... UNENFORCED` keys in a table's `SHOW CREATE TABLE`. SingleStore
    /// does not enforce them, so they can hold duplicates, and on a columnstore table such a key is
    /// logical only (docs.singlestore.com, "Specifying Unenforced Unique Constraints": `UNIQUE KEY (col1,
    /// col2) UNENFORCED [RELY | NORELY]`). `CREATE TABLE` text lists one key a line.
    static func unenforcedKeys(inCreateTable text: String) -> [[String]] {
        text.split(whereSeparator: \.isNewline).compactMap { line -> [String]? in
            let upper = line.uppercased()
            guard upper.contains("UNIQUE"), upper.contains("UNENFORCED"), let open = line.firstIndex(of: "("),
                let close = line[open...].firstIndex(of: ")")
            else { return nil }
            return line[line.index(after: open)..<close].split(separator: ",").map { name in
                var column = name.trimmingCharacters(in: .whitespaces)
                if column.hasPrefix("`"), column.hasSuffix("`"), column.count >= 2 {
                    column = String(column.dropFirst().dropLast()).replacing("``", with: "`")
                }
                return column
            }
        }
    }

    /// `holder, start, age in microseconds, id` of each transaction open at the source that may still commit
    /// rows into the current database's tables (see `ReadBound`), by a session whose clock is the server's.
    ///
    /// MariaDB/MySQL, where it stands in for the live lists (`liveTransactionsSQL`) when those cannot be
    /// read: `INFORMATION_SCHEMA.INNODB_TRX` (needs PROCESS), the transactions that have modified
    /// rows or wait for a row lock (a blocked `UPDATE` stamps `NOW()` before it waits), other than s2pg's
    /// own, of connections whose default database is this one (`PROCESSLIST.DB`: the writers of a server's
    /// other databases, and its DDL, do not hold this one back; a write from a connection using another
    /// database, stamped with a past `NOW()`, is left to the comparisons); `trx_started` is in whole
    /// seconds, so an age is never under the truth.
    /// SingleStore has no `INNODB_TRX`: `INFORMATION_SCHEMA.MV_ACTIVE_DISTRIBUTED_TRANSACTIONS` lists its
    /// active distributed transactions, one row per partition database (`db_0`, `db_1`, ...), with
    /// `REAL_CLOCK_BEGIN_TIME_STAMP`, "time of the start of the transaction" (docs.singlestore.com,
    /// reference/information-schema-reference/.../mv-active-distributed-transactions; kakao/
    /// singlestore_exporter, `collector/active_transaction.go`, reads it as `NVL(REAL_CLOCK_BEGIN_TIME_STAMP,
    /// NOW())`). It has no documented "has written" flag (`ROW_LOCKS` may miss columnstore inserts), so
    /// every transaction on the database's partitions counts.
    var openTransactionsSQL: String {
        switch self {
        case .mariaDB:
            """
            SELECT t.trx_mysql_thread_id, t.trx_started, TIMESTAMPDIFF(MICROSECOND, t.trx_started, NOW(6)), t.trx_id
            FROM INFORMATION_SCHEMA.INNODB_TRX t JOIN INFORMATION_SCHEMA.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id
            WHERE (t.trx_rows_modified > 0 OR t.trx_state = 'LOCK WAIT') AND t.trx_mysql_thread_id <> CONNECTION_ID()
                AND p.DB = DATABASE()
            """
        case .singleStore:
            """
            SELECT DISTRIBUTED_XACT_ID, MIN(COALESCE(REAL_CLOCK_BEGIN_TIME_STAMP, NOW(6))),
                TIMESTAMPDIFF(MICROSECOND, MIN(COALESCE(REAL_CLOCK_BEGIN_TIME_STAMP, NOW(6))), NOW(6)), DISTRIBUTED_XACT_ID
            FROM INFORMATION_SCHEMA.MV_ACTIVE_DISTRIBUTED_TRANSACTIONS
            WHERE DATABASE_NAME = DATABASE() OR LEFT(DATABASE_NAME, CHAR_LENGTH(DATABASE()) + 1) = CONCAT(DATABASE(), '_')
            GROUP BY DISTRIBUTED_XACT_ID
            """
        }
    }

    /// The source's live list of transactions, `nil` where there is none: MariaDB/MySQL's
    /// `SHOW ENGINE INNODB STATUS` (needs PROCESS, like `INNODB_TRX`), which lists the transactions InnoDB has
    /// at the moment it is asked, where `INNODB_TRX` answers from a cache it refreshes only when it was not
    /// read for 100 ms (read more often, it shows transactions long gone, or none that are new). Read by
    /// `InnoDBStatus`. SingleStore's `MV_ACTIVE_DISTRIBUTED_TRANSACTIONS` is asked instead.
    var liveTransactionsSQL: String? {
        switch self {
        case .mariaDB: "SHOW ENGINE INNODB STATUS"
        case .singleStore: nil
        }
    }

    /// The other connections using this database (`PROCESSLIST.DB`, live), each with the statement it is
    /// running, how long it has run and whether it may write: any statement but one that only reads
    /// (`SELECT`, `WITH`, `SHOW`, `EXPLAIN`, `DESCRIBE`, after spaces, parentheses and `/* */` comments, as
    /// reporting tools prefix them: a long report must not hold the bound). No backslash in the pattern, so
    /// that it reads alike under `NO_BACKSLASH_ESCAPES`. Read by `LiveHolders.Session`.
    static let sessionsSQL = """
        SELECT ID, QUERY_ID, TIME_MS, COMMAND = 'Query' AND INFO IS NOT NULL
            AND INFO NOT REGEXP '^([[:space:]]|/[*].*[*]/)*[(]*[[:space:]]*(SELECT|SHOW|WITH|EXPLAIN|DESCRIBE|DESC)[[:space:]]'
        FROM INFORMATION_SCHEMA.PROCESSLIST WHERE DB = DATABASE() AND ID <> CONNECTION_ID()
        """

    /// Whether `error`, from `openTransactionsSQL`, means the server will not say (no PROCESS privilege: 1227;
    /// access to the view denied: 1142, 1044; no such view: 1109) rather than that the source failed.
    static func hidesTransactions(_ error: MariaDBError) -> Bool {
        error.code == .query && [1044, 1109, 1142, 1227].contains(error.errorNumber)
    }

    /// The width of a `BIT` whose `COLUMN_TYPE` gives none: MariaDB always writes `bit(n)`; SingleStore's
    /// `BIT` is 64 bits.
    var defaultBitWidth: Int {
        switch self {
        case .mariaDB: 1
        case .singleStore: 64
        }
    }
}
