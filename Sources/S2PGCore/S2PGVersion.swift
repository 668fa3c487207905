/// The version `s2pg --version` prints.
public enum S2PGVersion {
    public static let current = "0.1.0"
}
