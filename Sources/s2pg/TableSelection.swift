import ArgumentParser

/// `--table`, for the commands that work on some tables.
struct TableSelection: ParsableArguments {
    @Option(name: .customLong("table"), help: "Only this table (repeatable); all selected tables without it.")
    var tables: [String] = []
}
