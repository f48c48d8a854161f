import CSQLite

/// The state store's schema, its versions and the checks made when a file is opened.
///
/// `PRAGMA application_id` marks a file as a Quadra state store and `PRAGMA user_version` holds its schema
/// version. `migrations[n]` takes a file from version n to n + 1 and sets both pragmas itself (pragma values
/// cannot be bound, so each migration spells them as literals). Add a version by appending a migration.
enum StateStoreSchema {
    /// "QDRA": the value of `PRAGMA application_id` in every Quadra state store.
    static let applicationID: Int64 = 0x5144_5241

    /// The schema version this code writes and reads.
    static var version: Int64 { Int64(migrations.count) }

    static let migrations: [String] = [
        // 0 → 1
        """
        CREATE TABLE recovery (
            pos_ref_id TEXT NOT NULL PRIMARY KEY,
            terminal TEXT NOT NULL,
            sale TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('purchase', 'refund', 'cashout', 'moto')),
            answer TEXT NOT NULL CHECK (answer IN ('approved', 'declined')),
            amount_cents INTEGER CHECK (amount_cents IS NULL OR typeof(amount_cents) = 'integer'),
            user_override INTEGER NOT NULL CHECK (user_override IN (0, 1)),
            host_response_text TEXT,
            raw_json TEXT NOT NULL,
            recorded_at_ms INTEGER NOT NULL CHECK (typeof(recorded_at_ms) = 'integer')
        );
        CREATE TABLE submission (
            pem TEXT NOT NULL,
            fiscal_day TEXT NOT NULL CHECK (fiscal_day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
            status TEXT NOT NULL
                CHECK (status IN ('pending', 'accepted', 'already_present', 'rejected', 'unknown')),
            body_sha256 TEXT NOT NULL,
            acube_id TEXT,
            detail TEXT,
            created_at_ms INTEGER NOT NULL CHECK (typeof(created_at_ms) = 'integer'),
            updated_at_ms INTEGER NOT NULL CHECK (typeof(updated_at_ms) = 'integer'),
            PRIMARY KEY (pem, fiscal_day)
        );
        CREATE TABLE offline_period (
            pem TEXT NOT NULL,
            window_start_ms INTEGER NOT NULL CHECK (typeof(window_start_ms) = 'integer'),
            window_end_ms INTEGER NOT NULL CHECK (typeof(window_end_ms) = 'integer'),
            status TEXT NOT NULL
                CHECK (status IN ('pending', 'accepted', 'already_present', 'rejected', 'unknown')),
            detail TEXT,
            created_at_ms INTEGER NOT NULL CHECK (typeof(created_at_ms) = 'integer'),
            updated_at_ms INTEGER NOT NULL CHECK (typeof(updated_at_ms) = 'integer'),
            PRIMARY KEY (pem, window_start_ms)
        );
        CREATE TABLE journal_close (
            pem TEXT NOT NULL,
            fiscal_day TEXT NOT NULL CHECK (fiscal_day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
            status TEXT NOT NULL
                CHECK (status IN ('pending', 'accepted', 'already_present', 'rejected', 'unknown')),
            detail TEXT,
            created_at_ms INTEGER NOT NULL CHECK (typeof(created_at_ms) = 'integer'),
            updated_at_ms INTEGER NOT NULL CHECK (typeof(updated_at_ms) = 'integer'),
            PRIMARY KEY (pem, fiscal_day)
        );
        PRAGMA application_id = 1363432001; -- 0x51445241, applicationID
        PRAGMA user_version = 1;
        """,
        // 1 → 2: exactly once by A-Cube's report ids (apis.md, version 2). A submission keeps the ids A-Cube listed
        // just before it was sent (`snapshot`, a JSON array; NULL when no list could be taken) and when it was sent;
        // `not_filed` is an operator's word that it never reached A-Cube. `acube_report` holds every report id the
        // store knows and what it covers: submitted by Quadra, taken in a baseline, or recorded by an operator.
        """
        CREATE TABLE submission_v2 (
            pem TEXT NOT NULL,
            fiscal_day TEXT NOT NULL CHECK (fiscal_day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
            status TEXT NOT NULL
                CHECK (status IN ('pending', 'accepted', 'already_present', 'rejected', 'unknown', 'not_filed')),
            body_sha256 TEXT NOT NULL,
            acube_id TEXT,
            detail TEXT,
            snapshot TEXT,
            sent_at_ms INTEGER CHECK (sent_at_ms IS NULL OR typeof(sent_at_ms) = 'integer'),
            created_at_ms INTEGER NOT NULL CHECK (typeof(created_at_ms) = 'integer'),
            updated_at_ms INTEGER NOT NULL CHECK (typeof(updated_at_ms) = 'integer'),
            PRIMARY KEY (pem, fiscal_day)
        );
        INSERT INTO submission_v2 (pem, fiscal_day, status, body_sha256, acube_id, detail, snapshot, sent_at_ms,
            created_at_ms, updated_at_ms)
        SELECT pem, fiscal_day, status, body_sha256, acube_id, detail, NULL,
            CASE WHEN status IN ('pending', 'unknown') THEN updated_at_ms END, created_at_ms, updated_at_ms
        FROM submission;
        DROP TABLE submission;
        ALTER TABLE submission_v2 RENAME TO submission;
        CREATE TABLE acube_report (
            pem TEXT NOT NULL,
            report_id TEXT NOT NULL CHECK (report_id <> ''),
            origin TEXT NOT NULL CHECK (origin IN ('submitted', 'baseline', 'operator')),
            fiscal_day TEXT CHECK (fiscal_day IS NULL OR fiscal_day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
            note TEXT,
            recorded_at_ms INTEGER NOT NULL CHECK (typeof(recorded_at_ms) = 'integer'),
            PRIMARY KEY (pem, report_id)
        );
        INSERT INTO acube_report (pem, report_id, origin, fiscal_day, note, recorded_at_ms)
        SELECT pem, acube_id, 'submitted', fiscal_day, 'submitted by an earlier quadra', updated_at_ms
        FROM submission WHERE acube_id IS NOT NULL AND acube_id <> '' AND status IN ('accepted', 'already_present');
        PRAGMA user_version = 2;
        """,
    ]

    /// What an opened file holds before any migration.
    struct Header: Equatable {
        var applicationID: Int64
        var userVersion: Int64
        var objectCount: Int64

        /// A new or empty file: nothing in it yet.
        var isEmpty: Bool { applicationID == 0 && userVersion == 0 && objectCount == 0 }
    }

    /// Reads the header; fails with SQLite's `SQLITE_NOTADB` when the file is not a database.
    static func header(_ database: SQLiteDatabase) throws(SQLiteError) -> Header {
        let row = try database.query(
            "SELECT (SELECT application_id FROM pragma_application_id), (SELECT user_version FROM pragma_user_version),"
                + " (SELECT count(*) FROM sqlite_master)"
        ).first
        func integer(_ index: Int) -> Int64 {
            if let row, index < row.count, case .integer(let value) = row[index] { return value }
            return 0
        }
        return Header(applicationID: integer(0), userVersion: integer(1), objectCount: integer(2))
    }

    /// Why a file with this header cannot be used, or nil when it can (empty, or a Quadra store of a known or older
    /// version).
    static func refusal(_ header: Header, path: String) -> StateStoreError? {
        if header.isEmpty { return nil }
        guard header.applicationID == applicationID else {
            return StateStoreError(
                path: path, kind: .notAStateStore,
                message: "not a Quadra state store: it is an SQLite database of another application "
                    + "(application_id \(header.applicationID), user_version \(header.userVersion), "
                    + "\(header.objectCount) schema objects). " + remedy)
        }
        if header.userVersion > version {
            return StateStoreError(
                path: path, kind: .newerSchema,
                message: "the state store has schema version \(header.userVersion), newer than version \(version) "
                    + "that this quadra knows: run the newer quadra that wrote it. Keep the file: it records the "
                    + "submissions already made to A-Cube.")
        }
        return nil
    }

    /// What to do with a file that is not a state store.
    static let remedy =
        "Pass the state store's path with --state, or move this file aside so that quadra creates a new state "
        + "store there."
}
