import CLibPQ

/// Checks of `postgresql://` URLs with libpq's own parser, so s2pg accepts exactly what libpq does.
public enum PostgresURL {
    /// Why libpq rejects `url`, or `nil` when it parses. A password inside the URL never appears in the
    /// answer.
    public static func problem(in url: String) -> String? {
        var message: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(url, &message) else {
            var text = message.map { String(cString: $0) } ?? "libpq cannot parse it"
            PQfreemem(message)
            while text.last?.isWhitespace == true { text.removeLast() }
            if let password = password(in: url), !password.isEmpty {
                // libpq quotes the offending token, sometimes the whole URL: hide the password in both.
                text = text.replacing(url, with: url.replacing(password, with: "***"))
                text = text.replacing(password, with: "***")
            }
            return text
        }
        PQconninfoFree(options)
        return nil
    }

    /// The raw password part of `scheme://user:password@host...`.
    private static func password(in url: String) -> Substring? {
        guard let schemeEnd = url.firstRange(of: "://") else { return nil }
        let rest = url[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" }
        guard let at = authority.lastIndex(of: "@") else { return nil }
        let userInfo = authority[..<at]
        guard let colon = userInfo.firstIndex(of: ":") else { return nil }
        return userInfo[userInfo.index(after: colon)...]
    }
}
