import MariaDBClient

/// The source's clock, in the zone a cursor column is written in (see `SourceQueries.clock`). Never the
/// local machine's clock.
public enum SourceClock {
    public static func now(
        on connection: MariaDBConnection, isTimestamp: Bool, timeZone: String?, sessionZone: SourceZone
    ) async throws -> SourceTimestamp {
        let statements = SourceQueries.clock(isTimestamp: isTimestamp, timeZone: timeZone, sessionZone: sessionZone)
        let text = try await connection.run { connection in
            var value: String?
            for statement in statements {
                if statement.hasPrefix("SELECT") {
                    value = try connection.query(statement).strings.first?.first ?? nil
                } else {
                    try connection.execute(statement)
                }
            }
            return value
        }
        return try timestamp(text)
    }

    /// The source's clock in UTC, whatever its zones: what a mirror is current as of.
    public static func utc(on connection: MariaDBConnection) async throws -> SourceTimestamp {
        try timestamp(try await connection.run { try $0.query("SELECT UTC_TIMESTAMP(6)").strings.first?.first ?? nil })
    }

    private static func timestamp(_ text: String?) throws -> SourceTimestamp {
        guard let text, let now = SourceTimestamp(text) else {
            throw S2PGError(code: .source, message: "the source's clock returned \(text ?? "NULL"), not a date and time")
        }
        return now
    }
}
