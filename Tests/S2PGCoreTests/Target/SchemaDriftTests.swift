import Testing

@testable import S2PGCore

@Suite("Schema drift")
struct SchemaDriftTests {
    /// The mirror s2pg would have created for `plan`.
    static func shape(of plan: TablePlan) -> TargetTableShape {
        TargetTableShape(columns: plan.targetColumns, primaryKey: plan.targetKey)
    }

    static let original = [("id", "int(11)"), ("name", "varchar(20)"), ("updated_at", "datetime(6)")]

    @Test("no mirror yet: create it")
    func create() throws {
        #expect(try SchemaDrift.changes(from: nil, to: TestPlan.make(Self.original)) == [.createTable])
    }

    @Test("an unchanged source changes nothing")
    func unchanged() throws {
        let plan = try TestPlan.make(Self.original)
        #expect(try SchemaDrift.changes(from: Self.shape(of: plan), to: plan).isEmpty)
    }

    @Test("an added column is added; a dropped one is kept")
    func addedAndDropped() throws {
        let before = Self.shape(of: try TestPlan.make(Self.original))
        let after = try TestPlan.make([("id", "int(11)"), ("name", "varchar(20)"), ("email", "text"), ("updated_at", "datetime(6)")])
        #expect(try SchemaDrift.changes(from: before, to: after) == [.addColumn("email")])
        let dropped = try TestPlan.make([("id", "int(11)"), ("updated_at", "datetime(6)")])
        #expect(try SchemaDrift.changes(from: before, to: dropped) == [.keepDroppedColumn("name")])
    }

    @Test("widened types are widened, narrowed ones kept")
    func widening() throws {
        let before = Self.shape(of: try TestPlan.make(Self.original))
        let wider = try TestPlan.make([("id", "bigint(20)"), ("name", "varchar(50)"), ("updated_at", "datetime(6)")])
        #expect(
            try SchemaDrift.changes(from: before, to: wider) == [
                .widenColumn("id", from: .integer, to: .bigint), .widenColumn("name", from: .varchar(20), to: .varchar(50)),
            ])
        let narrower = try TestPlan.make([("id", "int(11)"), ("name", "varchar(10)"), ("updated_at", "datetime(6)")])
        #expect(
            try SchemaDrift.changes(from: before, to: narrower) == [
                .keepWiderColumn("name", has: .varchar(20), sourceNeeds: .varchar(10))
            ])
    }

    @Test("an incompatible type change stops the table and says how to rebuild it")
    func incompatible() throws {
        let before = Self.shape(of: try TestPlan.make(Self.original))
        let changed = try TestPlan.make([("id", "int(11)"), ("name", "int(11)"), ("updated_at", "datetime(6)")])
        #expect {
            try SchemaDrift.changes(from: before, to: changed)
        } throws: { error in
            let message = (error as? S2PGError)?.message ?? ""
            return message.contains("column name is character varying(20) in the mirror")
                && message.contains("s2pg full-load --table t")
        }
    }

    @Test("a changed key stops the table")
    func changedKey() throws {
        let before = Self.shape(of: try TestPlan.make(Self.original))
        let rekeyed = try TestPlan.make(Self.original, key: ["id", "name"])
        #expect { try SchemaDrift.changes(from: before, to: rekeyed) } throws: { ($0 as? S2PGError)?.code == .schemaDrift }
    }
}
