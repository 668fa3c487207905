import CMariaDB

/// Process-wide initialisation of Connector/C.
///
/// `mysql_library_init` is not thread-safe, so it must run once before connections are made on several
/// threads. The executable calls `initialize()` first thing; connections call it too, and Swift's
/// `static let` guarantees a single call either way.
public enum MariaDBLibrary {
    private static let initialized: Bool = s2pg_mysql_library_init() == 0

    /// Initialises the library once; later calls do nothing.
    public static func initialize() throws(MariaDBError) {
        guard initialized else {
            throw MariaDBError(code: .library, message: "mysql_library_init failed")
        }
    }
}
