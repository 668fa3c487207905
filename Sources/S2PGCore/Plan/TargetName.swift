import Crypto

/// PostgreSQL names for source names: the same name when it fits in PostgreSQL's 63 bytes, otherwise a
/// deterministic shortening with a hash suffix, so two long names that share a prefix never collide.
/// Case is kept: `Orders` and `orders` stay two tables.
public enum TargetName {
    public static let maximumBytes = 63

    public static func `for`(_ sourceName: String) -> String {
        guard sourceName.utf8.count > maximumBytes else { return sourceName }
        let digest = SHA256.hash(data: Array(sourceName.utf8))
        let suffix = digest.prefix(4).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
        // Whole characters only, so a multibyte character is never cut in half.
        var prefix = ""
        for character in sourceName {
            guard prefix.utf8.count + String(character).utf8.count <= maximumBytes - 1 - suffix.count else { break }
            prefix.append(character)
        }
        return prefix + "_" + suffix
    }
}
