/// A MySQL/SingleStore `COLUMN_TYPE`, parsed: `int(10) unsigned zerofill`, `decimal(65,30)`,
/// `enum('a''b','')`, `varchar(255) CHARACTER SET latin1`, `vector(128, F32)`.
///
/// Parsing never fails: an unknown or odd spelling still yields its base name, which the type mapping then
/// treats as unknown.
public struct SourceColumnType: Hashable, Sendable, CustomStringConvertible {
    /// The base type, lowercased (`int`, `decimal`, `enum`, `vector`, `double precision` → `double`).
    public var name: String
    /// What stood in parentheses: numbers, element types, or enum/set members with quotes removed.
    public var arguments: [String]
    public var isUnsigned: Bool
    public var isZerofill: Bool
    /// The text as the catalog gave it.
    public var description: String

    public init(_ text: String) {
        description = text
        var scanner = Scanner(Array(text.unicodeScalars))
        var name = scanner.word().lowercased()
        scanner.skipSpaces()
        // `double precision` is the only two-word base type MySQL prints.
        if name == "double", scanner.peekWord().lowercased() == "precision" { _ = scanner.word() }
        if name == "integer" { name = "int" }
        self.name = name
        arguments = scanner.arguments()
        var modifiers: [String] = []
        while !scanner.atEnd {
            let word = scanner.word().lowercased()
            if word.isEmpty { scanner.skip() } else { modifiers.append(word) }
        }
        isUnsigned = modifiers.contains("unsigned")
        isZerofill = modifiers.contains("zerofill")
    }

    /// The argument at `index` as a number, if it is one.
    public func number(at index: Int) -> Int? {
        index < arguments.count ? Int(arguments[index]) : nil
    }

    /// A cursor over the text's Unicode scalars.
    private struct Scanner {
        let scalars: [Unicode.Scalar]
        var position = 0

        init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

        var atEnd: Bool { position >= scalars.count }
        mutating func skip() { position += 1 }

        mutating func skipSpaces() {
            while !atEnd, scalars[position].properties.isWhitespace { position += 1 }
        }

        /// Letters, digits and underscores from here.
        mutating func word() -> String {
            skipSpaces()
            var word = ""
            while !atEnd, scalars[position] == "_" || scalars[position].properties.isAlphabetic
                || ("0"..."9").contains(scalars[position])
            {
                word.unicodeScalars.append(scalars[position])
                position += 1
            }
            return word
        }

        func peekWord() -> String {
            var copy = self
            return copy.word()
        }

        /// `( a, 'b''c', ... )`: bare tokens trimmed, quoted ones unescaped (`''` and backslash escapes).
        mutating func arguments() -> [String] {
            skipSpaces()
            guard !atEnd, scalars[position] == "(" else { return [] }
            position += 1
            var arguments: [String] = []
            var current = ""
            while !atEnd {
                let scalar = scalars[position]
                position += 1
                switch scalar {
                case "'":
                    current += quoted()
                case ",":
                    arguments.append(current.trimmingSpaces())
                    current = ""
                case ")":
                    arguments.append(current.trimmingSpaces())
                    return arguments
                default:
                    current.unicodeScalars.append(scalar)
                }
            }
            arguments.append(current.trimmingSpaces())
            return arguments
        }

        private mutating func quoted() -> String {
            var value = ""
            while !atEnd {
                let scalar = scalars[position]
                position += 1
                if scalar == "'" {
                    if !atEnd, scalars[position] == "'" {
                        value += "'"
                        position += 1
                    } else {
                        return value
                    }
                } else if scalar == "\\", !atEnd {
                    value.unicodeScalars.append(scalars[position])
                    position += 1
                } else {
                    value.unicodeScalars.append(scalar)
                }
            }
            return value
        }
    }
}

extension String {
    /// Without leading and trailing white space.
    func trimmingSpaces() -> String {
        let scalars = unicodeScalars.drop { $0.properties.isWhitespace }.reversed().drop { $0.properties.isWhitespace }
        var result = ""
        result.unicodeScalars.append(contentsOf: scalars.reversed())
        return result
    }
}
