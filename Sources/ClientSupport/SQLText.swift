extension String {
    /// The name between two `quote` characters, each `quote` inside doubled: the identifier quoting of both
    /// MySQL (backticks) and PostgreSQL (double quotes).
    public func quotedIdentifier(with quote: Character) -> String {
        var quoted = String(quote)
        for character in self {
            quoted.append(character)
            if character == quote { quoted.append(quote) }
        }
        quoted.append(quote)
        return quoted
    }
}

extension String {
    /// A long generated statement cut to its first 500 characters, so that an error stays readable.
    public var abbreviatedSQL: String {
        count <= 500 ? self : String(prefix(500)) + " …"
    }
}
