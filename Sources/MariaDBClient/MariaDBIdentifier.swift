import ClientSupport

/// Quoting of MySQL/SingleStore identifiers.
public enum MariaDBIdentifier {
    /// Wraps a name in backticks, doubling any backtick inside, so any table or column name (reserved words,
    /// spaces, mixed case) can be written into SQL.
    public static func quote(_ name: String) -> String {
        name.quotedIdentifier(with: "`")
    }
}
