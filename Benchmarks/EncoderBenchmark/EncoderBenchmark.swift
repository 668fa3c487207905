import Benchmark
import MariaDBClient
import S2PGCore

/// 1,000 rows shaped like the benchmark's `orders` table, laid out in memory as Connector/C hands them over,
/// so the encoder (the hot path) is measured without a database: throughput, instructions and mallocs.
final class SampleRows: @unchecked Sendable {
    // @unchecked: built once, then only read.
    static let columns = 10
    let count = 1000
    let values: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
    let lengths: UnsafeMutablePointer<UInt>

    init() {
        values = .allocate(capacity: count * Self.columns)
        lengths = .allocate(capacity: count * Self.columns)
        for n in 1...count {
            let note = n % 20 == 0 ? nil : "Order \(n) note 0cc175b9c0f1b6a831c399e269772661" + (n % 500 == 1 ? "\ttab" : n % 500 == 4 ? " café ü 日本" : " thanks")
            let fields: [String?] = [
                String(n), String(1 + n % 100_000), "shipped", "\(n % 100000).\(n % 100)", String(1 + n % 10), note,
                n % 50 == 0 ? nil : #"{"sku": "SKU-\#(n % 5000)", "gift": false, "items": 3, "channel": "web"}"#,
                "2025-09-01 00:00:\(String(format2: n % 60)).000000", "2025-10-0\(1 + n % 9) 12:00:00.\(String(n % 1_000_000))", String(n % 2),
            ]
            for (column, field) in fields.enumerated() {
                let slot = (n - 1) * Self.columns + column
                if let field {
                    let bytes = Array(field.utf8)
                    let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count)
                    bytes.withUnsafeBufferPointer { buffer.update(from: UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), count: bytes.count) }
                    values[slot] = buffer
                    lengths[slot] = UInt(bytes.count)
                } else {
                    values[slot] = nil
                    lengths[slot] = 0
                }
            }
        }
    }

    func row(_ index: Int) -> MariaDBRow {
        MariaDBRow(values: values + index * Self.columns, lengths: lengths + index * Self.columns, count: Self.columns)
    }
}

extension String {
    init(format2 value: Int) {
        self = value < 10 ? "0\(value)" : String(value)
    }
}

/// Either encoder, as the benchmark drives it.
protocol SampleEncoder {
    var output: [UInt8] { get set }
    mutating func appendRow(_ row: borrowing MariaDBRow)
}

extension CopyEncoder: SampleEncoder {
    mutating func appendRow(_ row: borrowing MariaDBRow) { append(row) }
}

extension BinaryCopyEncoder: SampleEncoder {
    mutating func appendRow(_ row: borrowing MariaDBRow) { append(row, pieceBytes: .max) { _ in } }
}

/// One scaled iteration encodes one row, so every figure is per row: mallocs should be 0.
func encoderBenchmark<Encoder: SampleEncoder>(_ name: String, rows: SampleRows, _ make: @escaping @Sendable () -> Encoder) {
    Benchmark(name, configuration: .init(metrics: [.throughput, .wallClock, .instructions, .mallocCountTotal], scalingFactor: .kilo)) { benchmark in
        var encoder = make()
        encoder.output.reserveCapacity(1 << 21)
        var next = 0
        for _ in benchmark.scaledIterations {
            encoder.appendRow(rows.row(next))
            next = next == rows.count - 1 ? 0 : next + 1
            if encoder.output.count > 1 << 20 { encoder.output.removeAll(keepingCapacity: true) }
        }
        blackHole(encoder.output.count)
    }
}

let benchmarks: @Sendable () -> Void = {
    let rows = SampleRows()
    let encodings: [ValueEncoding] = [.number, .number, .text, .number, .number, .text, .text, .dateTime, .dateTime, .number]
    encoderBenchmark("CopyEncoder, orders row", rows: rows) { CopyEncoder(encodings: encodings) }
    // The same rows in binary COPY, as a reload of `orders` writes them (its mirror's column types).
    let fields: [BinaryField] = [.int64, .int32, .text, .numeric, .int32, .text, .json, .timestamp(key: false), .timestamp(key: false), .int16]
    encoderBenchmark("BinaryCopyEncoder, orders row", rows: rows) { BinaryCopyEncoder(fields: fields) }
}
