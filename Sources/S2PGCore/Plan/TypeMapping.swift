/// Source column types to PostgreSQL column types: lossless by default, one `switch` over the base type.
/// The README's type table documents this function; keep them together.
public struct TypeMapping: Sendable {
    /// Maps `TINYINT(1)` (MySQL's `BOOL`) to `boolean` instead of `smallint`.
    public var tinyint1AsBoolean: Bool
    /// The width of a `BIT` whose type gives none (the source's; see `SourceDialect.defaultBitWidth`).
    public var defaultBitWidth: Int

    public init(tinyint1AsBoolean: Bool = false, defaultBitWidth: Int = 1) {
        self.tinyint1AsBoolean = tinyint1AsBoolean
        self.defaultBitWidth = defaultBitWidth
    }

    public func map(_ type: SourceColumnType) -> MappedType {
        switch type.name {
        case "tinyint", "int1":
            if tinyint1AsBoolean, type.number(at: 0) == 1 { return MappedType(.boolean) }
            return MappedType(.smallint)
        case "bool", "boolean":
            return MappedType(tinyint1AsBoolean ? .boolean : .smallint)
        case "smallint", "int2":
            return MappedType(type.isUnsigned ? .integer : .smallint)
        case "mediumint", "middleint", "int3":
            return MappedType(.integer)
        case "int", "int4":
            return MappedType(type.isUnsigned ? .bigint : .integer)
        case "bigint", "int8":
            return MappedType(type.isUnsigned ? .numeric(precision: 20, scale: 0) : .bigint)
        case "decimal", "numeric", "dec", "fixed":
            return MappedType(.numeric(precision: type.number(at: 0) ?? 10, scale: type.number(at: 1) ?? 0))
        case "float", "float4":
            return MappedType(.real, read: .floatAsDouble)
        case "double", "float8", "real":
            return MappedType(.doublePrecision)
        case "bit":
            return MappedType(.bitVarying(type.number(at: 0) ?? defaultBitWidth))
        case "char", "varchar", "nchar", "nvarchar":
            // MySQL counts characters, as PostgreSQL does; CHAR(0) holds only '' and NULL.
            let length = type.number(at: 0) ?? 1
            return MappedType(length > 0 ? .varchar(length) : .text)
        case "tinytext", "text", "mediumtext", "longtext", "long":
            return MappedType(.text)
        case "binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob", "bson":
            return MappedType(.bytea)
        case "date":
            return MappedType(.date)
        case "datetime":
            return MappedType(.timestamp(precision: type.number(at: 0) ?? 0))
        case "timestamp":
            // Read in UTC, or with the sessions' zone attached (`SourceZone`): the instant is exact.
            return MappedType(.timestampWithTimeZone(precision: type.number(at: 0) ?? 0))
        case "time":
            // MySQL TIME is a duration from -838:59:59 to 838:59:59; PostgreSQL's time stops at 24:00.
            return MappedType(.interval(precision: type.number(at: 0) ?? 0))
        case "year":
            return MappedType(.smallint)
        case "json":
            return MappedType(.jsonb)
        case "enum":
            return MappedType(.text)
        case "set":
            return MappedType(.array(.text))
        case "geography", "geographypoint":
            // SingleStore sends geospatial values as WKT text.
            return MappedType(.text)
        case "geometry", "point", "linestring", "polygon", "multipoint", "multilinestring", "multipolygon",
            "geometrycollection", "geomcollection":
            return MappedType(.text, read: .spatialAsText)
        case "vector":
            return MappedType(.array(vectorElement(type.arguments.count > 1 ? type.arguments[1] : "F32")))
        default:
            return MappedType(
                .text, warning: "unknown source type \"\(type)\": mapped to text, values are copied as the server prints them")
        }
    }

    /// SingleStore `VECTOR(n, T)` element types.
    private func vectorElement(_ elementType: String) -> PostgresType {
        switch elementType.uppercased() {
        case "I8", "I16": .smallint
        case "I32": .integer
        case "I64": .bigint
        case "F64": .doublePrecision
        default: .real  // F16, F32 (the default)
        }
    }
}
