import QuadraCore

// Changes sent to A-Cube, each exactly once (apis.md): `begin…` before the request, `finish…` after it, and after
// an unknown outcome (a record still `pending`, or `unknown`) list at A-Cube before `restart…` and sending again.

extension StateStore {
    // MARK: - Emergency report submissions, by (PEM, fiscal day)

    /// The submission recorded for `key`, if any.
    public func submission(_ key: PemDay) throws -> SubmissionRecord? {
        try withDatabase("read the emergency report submission for \(key.pem) \(key.day)") { database in
            try StateTables.submission.one(database, key, store: self)
        }
    }

    /// Records the submission for `key` as `pending` before it is sent. When a record exists it is returned
    /// unchanged: look at its status before sending anything.
    @discardableResult
    public func beginSubmission(_ key: PemDay, bodySHA256: String, at: Instant) throws -> SubmissionRecord {
        try withDatabase("record the emergency report submission for \(key.pem) \(key.day)") { database in
            try StateTables.submission.begin(database, key, extra: [.text(bodySHA256)], at: at, store: self)
        }
    }

    /// Records the outcome of sending the submission for `key`. A submission recorded as accepted or already present
    /// is never changed: finishing it again as successful keeps it, as anything else is refused.
    @discardableResult
    public func finishSubmission(
        _ key: PemDay, status: SubmissionStatus, acubeId: String?, detail: String?, at: Instant
    ) throws -> SubmissionRecord {
        try withDatabase("record the outcome of the emergency report submission for \(key.pem) \(key.day)") {
            database in
            try StateTables.submission.finish(
                database, key, outcome: status,
                fields: [acubeId.map(SQLiteValue.text) ?? .null, detail.map(SQLiteValue.text) ?? .null], at: at,
                store: self)
        }
    }

    /// Records an unsuccessful submission (rejected, unknown, or pending after a crash) as `pending` again, with the
    /// body about to be sent. Call it only after A-Cube's list showed that the report is not there.
    @discardableResult
    public func restartSubmission(_ key: PemDay, bodySHA256: String, at: Instant) throws -> SubmissionRecord {
        try withDatabase("record the new emergency report submission for \(key.pem) \(key.day)") { database in
            try StateTables.submission.restart(database, key, extra: [.text(bodySHA256)], at: at, store: self)
        }
    }

    /// Every submission, by PEM and fiscal day.
    public func submissions() throws -> [SubmissionRecord] {
        try withDatabase("read the emergency report submissions") { database in
            try StateTables.submission.all(database, store: self)
        }
    }

    // MARK: - Offline period notifications, by (PEM, client window start)

    /// The notification recorded for the window starting at `key`, if any.
    public func offlinePeriod(_ key: PemInstant) throws -> OfflinePeriodRecord? {
        try withDatabase("read the offline period notification for \(key.pem) from \(key.instant.utcString)") {
            database in
            try StateTables.offlinePeriod.one(database, key, store: self)
        }
    }

    /// Records the notification of the window `key`…`end` as `pending` before it is sent. When a record exists it
    /// is returned unchanged.
    @discardableResult
    public func beginOfflinePeriod(_ key: PemInstant, end: Instant, at: Instant) throws -> OfflinePeriodRecord {
        try withDatabase("record the offline period notification for \(key.pem) from \(key.instant.utcString)") {
            database in
            try StateTables.offlinePeriod.begin(database, key, extra: [.integer(end.millis)], at: at, store: self)
        }
    }

    /// Records the outcome of notifying the window `key`; a successful record is never changed.
    @discardableResult
    public func finishOfflinePeriod(_ key: PemInstant, status: SubmissionStatus, detail: String?, at: Instant) throws
        -> OfflinePeriodRecord
    {
        try withDatabase(
            "record the outcome of the offline period notification for \(key.pem) from \(key.instant.utcString)"
        ) { database in
            try StateTables.offlinePeriod.finish(
                database, key, outcome: status, fields: [detail.map(SQLiteValue.text) ?? .null], at: at, store: self)
        }
    }

    /// Records an unsuccessful notification as `pending` again, with the window end about to be sent.
    @discardableResult
    public func restartOfflinePeriod(_ key: PemInstant, end: Instant, at: Instant) throws -> OfflinePeriodRecord {
        try withDatabase(
            "record the new offline period notification for \(key.pem) from \(key.instant.utcString)"
        ) { database in
            try StateTables.offlinePeriod.restart(database, key, extra: [.integer(end.millis)], at: at, store: self)
        }
    }

    /// Every offline period notification, by PEM and window start.
    public func offlinePeriods() throws -> [OfflinePeriodRecord] {
        try withDatabase("read the offline period notifications") { database in
            try StateTables.offlinePeriod.all(database, store: self)
        }
    }

    // MARK: - Journal closes, by (PEM, fiscal day)

    /// The journal close recorded for `key`, if any.
    public func journalClose(_ key: PemDay) throws -> JournalCloseRecord? {
        try withDatabase("read the journal close for \(key.pem) \(key.day)") { database in
            try StateTables.journalClose.one(database, key, store: self)
        }
    }

    /// Records the journal close for `key` as `pending` before it is requested. When a record exists it is returned
    /// unchanged.
    @discardableResult
    public func beginJournalClose(_ key: PemDay, at: Instant) throws -> JournalCloseRecord {
        try withDatabase("record the journal close for \(key.pem) \(key.day)") { database in
            try StateTables.journalClose.begin(database, key, extra: [], at: at, store: self)
        }
    }

    /// Records the outcome of the journal close for `key` (a 409 "no open journal" is `alreadyPresent`); a
    /// successful record is never changed.
    @discardableResult
    public func finishJournalClose(_ key: PemDay, status: SubmissionStatus, detail: String?, at: Instant) throws
        -> JournalCloseRecord
    {
        try withDatabase("record the outcome of the journal close for \(key.pem) \(key.day)") { database in
            try StateTables.journalClose.finish(
                database, key, outcome: status, fields: [detail.map(SQLiteValue.text) ?? .null], at: at, store: self)
        }
    }

    /// Records an unsuccessful journal close as `pending` again, before it is requested again.
    @discardableResult
    public func restartJournalClose(_ key: PemDay, at: Instant) throws -> JournalCloseRecord {
        try withDatabase("record the new journal close for \(key.pem) \(key.day)") { database in
            try StateTables.journalClose.restart(database, key, extra: [], at: at, store: self)
        }
    }

    /// Every journal close, by PEM and fiscal day.
    public func journalCloses() throws -> [JournalCloseRecord] {
        try withDatabase("read the journal closes") { database in
            try StateTables.journalClose.all(database, store: self)
        }
    }
}
