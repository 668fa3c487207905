import Testing

@testable import S2PGCore

@Suite("The mirror's SQL")
struct MirrorSQLTests {
    static let columns = [("id", "int(11)"), ("name", "varchar(20)"), ("updated_at", "datetime(6)")]

    @Test("a page: staged in the mirror's column types with its row order, upserted between bound ordinals, last of a key wins")
    func page() throws {
        let sql = MirrorSQL(plan: try TestPlan.make(Self.columns))
        #expect(sql.createStage == [
            "DROP TABLE IF EXISTS pg_temp.s2pg_stage",
            #"CREATE TEMP TABLE s2pg_stage AS SELECT "id", "name", "updated_at" FROM "public"."t" WITH NO DATA"#,
            "ALTER TABLE pg_temp.s2pg_stage ADD COLUMN _s2pg_ord integer",
        ])
        #expect(sql.copyToStage == #"COPY pg_temp.s2pg_stage ("id", "name", "updated_at", _s2pg_ord) FROM STDIN"#)
        var binds = Binds(["already bound"])
        let upsert = sql.upsert(&binds, first: 2500, last: 4999)
        #expect(binds.values == ["already bound", "2500", "4999"])
        #expect(upsert.contains("WHERE _s2pg_ord BETWEEN $2 AND $3 ORDER BY \"id\", _s2pg_ord DESC"))
        #expect(upsert.contains(#"SELECT DISTINCT ON ("id") "id", "name", "updated_at" FROM pg_temp.s2pg_stage"#))
        #expect(upsert.hasSuffix(#"ON CONFLICT ("id") "# + sql.conflictClause))
    }

    @Test("a key the mirror has is updated only when a value differs; with soft deletes it is unmarked; a key-only table does nothing")
    func conflict() throws {
        let plain = MirrorSQL(plan: try TestPlan.make(Self.columns))
        #expect(plain.conflictClause == #"DO UPDATE SET "name" = EXCLUDED."name", "updated_at" = EXCLUDED."updated_at", "_s2pg_synced_at" = now() WHERE ROW(t."name", t."updated_at") IS DISTINCT FROM ROW(EXCLUDED."name", EXCLUDED."updated_at")"#)
        let soft = MirrorSQL(plan: try TestPlan.make(Self.columns, sync: SyncConfiguration(deletes: .soft)))
        #expect(soft.conflictClause.hasSuffix(#", "_s2pg_deleted_at" = NULL WHERE ROW(t."name", t."updated_at") IS DISTINCT FROM ROW(EXCLUDED."name", EXCLUDED."updated_at") OR t."_s2pg_deleted_at" IS NOT NULL"#))
        let keyOnly = try TestPlan.make([("a", "int(11)"), ("b", "int(11)")], key: ["a", "b"])
        #expect(MirrorSQL(plan: keyOnly).conflictClause == "DO NOTHING")
        let keyOnlySoft = try TestPlan.make([("a", "int(11)"), ("b", "int(11)")], key: ["a", "b"], sync: SyncConfiguration(deletes: .soft))
        #expect(MirrorSQL(plan: keyOnlySoft).conflictClause == #"DO UPDATE SET "_s2pg_deleted_at" = NULL WHERE t."_s2pg_deleted_at" IS NOT NULL"#)
    }

    @Test("rows the source lost are deleted by keys bound as one typed array per key column, or marked with soft deletes")
    func removal() throws {
        let plan = try TestPlan.make([("a", "int(11)"), ("b", "varchar(10)"), ("v", "text")], key: ["a", "b"])
        var binds = Binds()
        let hard = MirrorSQL(plan: plan).removal(ofKeys: [["1", "x"], ["2", "y,z"]], &binds)
        #expect(hard == #"DELETE FROM "public"."t" AS m WHERE ("a", "b") IN (SELECT * FROM unnest($1::integer[], $2::character varying(10)[]))"#)
        #expect(binds.values == [#"{"1","2"}"#, #"{"x","y,z"}"#])
        let soft = try TestPlan.make([("a", "int(11)"), ("b", "varchar(10)"), ("v", "text")], key: ["a", "b"], sync: SyncConfiguration(deletes: .soft))
        #expect(MirrorSQL(plan: soft).removal(where: "true")
            == #"UPDATE "public"."t" AS m SET "_s2pg_deleted_at" = now() WHERE "_s2pg_deleted_at" IS NULL AND true"#)
    }

    @Test("a reload: a load table with kept columns, its key after the data, then swapped in or merged")
    func reload() throws {
        let sql = MirrorSQL(plan: try TestPlan.make(Self.columns))
        #expect(sql.loadTable == "_s2pg_load_t")
        let create = sql.createLoadTable(kept: [(name: "old", type: .text)])
        #expect(create[0] == #"DROP TABLE IF EXISTS "public"."_s2pg_load_t""#)
        #expect(create[1].hasPrefix(#"CREATE TABLE "public"."_s2pg_load_t" ("id" integer NOT NULL, "name" character varying(20)"#))
        #expect(create[1].contains(#", "old" text)"#))
        #expect(sql.addLoadKey == #"ALTER TABLE "public"."_s2pg_load_t" ADD CONSTRAINT "_s2pg_load_t_pkey" PRIMARY KEY ("id")"#)
        #expect(sql.swap == [
            #"DROP TABLE IF EXISTS "public"."t""#,
            #"ALTER TABLE "public"."_s2pg_load_t" RENAME TO "t""#,
            #"ALTER TABLE "public"."t" RENAME CONSTRAINT "_s2pg_load_t_pkey" TO "t_pkey""#,
        ])
        #expect(sql.merge[0] == #"DELETE FROM "public"."t" AS m WHERE NOT EXISTS (SELECT 1 FROM "public"."_s2pg_load_t" AS l WHERE l."id" = m."id")"#)
        #expect(sql.merge[1].hasSuffix(#"ON CONFLICT ("id") "# + sql.conflictClause))
        #expect(sql.merge[2] == #"DROP TABLE "public"."_s2pg_load_t""#)
        #expect(sql.carry(kept: ["old"]).contains(#"SET "old" = m."old""#))
    }

    @Test("a keyless table's rows get ids from their values and occurrence, and are merged by them")
    func keyless() throws {
        let sql = MirrorSQL(plan: try TestPlan.make([("name", "varchar(20)"), ("n", "int(11)")], key: []))
        #expect(sql.rowIDs[0].contains(#"md5(ROW(l."name", l."n")::text) || '-' || row_number() OVER (PARTITION BY md5(ROW(l."name", l."n")::text))"#))
        #expect(sql.rowIDs[1].hasSuffix(#"ALTER COLUMN "_s2pg_row_id" SET NOT NULL"#))
        #expect(sql.merge[1].contains(#"("name", "n", "_s2pg_row_id") SELECT "name", "n", "_s2pg_row_id""#))
    }
}
