import MariaDBClient

/// Initialises Connector/C before any thread exists, then hands over to the command line.
@main
enum Entry {
    static func main() async {
        do {
            try MariaDBLibrary.initialize()
        } catch {
            S2PGCommand.exit(withError: error)
        }
        await S2PGCommand.main()
    }
}
