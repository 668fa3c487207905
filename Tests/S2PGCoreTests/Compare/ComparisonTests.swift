import Testing

@testable import S2PGCore

/// The comparison behind verify, deletes and reconciles, without a database: its SQL, how buckets and rows
/// are matched, how keys print.
@Suite("Comparison")
struct ComparisonTests {
    typealias Row = RowDifferences.Row

    @Test("buckets differ when present on one side only or with other aggregates; MySQL's DECIMAL sums read as integers")
    func buckets() {
        let source = [0: BucketSum(rows: 2, sum1: "10", sum2: "20"), 1: BucketSum(rows: 1, sum1: "5", sum2: "6"), 3: BucketSum(rows: 1, sum1: "1", sum2: "1")]
        let target = [0: BucketSum(rows: 2, sum1: "10", sum2: "20"), 1: BucketSum(rows: 1, sum1: "5", sum2: "7"), 2: BucketSum(rows: 1, sum1: "1", sum2: "1")]
        #expect(BucketSum.differing(source: source, target: target) == [1, 2, 3])
        #expect(BucketSum(["4", "3", "123.0", "7"]) == BucketSum(rows: 3, sum1: "123", sum2: "7"))
        #expect(BucketSum(["4", "x", "1", "7"]) == nil)
        #expect(ComparisonQueries.buckets(forRows: 0) == 1)
        #expect(ComparisonQueries.buckets(forRows: 1_000_000) == 1_000_000 / ComparisonQueries.rowsPerBucket)
    }

    @Test("rows match by key: missing, extra, different; a keyless table's identical rows as a multiset")
    func rows() {
        let keyed = RowDifferences(
            source: [Row(keyText: "1", hash: "a", key: ["1"]), Row(keyText: "2", hash: "b", key: ["2"]), Row(keyText: "3", hash: "c", key: ["3"])],
            target: [Row(keyText: "2", hash: "b", key: ["2"]), Row(keyText: "3", hash: "x", key: ["3"]), Row(keyText: "4", hash: "d", key: ["4"])])
        #expect(keyed.missing.map(\.keyText) == ["1"])
        #expect(keyed.extra.map(\.keyText) == ["4"])
        #expect(keyed.different.map(\.keyText) == ["3"])

        let keyless = RowDifferences(
            source: [Row(keyText: "h1", hash: "h1", key: []), Row(keyText: "h1", hash: "h1", key: []), Row(keyText: "h2", hash: "h2", key: [])],
            target: [Row(keyText: "h1", hash: "h1", key: ["r1"]), Row(keyText: "h2", hash: "h2", key: ["r2"]), Row(keyText: "h2", hash: "h2", key: ["r3"])])
        #expect(keyless.missing.map(\.keyText) == ["h1"])
        #expect(keyless.extra.map(\.key) == [["r3"]])
        #expect(keyless.different.isEmpty)
        #expect(RowDifferences(source: [], target: []).isEmpty)
    }

    @Test("a table of 150 columns: PostgreSQL's row text is built without concat_ws, which takes 100 arguments")
    func wideTable() throws {
        let plan = try TestPlan.make([("id", "int(11)")] + (1...150).map { ("c\($0)", "int(11)") }, key: ["id"])
        let queries = ComparisonQueries(plan: plan, bucketing: .hashed(count: 8))
        #expect(!queries.targetBuckets.contains("concat_ws"))
        #expect(queries.targetBuckets.contains(#""c150""#))
        #expect(queries.sourceBuckets.contains("% 8 AS _s2pg_b"))
    }

    @Test("ZEROFILL integers and FLOAT(M,D)/DOUBLE(M,D) are compared as numbers, not as their padded display")
    func paddedNumbers() throws {
        let plan = try TestPlan.make([("id", "int(5) unsigned zerofill"), ("f", "float(7,4)"), ("d", "double(8,3)")], key: ["id"])
        let sql = ComparisonQueries(plan: plan).sourceBuckets
        #expect(sql.contains("CAST(`id` + 0 AS CHAR)"))
        #expect(sql.contains("CAST(CAST(`d` AS DOUBLE) AS CHAR)"))
        #expect(sql.contains("CAST(CAST(`f` AS DOUBLE) AS CHAR)"))
    }

    @Test("a range bucket's rows are read by their key's range, on both sides truncating toward zero", arguments: [
        (3, "`id` BETWEEN 300 AND 399"), (0, "`id` BETWEEN -99 AND 99"), (-2, "`id` BETWEEN -299 AND -200"),
    ])
    func ranges(_ bucket: Int, _ condition: String) throws {
        let plan = try TestPlan.make([("id", "bigint(20)")], key: ["id"])
        let queries = ComparisonQueries(plan: plan, bucketing: .ranges(width: 100))
        #expect(queries.sourceRows(among: [bucket]).hasSuffix("WHERE (\(condition))"))
        #expect(queries.targetRows(among: [bucket]).contains(#"ON "id" BETWEEN _s2pg_low AND _s2pg_high"#))
        #expect(ComparisonQueries.width(rows: 1_000_000, minimum: 1, maximum: 1_000_000) == ComparisonQueries.rowsPerBucket)
    }

    @Test("a kept bucketing is kept while within 4 times the ideal bucket size; it reads back from its text")
    func keptBucketing() {
        typealias Bucketing = ComparisonQueries.Bucketing
        #expect(Bucketing.ranges(width: 64).isClose(to: .ranges(width: 16)))
        #expect(!Bucketing.ranges(width: 65).isClose(to: .ranges(width: 16)))
        #expect(Bucketing.hashed(count: 1000).isClose(to: .hashed(count: 3999)))
        #expect(!Bucketing.hashed(count: 1000).isClose(to: .ranges(width: 1000)))
        for bucketing in [Bucketing.ranges(width: 16), .hashed(count: 4096)] {
            #expect(Bucketing(text: bucketing.text) == bucketing)
        }
        #expect(Bucketing(text: "ranges 0") == nil)
        #expect(Bucketing(text: "sorted 5") == nil)
        // 100M rows: at most 2^16 buckets, of 1,525 keys each, not 256.
        #expect(ComparisonQueries.width(rows: 100_000_000, minimum: 1, maximum: 100_000_000) == 1525)
    }

    @Test("a row's fingerprint: large values by their own CRC32, NULL told from empty by a flag per nullable column")
    func fingerprint() throws {
        let plan = try TestPlan.make([("id", "int(11)"), ("body", "longtext"), ("n", "int(11)")], key: ["id"])
        let queries = ComparisonQueries(plan: plan, bucketing: .ranges(width: 16))
        #expect(queries.sourceFingerprint == "CRC32(CONCAT_WS('\u{1F}', `id`, CRC32(`body`), `n`, CONCAT(ISNULL(`body`), ISNULL(`n`))))")
        #expect(queries.sourceFingerprints.hasPrefix("SELECT `id` DIV 16 AS _s2pg_b, COUNT(*), SUM(CRC32("))
        // The digest names the query: another bucketing, another basis.
        #expect(queries.fingerprintBasis != ComparisonQueries(plan: plan, bucketing: .ranges(width: 32)).fingerprintBasis)
        #expect(queries.fingerprintBasis == ComparisonQueries(plan: plan, bucketing: .ranges(width: 16)).fingerprintBasis)
    }

    @Test("keys print unambiguously: text quoted, composite keys in parentheses, keyless rows by hash")
    func display() throws {
        let plan = try TestPlan.make([("id", "int(11)"), ("tag", "varchar(5)"), ("day", "date")], key: ["id", "tag", "day"])
        let queries = ComparisonQueries(plan: plan)
        #expect(queries.display(Row(keyText: "", hash: "", key: ["1", "it's", "2020-01-01"])) == "(1, 'it''s', 2020-01-01)")
        let single = ComparisonQueries(plan: try TestPlan.make([("code", "varchar(5)")], key: ["code"]))
        #expect(single.display(Row(keyText: "", hash: "", key: ["x"])) == "'x'")
        let keyless = ComparisonQueries(plan: try TestPlan.make([("v", "int(11)")], key: []))
        #expect(keyless.display(Row(keyText: "abc", hash: "abc", key: ["abc-1"])) == "row abc")
    }

    @Test("comparing keys only reads the key alone (an integer key not even hashed); a keyless table always compares whole rows")
    func keysOnly() throws {
        let plan = try TestPlan.make([("id", "int(11)"), ("v", "varchar(5)")], key: ["id"])
        let ranges = ComparisonQueries(plan: plan, bucketing: .ranges(width: 100), keysOnly: true)
        #expect(ranges.sourceBuckets == "SELECT `id` DIV 100 AS _s2pg_b, COUNT(*), SUM(`id`), SUM((`id` % 3037000493) * (`id` % 3037000493) % 3037000493) FROM `t` GROUP BY _s2pg_b")
        #expect(!ranges.targetBuckets.contains("md5"))
        #expect(!ComparisonQueries(plan: plan, keysOnly: true).sourceBuckets.contains("`v`"))
        #expect(ComparisonQueries(plan: plan).sourceBuckets.contains("`v`"))
        #expect(ComparisonQueries(plan: try TestPlan.make([("code", "varchar(5)")], key: ["code"])).rangeKey == nil)
        let keyless = try TestPlan.make([("v", "int(11)")], key: [])
        #expect(!ComparisonQueries(plan: keyless, keysOnly: true).keysOnly)
    }

    @Test("rows read again by key: IN for one key column, AND terms for several; values rendered as literals")
    func rowsByKey() throws {
        let single = SourceQueries(plan: try TestPlan.make([("id", "int(11)"), ("v", "int(11)")], key: ["id"]))
        #expect(try single.rows(withKeys: [["1"], ["2"]]).hasSuffix("WHERE `id` IN (1, 2)"))
        let composite = SourceQueries(plan: try TestPlan.make([("a", "int(11)"), ("b", "varchar(5)")], key: ["a", "b"]))
        #expect(try composite.rows(withKeys: [["1", "x'y"]]).hasSuffix("WHERE (`a` = 1 AND `b` = 'x''y')"))
        #expect(throws: S2PGError.self) { try single.rows(withKeys: [["1 OR 1=1"]]) }
    }

    @Test("durations: seconds, or with a unit", arguments: [("90", 90), ("90s", 90), ("5m", 300), ("1h", 3600), ("0s", 0)])
    func durations(_ text: String, _ seconds: Int) {
        #expect(DurationText.seconds(text, minimum: 0) == seconds)
    }

    @Test("not durations", arguments: ["", "5x", "-1", "m", "ms", "1.5h", "99999999999999999999h", "9223372036854775807h"])
    func notDurations(_ text: String) {
        #expect(DurationText.seconds(text, minimum: 0) == nil)
        #expect(DurationText.duration(text) == nil)
    }

    @Test("a duration may be in milliseconds; whole seconds only where seconds are asked for")
    func milliseconds() {
        #expect(DurationText.duration("200ms") == .milliseconds(200))
        #expect(DurationText.duration("2") == .seconds(2))
        #expect(DurationText.duration("0ms") == .zero)
        #expect(DurationText.seconds("1500ms") == nil)
        #expect(DurationText.seconds("2000ms") == 2)
        #expect(DurationText.seconds("0s") == nil)
    }
}
