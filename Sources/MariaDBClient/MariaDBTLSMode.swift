/// How the connection to the source uses TLS, named as in MySQL's `--ssl-mode`.
public enum MariaDBTLSMode: String, CaseIterable, Sendable {
    /// Never TLS.
    case disabled
    /// TLS if the server offers it, plain otherwise.
    case preferred
    /// TLS or fail; the certificate is not checked.
    case required
    /// TLS, the certificate must chain to `tls_ca`. Connector/C 3.3 checks the host name in the same step,
    /// so this is as strict as `verify-identity`.
    case verifyCA = "verify-ca"
    /// TLS, the certificate must chain to `tls_ca` and name the host connected to.
    case verifyIdentity = "verify-identity"
}
