/// PostgreSQL array literals, for binding a list as one parameter (`$1::text[]`).
public enum PostgresArray {
    /// `{"a","b\"c"}`: every element double-quoted with `"` and `\` escaped, so commas, braces, spaces and
    /// the word NULL stay plain text.
    public static func literal(_ elements: [String]) -> String {
        let quoted = elements.map { element in
            var text = "\""
            for character in element {
                if character == "\"" || character == "\\" { text.append("\\") }
                text.append(character)
            }
            return text + "\""
        }
        return "{" + quoted.joined(separator: ",") + "}"
    }
}
