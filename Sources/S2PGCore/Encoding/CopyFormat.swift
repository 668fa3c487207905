/// The format a reload's COPY data is in: binary when the table's every column has a binary form
/// (`BinaryField`) and `sync.copy_format` allows it, text otherwise. Incremental pages stage in text: they
/// are small, and their order column rides along.
public enum CopyFormat: Sendable, Hashable {
    case text
    case binary([BinaryField])

    public init(_ plan: TablePlan, binaryAllowed: Bool) {
        if binaryAllowed, let fields = BinaryField.all(of: plan) { self = .binary(fields) } else { self = .text }
    }

    /// What follows `COPY table (columns) FROM STDIN`.
    var option: String {
        switch self {
        case .text: ""
        case .binary: " (FORMAT binary)"
        }
    }

    /// What the COPY data begins and ends with besides its rows.
    var header: [UInt8] {
        switch self {
        case .text: []
        case .binary: BinaryCopyEncoder.header
        }
    }

    var trailer: [UInt8] {
        switch self {
        case .text: []
        case .binary: BinaryCopyEncoder.trailer
        }
    }
}
