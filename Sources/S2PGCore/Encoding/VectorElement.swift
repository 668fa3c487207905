/// The element type of a SingleStore `VECTOR(n, T)`, and how one element is laid out when the server sends
/// the vector packed: from SingleStore 8.7 on, `vector_type_project_format` is BINARY unless a session sets
/// JSON, and a value is its elements one after another, little-endian (`VECTOR(2, I32)` `[1,2]` is
/// `01 00 00 00 02 00 00 00`). A packed value comes in a column of the binary character set (63); the
/// JSON form (`[1,2]`) in a text one. Source: singlestore-labs/singlestoredb-python,
/// `singlestoredb/mysql/protocol.py` (the field's charset 63 tells the packed form) and
/// `singlestoredb/converters.py` (`struct.unpack('<{n}f', ...)` and its kin for each element type).
public enum VectorElement: String, Sendable, Hashable, CaseIterable {
    case f16 = "F16", f32 = "F32", f64 = "F64", i8 = "I8", i16 = "I16", i32 = "I32", i64 = "I64"

    /// From `VECTOR(n, T)`'s second argument; `F32` when it is left out, as SingleStore does.
    public init(_ type: SourceColumnType) {
        self = type.arguments.count > 1 ? VectorElement(rawValue: type.arguments[1].uppercased()) ?? .f32 : .f32
    }

    public var byteCount: Int {
        switch self {
        case .i8: 1
        case .f16, .i16: 2
        case .f32, .i32: 4
        case .f64, .i64: 8
        }
    }

    /// The element at `offset` as PostgreSQL reads it back exactly: integers in decimal; floats in the
    /// shortest text that round-trips (`real` and `double precision` parse it to the very same value; a
    /// half-precision float is exact as a `real`).
    func text(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> String {
        func little<T: FixedWidthInteger>(_: T.Type) -> T {
            var value: T = 0
            for index in 0..<MemoryLayout<T>.size { value |= T(truncatingIfNeeded: bytes[offset + index]) << (8 * index) }
            return value
        }
        switch self {
        case .i8: return String(Int8(bitPattern: bytes[offset]))
        case .i16: return String(Int16(bitPattern: little(UInt16.self)))
        case .i32: return String(Int32(bitPattern: little(UInt32.self)))
        case .i64: return String(Int64(bitPattern: little(UInt64.self)))
        case .f16: return Self.floatText(Self.halfToFloat(little(UInt16.self)))
        case .f32: return Self.floatText(Float(bitPattern: little(UInt32.self)))
        case .f64: return Self.floatText(Double(bitPattern: little(UInt64.self)))
        }
    }

    private static func floatText<F: BinaryFloatingPoint & CustomStringConvertible>(_ value: F) -> String {
        value.isNaN ? "NaN" : value.isInfinite ? (value < 0 ? "-Infinity" : "Infinity") : value.description
    }

    /// IEEE 754 binary16 to binary32, exactly.
    static func halfToFloat(_ bits: UInt16) -> Float {
        let sign: UInt32 = UInt32(bits >> 15) << 31
        let exponent = Int((bits >> 10) & 0x1F)
        let fraction = UInt32(bits & 0x3FF)
        switch exponent {
        case 0:
            // Zero or subnormal: fraction × 2^-24.
            let magnitude = Float(fraction) * Float(sign: .plus, exponent: -24, significand: 1)
            return sign == 0 ? magnitude : -magnitude
        case 0x1F:
            return Float(bitPattern: sign | 0x7F80_0000 | fraction << 13)
        default:
            return Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | fraction << 13)
        }
    }
}
