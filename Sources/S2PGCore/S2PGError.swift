/// An error of the replicator itself (as opposed to one of the databases'), with a `Code` to act on and a
/// message that says what to do.
public struct S2PGError: Error, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The state schema does not match this build's migrations.
        public static let migration = Code("migration")
        /// The configuration names something the source does not have.
        public static let configuration = Code("configuration")
        /// The source catalog cannot be mirrored as it is (reserved or colliding names).
        public static let catalog = Code("catalog")
        /// The source answered something s2pg cannot use (a clock that is not a date and time).
        public static let source = Code("source")
        /// The state schema holds something s2pg cannot use (a damaged cursor).
        public static let state = Code("state")
        /// The source table changed in a way the mirror cannot follow by itself.
        public static let schemaDrift = Code("schema drift")
        /// A pass would delete more of a mirror than `sync.max_delete_fraction` allows: nothing was deleted.
        public static let massDelete = Code("mass delete")
    }

    public var code: Code
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
