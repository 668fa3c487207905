import Testing

@testable import S2PGCore

@Suite("Type mapping")
struct TypeMappingTests {
    /// `COLUMN_TYPE` as MySQL, MariaDB or SingleStore print it → the PostgreSQL type (format_type form).
    static let cases: [(String, String)] = [
        ("tinyint(4)", "smallint"), ("tinyint(3) unsigned", "smallint"), ("tinyint(1)", "smallint"),
        ("tinyint", "smallint"), ("TINYINT(4)", "smallint"), ("bool", "smallint"),
        ("smallint(6)", "smallint"), ("smallint(5) unsigned", "integer"), ("smallint unsigned", "integer"),
        ("mediumint(9)", "integer"), ("mediumint(8) unsigned", "integer"),
        ("int(11)", "integer"), ("int", "integer"), ("integer", "integer"), ("int(10) unsigned", "bigint"),
        ("int(10) unsigned zerofill", "bigint"), ("int unsigned", "bigint"), ("INT(11) UNSIGNED", "bigint"),
        ("bigint(20)", "bigint"), ("bigint(20) unsigned", "numeric(20,0)"), ("bigint unsigned zerofill", "numeric(20,0)"),
        ("decimal(12,2)", "numeric(12,2)"), ("decimal(65,30)", "numeric(65,30)"), ("decimal(10,0) unsigned", "numeric(10,0)"),
        ("decimal(5)", "numeric(5,0)"), ("decimal", "numeric(10,0)"), ("numeric(8,3)", "numeric(8,3)"),
        ("float", "real"), ("float(7,3)", "real"), ("float unsigned", "real"),
        ("double", "double precision"), ("double(10,2)", "double precision"), ("double precision", "double precision"),
        ("real", "double precision"),
        ("bit(1)", "bit varying(1)"), ("bit(64)", "bit varying(64)"), ("bit", "bit varying(1)"),
        ("char(10)", "character varying(10)"), ("char(0)", "text"), ("varchar(255)", "character varying(255)"),
        ("varchar(255) CHARACTER SET latin1", "character varying(255)"),
        ("varchar(20) character set utf8mb4 collate utf8mb4_bin", "character varying(20)"),
        ("varchar(65535)", "character varying(65535)"),
        ("tinytext", "text"), ("text", "text"), ("mediumtext", "text"), ("longtext", "text"),
        ("binary(16)", "bytea"), ("varbinary(255)", "bytea"), ("tinyblob", "bytea"), ("blob", "bytea"),
        ("mediumblob", "bytea"), ("longblob", "bytea"), ("BSON", "bytea"), ("bson", "bytea"),
        ("date", "date"), ("datetime", "timestamp(0) without time zone"),
        ("datetime(6)", "timestamp(6) without time zone"), ("DATETIME(6)", "timestamp(6) without time zone"),
        ("datetime(3)", "timestamp(3) without time zone"),
        ("timestamp", "timestamp(0) with time zone"), ("timestamp(6)", "timestamp(6) with time zone"),
        ("TIMESTAMP(6)", "timestamp(6) with time zone"),
        ("time", "interval(0)"), ("time(6)", "interval(6)"), ("year(4)", "smallint"), ("year", "smallint"),
        ("json", "jsonb"), ("JSON", "jsonb"),
        ("enum('a','b')", "text"), ("enum('a''b','')", "text"), ("enum('x,y','z')", "text"),
        ("set('read','write','admin')", "text[]"), ("set('')", "text[]"),
        ("geography", "text"), ("GEOGRAPHY", "text"), ("geographypoint", "text"), ("GEOGRAPHYPOINT", "text"),
        ("geometry", "text"), ("point", "text"), ("polygon", "text"), ("multipolygon", "text"),
        ("geometrycollection", "text"),
        ("vector(3)", "real[]"), ("vector(1536, F32)", "real[]"), ("VECTOR(4, F64)", "double precision[]"),
        ("vector(8,I8)", "smallint[]"), ("vector(8, I16)", "smallint[]"), ("vector(8, I32)", "integer[]"),
        ("vector(8, I64)", "bigint[]"), ("vector(8, F16)", "real[]"),
        ("some_future_type", "text"),
    ]

    @Test("a COLUMN_TYPE maps to its lossless PostgreSQL type", arguments: cases)
    func mapping(_ columnType: String, _ postgres: String) {
        let mapped = TypeMapping().map(SourceColumnType(columnType))
        #expect(mapped.postgres.description == postgres)
        #expect(PostgresType(formatType: postgres) == mapped.postgres, "format_type text reads back")
    }

    @Test("there are more than sixty cases")
    func coverage() {
        #expect(Self.cases.count > 60)
    }

    @Test("TINYINT(1) becomes boolean only when asked", arguments: ["tinyint(1)", "tinyint(1) unsigned", "bool"])
    func tinyint1(_ columnType: String) {
        #expect(TypeMapping(tinyint1AsBoolean: true).map(SourceColumnType(columnType)).postgres == .boolean)
        #expect(TypeMapping(tinyint1AsBoolean: false).map(SourceColumnType(columnType)).postgres == .smallint)
        #expect(TypeMapping(tinyint1AsBoolean: true).map(SourceColumnType("tinyint(4)")).postgres == .smallint)
    }

    @Test("spatial MySQL types are read as WKT; SingleStore's geography already is")
    func spatialReads() {
        #expect(TypeMapping().map(SourceColumnType("point")).read == .spatialAsText)
        #expect(TypeMapping().map(SourceColumnType("geography")).read == .column)
        #expect(TypeMapping().map(SourceColumnType("int")).read == .column)
    }

    @Test("an unknown type maps to text with a warning, never a crash")
    func unknown() {
        let mapped = TypeMapping().map(SourceColumnType("hyperloglog(12)"))
        #expect(mapped.postgres == .text)
        #expect(mapped.warning?.contains("hyperloglog(12)") == true)
        #expect(TypeMapping().map(SourceColumnType("int")).warning == nil)
    }

    @Test(
        "COLUMN_TYPE text is parsed into name, arguments and modifiers",
        arguments: [
            ("int(10) unsigned zerofill", "int", ["10"], true, true),
            ("decimal(65,30)", "decimal", ["65", "30"], false, false),
            ("enum('a''b','')", "enum", ["a'b", ""], false, false),
            (#"enum('it\'s','x,y')"#, "enum", ["it's", "x,y"], false, false),
            ("set('read','write')", "set", ["read", "write"], false, false),
            ("varchar(255) CHARACTER SET latin1", "varchar", ["255"], false, false),
            ("vector(1536, F32)", "vector", ["1536", "F32"], false, false),
            ("double precision", "double", [], false, false),
            ("BIGINT UNSIGNED", "bigint", [], true, false),
            ("", "", [], false, false),
        ] as [(String, String, [String], Bool, Bool)])
    func parsing(_ text: String, _ name: String, _ arguments: [String], _ unsigned: Bool, _ zerofill: Bool) {
        let type = SourceColumnType(text)
        #expect(type.name == name)
        #expect(type.arguments == arguments)
        #expect(type.isUnsigned == unsigned)
        #expect(type.isZerofill == zerofill)
        #expect(type.description == text)
    }

    @Test(
        "a wider type holds a narrower one, never the reverse",
        arguments: [
            (PostgresType.varchar(50), PostgresType.varchar(20), true),
            (.varchar(20), .varchar(50), false),
            (.text, .varchar(20), true),
            (.bigint, .integer, true), (.integer, .bigint, false), (.integer, .smallint, true),
            (.numeric(precision: 20, scale: 0), .bigint, true), (.numeric(precision: 12, scale: 2), .bigint, false),
            (.numeric(precision: 14, scale: 4), .numeric(precision: 12, scale: 2), true),
            (.numeric(precision: 12, scale: 4), .numeric(precision: 12, scale: 2), false),
            (.doublePrecision, .real, true), (.real, .doublePrecision, false),
            (.timestamp(precision: 6), .timestamp(precision: 0), true),
            (.timestamp(precision: 0), .timestamp(precision: 6), false),
            (.timestamp(precision: 6), .timestampWithTimeZone(precision: 6), false),
            (.array(.doublePrecision), .array(.real), true),
            (.integer, .text, false), (.text, .integer, false), (.jsonb, .text, false),
        ] as [(PostgresType, PostgresType, Bool)])
    func holding(_ wide: PostgresType, _ narrow: PostgresType, _ holds: Bool) {
        #expect(wide.canHold(narrow) == holds)
    }
}
