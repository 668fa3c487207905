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

extension String {
    /// The statement with every string, hexadecimal and numeric literal replaced by `?`, for errors: a
    /// literal in s2pg's source SQL is a cursor or key value, row data that errors must not carry. With
    /// `backslashEscapes` (MySQL's string syntax), `\` escapes the next character inside a string.
    public func redactedSQL(backslashEscapes: Bool) -> String {
        let scalars = Array(unicodeScalars)
        var output = String.UnicodeScalarView()
        var index = 0
        func isWord(_ scalar: Unicode.Scalar) -> Bool {
            scalar == "_" || scalar == "$" || scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
        }
        while index < scalars.count {
            let scalar = scalars[index]
            switch scalar {
            case "`", "\"":
                // A quoted name, copied as it is (a doubled quote stays inside it).
                output.append(scalar)
                index += 1
                while index < scalars.count {
                    output.append(scalars[index])
                    index += 1
                    if scalars[index - 1] == scalar {
                        if index < scalars.count, scalars[index] == scalar {
                            output.append(scalar)
                            index += 1
                        } else {
                            break
                        }
                    }
                }
            case "'":
                index += 1
                while index < scalars.count {
                    if backslashEscapes, scalars[index] == "\\" {
                        index += 2
                    } else if scalars[index] == "'" {
                        index += 1
                        if index < scalars.count, scalars[index] == "'" { index += 1 } else { break }
                    } else {
                        index += 1
                    }
                }
                // `X'…'` and `_charset'…'` lose their prefix with the value.
                while let last = output.last, isWord(last) { output.removeLast() }
                output.append("?")
            case "0"..."9" where index == 0 || !isWord(scalars[index - 1]):
                while index < scalars.count, isWord(scalars[index]) || scalars[index] == "."
                    || ((scalars[index] == "-" || scalars[index] == "+") && (scalars[index - 1] == "e" || scalars[index - 1] == "E"))
                {
                    index += 1
                }
                output.append("?")
            default:
                output.append(scalar)
                index += 1
            }
        }
        return String(output)
    }
}
