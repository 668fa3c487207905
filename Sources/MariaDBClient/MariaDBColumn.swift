import CMariaDB

/// One column of a result set, as `mysql_fetch_fields` describes it.
public struct MariaDBColumn: Hashable, Sendable {
    public var name: String
    public var type: MariaDBFieldType
    public var flags: UInt32
    /// Character set number; 63 is `binary`: the value is bytes, not text.
    public var characterSet: UInt32
    public var decimals: UInt32

    public var isUnsigned: Bool { flags & UInt32(UNSIGNED_FLAG) != 0 }
    public var isBinary: Bool { characterSet == 63 }

    public init(name: String, type: MariaDBFieldType, flags: UInt32 = 0, characterSet: UInt32 = 45, decimals: UInt32 = 0) {
        self.name = name
        self.type = type
        self.flags = flags
        self.characterSet = characterSet
        self.decimals = decimals
    }

    init(_ field: MYSQL_FIELD) {
        let name = UnsafeRawBufferPointer(start: field.name, count: Int(field.name_length))
        self.init(
            name: String(decoding: name, as: UTF8.self), type: MariaDBFieldType(field.type), flags: field.flags,
            characterSet: field.charsetnr, decimals: field.decimals)
    }
}
