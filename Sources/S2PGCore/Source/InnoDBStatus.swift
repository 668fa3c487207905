/// The TRANSACTIONS section of `SHOW ENGINE INNODB STATUS` (its `Status` text), as MariaDB and MySQL print
/// it: the monitor's time, then a block per transaction:
///
///     2026-12-05 03:05:11 0x7f47a4c2c6c0 INNODB MONITOR OUTPUT
///     ...
///     LIST OF TRANSACTIONS FOR EACH SESSION:
///     ---TRANSACTION 15576, ACTIVE 1 sec starting index read
///     LOCK WAIT 2 lock struct(s), heap size 1128, 1 row lock(s)
///     MariaDB thread id 4093, OS thread handle 131848237782720, query id 67293 127.0.0.1 s2pg Updating
///     ---TRANSACTION 15575, ACTIVE 1 sec
///     2 lock struct(s), heap size 1128, 1 row lock(s), undo log entries 1
///     MariaDB thread id 4092, ...
///
/// Pure; `nil` for a text without the list, or one the server cut short (`...truncated...`, past its size
/// limit), so that a transaction left out is never taken for one that ended.
struct InnoDBStatus: Sendable, Hashable {
    struct Transaction: Sendable, Hashable {
        /// InnoDB's `trx_id`.
        var id: String
        /// The connection (thread) id.
        var thread: Int?
        /// Whole seconds since it started, as the monitor counts them (its clock's seconds less the start's):
        /// the true age is under one more.
        var activeSeconds: Int
        /// It has undo log entries (it wrote rows) or waits for a row lock (to write: a blocked `UPDATE`
        /// stamped `NOW()` before it waits).
        var writes: Bool
    }

    /// When the monitor printed it, in the server's zone, whole seconds.
    var printedAt: SourceTimestamp
    /// The transactions listed, in every state but "not started".
    var transactions: [Transaction]

    init?(_ text: String) {
        guard !text.contains("...truncated..."),
            let printed = text.split(separator: "\n").first(where: { $0.hasSuffix("INNODB MONITOR OUTPUT") }),
            let printedAt = SourceTimestamp(String(printed.prefix(19))),
            let list = text.range(of: "LIST OF TRANSACTIONS FOR EACH SESSION:")
        else { return nil }
        self.printedAt = printedAt
        transactions = []
        let section = text[list.upperBound...]
        let listed = section.range(of: "\nFILE I/O\n").map { section[..<$0.lowerBound] } ?? section
        for block in listed.components(separatedBy: "\n---TRANSACTION ").dropFirst() {
            let lines = block.split(separator: "\n")
            guard let header = lines.first, let comma = header.firstIndex(of: ",") else { return nil }
            let state = header[header.index(after: comma)...].trimmingPrefix(" ")
            guard state.hasPrefix("ACTIVE") else {
                // Not started (MySQL lists every session's), or committed in memory: no rows to wait for.
                continue
            }
            guard let seconds = state.split(separator: " ").dropFirst().first(where: { Int($0) != nil }).flatMap({ Int($0) }) else { return nil }
            let thread = lines.lazy.compactMap { line -> Int? in
                guard let range = line.range(of: " thread id "), line.hasPrefix("MariaDB") || line.hasPrefix("MySQL") else { return nil }
                return Int(line[range.upperBound...].prefix { $0.isNumber })
            }.first
            let undo = lines.lazy.compactMap { line -> Int? in
                guard let range = line.range(of: "undo log entries ") else { return nil }
                return Int(line[range.upperBound...].prefix { $0.isNumber })
            }.first ?? 0
            let waits = lines.contains { $0.hasPrefix("LOCK WAIT") }
            transactions.append(
                Transaction(id: String(header[..<comma]), thread: thread, activeSeconds: seconds, writes: undo > 0 || waits))
        }
    }
}
