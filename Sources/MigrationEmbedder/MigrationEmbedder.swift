import Foundation

/// Build tool: turns `migrations/NNNN_name.sql` into Swift source, so the `s2pg` binary carries its
/// migrations and works when copied alone. Arguments: the output file, then the SQL files.
@main
struct MigrationEmbedder {
    static func main() throws {
        let arguments = CommandLine.arguments.dropFirst()
        guard let output = arguments.first else {
            fatalError("usage: MigrationEmbedder OUTPUT.swift FILE.sql ...")
        }
        let files = arguments.dropFirst().sorted { ($0 as NSString).lastPathComponent < ($1 as NSString).lastPathComponent }
        var entries: [String] = []
        for file in files {
            let filename = (file as NSString).lastPathComponent
            let stem = (filename as NSString).deletingPathExtension
            let parts = stem.split(separator: "_", maxSplits: 1)
            guard parts.count == 2, let version = Int(parts[0]), !parts[1].isEmpty else {
                fatalError("\(file): migration files are named NNNN_name.sql")
            }
            let sql = try String(contentsOfFile: file, encoding: .utf8)
            entries.append(
                "        Migration(version: \(version), name: \(literal(String(parts[1]))), sql: \(literal(sql))),")
        }
        let source = """
            // Generated at build time by MigrationEmbedder from migrations/*.sql. Do not edit.
            extension Migration {
                /// The migrations of the `migrations/` folder, in version order.
                public static let embedded: [Migration] = [
            \(entries.joined(separator: "\n"))
                ]
            }

            """
        try source.write(toFile: output, atomically: true, encoding: .utf8)
    }

    /// A Swift string literal holding `text` exactly.
    static func literal(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
