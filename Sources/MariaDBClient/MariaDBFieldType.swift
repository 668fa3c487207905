import CMariaDB

/// The wire type of a result column (`enum_field_types`), which says how its text is to be read.
public enum MariaDBFieldType: Hashable, Sendable {
    case tiny, short, int24, long, longLong
    case float, double, decimal
    case bit
    case date, time, datetime, timestamp, year
    case char, varChar, blob
    case json, enumeration, set, geometry
    case null
    /// A type code this version of s2pg does not know; its value is kept as bytes.
    case other(UInt32)

    init(_ type: enum_field_types) {
        switch type {
        case MYSQL_TYPE_TINY: self = .tiny
        case MYSQL_TYPE_SHORT: self = .short
        case MYSQL_TYPE_INT24: self = .int24
        case MYSQL_TYPE_LONG: self = .long
        case MYSQL_TYPE_LONGLONG: self = .longLong
        case MYSQL_TYPE_FLOAT: self = .float
        case MYSQL_TYPE_DOUBLE: self = .double
        case MYSQL_TYPE_DECIMAL, MYSQL_TYPE_NEWDECIMAL: self = .decimal
        case MYSQL_TYPE_BIT: self = .bit
        case MYSQL_TYPE_DATE, MYSQL_TYPE_NEWDATE: self = .date
        case MYSQL_TYPE_TIME, MYSQL_TYPE_TIME2: self = .time
        case MYSQL_TYPE_DATETIME, MYSQL_TYPE_DATETIME2: self = .datetime
        case MYSQL_TYPE_TIMESTAMP, MYSQL_TYPE_TIMESTAMP2: self = .timestamp
        case MYSQL_TYPE_YEAR: self = .year
        case MYSQL_TYPE_STRING: self = .char
        case MYSQL_TYPE_VARCHAR, MYSQL_TYPE_VAR_STRING: self = .varChar
        case MYSQL_TYPE_TINY_BLOB, MYSQL_TYPE_MEDIUM_BLOB, MYSQL_TYPE_LONG_BLOB, MYSQL_TYPE_BLOB: self = .blob
        case MYSQL_TYPE_JSON: self = .json
        case MYSQL_TYPE_ENUM: self = .enumeration
        case MYSQL_TYPE_SET: self = .set
        case MYSQL_TYPE_GEOMETRY: self = .geometry
        case MYSQL_TYPE_NULL: self = .null
        default: self = .other(type.rawValue)
        }
    }
}
