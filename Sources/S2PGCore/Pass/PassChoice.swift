/// Which pass a table gets, decided from its plan and stored state: before its mirror is reconciled
/// (`Prospect`), then from what reconciling left (`choose`). Pure: unit-tested without a database.
enum PassChoice: Equatable {
    /// Read from the cursor at `position`.
    case incremental(from: ScanPosition)
    /// A full-mode table compared with its source and repaired in place.
    case compare
    /// Read whole into a new table swapped in; `reason` when the state asked for it.
    case reload(reason: String?)

    /// What the stored state allows, before the mirror is reconciled.
    struct Prospect: Equatable {
        /// An incremental table with a cursor and nothing pending goes on from its cursor.
        var continuing: Bool
        /// A full-mode table once loaded, with nothing pending, is compared with its source in place.
        var loaded: Bool
        /// The mirror needs no check: it is known to be in this very plan's shape (`inShape`), and the state is
        /// this plan's table's, going on from its cursor.
        var skipsReconcile: Bool

        init(plan: TablePlan, state: TableState?, inShape: Bool) {
            let pending = state?.refillReason != nil || state?.fullLoadTable != nil
            continuing = plan.mode == .incremental && state?.position != nil && !pending
            loaded = plan.mode == .full && state?.lastSuccessAt != nil && !pending
            skipsReconcile = inShape && continuing && state?.belongs(to: plan) == true
        }
    }

    /// The pass, once reconciling left `state` and made `changes`: a refill asked for, or a mirror that must
    /// be replaced, means a reload.
    static func choose(_ prospect: Prospect, state: TableState, changes: [SchemaChange]) -> PassChoice {
        if prospect.continuing, state.refillReason == nil, let position = state.position { return .incremental(from: position) }
        if prospect.loaded, state.refillReason == nil, !changes.contains(.replaceTable) { return .compare }
        return .reload(reason: state.refillReason)
    }

    /// The comparison an incremental pass makes after its reads, if any.
    enum Comparison: Equatable {
        /// Keys with their cursor values: rows missing, extra, or with another `updated_at`.
        case keys
        /// Whole rows.
        case rows
    }

    /// The comparison due after an incremental pass's reads: whole rows when that is due, or when the table
    /// has rows PostgreSQL refused (only whole rows find them all: an update refused leaves the mirror's old
    /// row under its key); keys when that is due; and, for a table with refused rows whose mirror just
    /// changed shape (`reshaped`), whole rows at once: the change may be their fix.
    static func comparison(keysDue: Bool, rowsDue: Bool, hasRejects: Bool, reshaped: Bool) -> Comparison? {
        guard keysDue || rowsDue || (reshaped && hasRejects) else { return nil }
        return rowsDue || hasRejects ? .rows : .keys
    }
}
