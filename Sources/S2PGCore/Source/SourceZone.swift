import MariaDBClient

/// The time zone the source's sessions are in, read back after s2pg asked for UTC. MariaDB and MySQL take
/// `SET time_zone = '+00:00'`; SingleStore ignores it, and its sessions stay in the server's zone
/// (`@@time_zone`, or `@@system_time_zone` when that says `SYSTEM`): TIMESTAMP values and `NOW()` then
/// come in that zone, and s2pg converts them itself (docs.singlestore.com, time zone variables).
public enum SourceZone: Sendable, Hashable, CustomStringConvertible {
    case utc
    /// A zone PostgreSQL reads in a timestamptz literal: an offset (`+02:00`, east positive) or an IANA name.
    case zone(String)

    public var description: String {
        switch self {
        case .utc: "UTC"
        case .zone(let name): name
        }
    }

    static func detect(on connection: isolated MariaDBConnection, configured: String?) throws -> SourceZone {
        let session = try connection.query("SELECT @@session.time_zone").strings.first?.first ?? nil
        // Only needed when the session says SYSTEM; a server without the variable leaves it unknown.
        var system: String?
        if session?.uppercased() == "SYSTEM" {
            do {
                system = try connection.query("SELECT @@system_time_zone").strings.first?.first ?? nil
            } catch let error as MariaDBError where error.errorNumber == 1193 {
                system = nil
            }
        }
        return try resolve(session: session ?? "", system: system, configured: configured)
    }

    private static let utcNames: Set<String> = ["+00:00", "-00:00", "UTC", "GMT", "ETC/UTC", "ETC/GMT", "UNIVERSAL", "ZULU", "Z"]

    /// The session's zone from what the server reports. An abbreviation (`CDT`) names no zone (CDT is
    /// America/Chicago half the year, and other places too): then `configured` (`source.time_zone`) must.
    static func resolve(session: String, system: String?, configured: String?) throws(S2PGError) -> SourceZone {
        let reported = session.uppercased() == "SYSTEM" ? system ?? "" : session
        if utcNames.contains(reported.uppercased()) { return .utc }
        if let offset = offset(reported) { return .zone(offset) }
        if reported.contains("/") { return .zone(reported) }
        if let configured { return offset(configured).map(SourceZone.zone) ?? .zone(configured) }
        // A configuration to complete, not a passing failure: `run` stops on it rather than retry.
        throw S2PGError(
            code: .configuration,
            message: "the source's sessions are in time zone \(reported.isEmpty ? "(none reported)" : reported), which names no "
                + "single zone, and TIMESTAMP values arrive in it (SingleStore ignores SET time_zone): set source.time_zone "
                + "to the server's zone, e.g. \"America/Chicago\" or \"-05:00\"")
    }

    /// `+2:00` → `+02:00`; `nil` for anything that is not an offset.
    static func offset(_ text: String) -> String? {
        let parts = text.dropFirst().split(separator: ":", omittingEmptySubsequences: false)
        guard let sign = text.first, sign == "+" || sign == "-", parts.count == 2, let hours = Int(parts[0]),
            let minutes = Int(parts[1]), parts[1].count == 2, (0...14).contains(hours), (0...59).contains(minutes)
        else { return nil }
        return "\(sign)\(hours < 10 ? "0" : "")\(hours):\(parts[1])"
    }

    /// What follows a TIMESTAMP value in COPY text so that PostgreSQL reads it in this zone; `nil` for UTC
    /// (the staging session's own zone).
    var copySuffix: [UInt8]? {
        guard case .zone(let name) = self else { return nil }
        return Array(" \(name)".utf8)
    }

    /// A timestamptz column of the mirror as local time in this zone, in PostgreSQL SQL. An offset goes as an
    /// interval: as a string, PostgreSQL would read `+02:00` with the POSIX sign, west positive.
    func postgresLocalTime(_ column: String) -> String {
        switch self {
        case .utc: "(\(column) AT TIME ZONE 'UTC')"
        case .zone(let name) where SourceZone.offset(name) != nil: "(\(column) AT TIME ZONE INTERVAL '\(name)')"
        case .zone(let name): "(\(column) AT TIME ZONE '\(name.replacing("'", with: "''"))')"
        }
    }
}
