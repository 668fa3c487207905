import ArgumentParser

/// `--wait`, for the commands that wait for a table another s2pg process is working on.
struct WaitOption: ParsableArguments {
    @Option(help: "How long to wait for a table another s2pg process is working on: seconds, or with a unit (90s, 5m).")
    var wait: S2PGCommand.Interval = S2PGCommand.Interval(duration: .seconds(30))

    var duration: Duration { wait.duration }
}
