/// An error of the replicator itself (as opposed to one of the databases'), with a `Code` to act on and a
/// message that says what to do.
public struct S2PGError: Error, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The state schema does not match this build's migrations.
        public static let migration = Code("migration")
    }

    public var code: Code
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
