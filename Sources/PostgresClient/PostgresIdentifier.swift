import ClientSupport

/// Quoting of PostgreSQL identifiers, as `PQescapeIdentifier` does it, without needing a connection.
public enum PostgresIdentifier {
    /// Wraps a name in double quotes, doubling any double quote inside: case is preserved and reserved
    /// words (`order`, `user`) work. The database encoding is UTF-8, so no multibyte check is needed.
    public static func quote(_ name: String) -> String {
        name.quotedIdentifier(with: "\"")
    }

    /// `"schema"."name"`.
    public static func qualified(_ schema: String, _ name: String) -> String {
        quote(schema) + "." + quote(name)
    }
}
