#!/usr/bin/env python3
"""Quadra's core reconciliation (formats.md sections 2 and 3) written as DuckDB SQL.

Usage: scripts/bench_duckdb.py NIGHT COUNTS_OUT

It is the DuckDB side of scripts/bench.sh, not a second implementation of quadra: it reads the
same night (POS logs, A-Cube receipts, notifications, journals, emergency reports, emergency
registers), computes the findings quadra computes in an offline run with an empty state store,
writes every finding row to duckdb-findings.csv next to COUNTS_OUT, and writes one "CODE count"
line per finding code it computes (zeros included) to COUNTS_OUT, after a "# sales N" line.

Simplifications, on purpose:
- INPUT_REJECTED counts POS lines and register rows only (not whole files), with a plain
  required-key/type check; DuckDB turns an unreadable line into an all-NULL row.
- Offline windows are half-open [start, end); ties between a receipt_failed and a receipt_issued
  at the same instant put the failure first.
- The state store is taken to be empty (the bench uses a fresh one): no notified offline
  period, no recorded emergency submission.
- XML registers are turned into CSV with the standard library (they are tiny); DuckDB does the rest.

Env: TRACE=1 (time of each statement on stderr), AS_OF (default 2026-11-22T06:00:00+01:00),
     TIMEZONE (default Europe/Rome).
Python 3.11 standard library + duckdb.
"""

import csv
import glob
import os
import sys
import time
import xml.etree.ElementTree as ET

import duckdb

AS_OF = os.environ.get("AS_OF", "2026-11-22T06:00:00+01:00")
TIMEZONE = os.environ.get("TIMEZONE", "Europe/Rome")

# Every code this script computes; each is written to COUNTS_OUT, zero or not.
CODES = [
    "INPUT_REJECTED", "PAYMENT_IN_PROGRESS", "PAYMENT_MANUAL_OVERRIDE", "PAYMENT_AMOUNT_MISMATCH",
    "DOUBLE_CHARGE", "RECEIPT_MISSING", "RECEIPT_NOT_IN_JOURNAL", "RECEIPT_AMOUNT_MISMATCH",
    "RECEIPT_FOR_UNPAID_SALE", "ORPHAN_RECEIPT", "RECEIPT_DURING_OFFLINE",
    "OFFLINE_SALE_NOT_RECORDED", "OFFLINE_RECORD_UNSUBMITTED", "OFFLINE_PERIOD_NOT_NOTIFIED",
    "JOURNAL_NOT_CLOSED", "COMMUNICATION_INCIDENT", "PLATFORM_OFFLINE", "ACUBE_DATA_MISSING",
]

POS_COLUMNS = """{ts: 'VARCHAR', event: 'VARCHAR', terminal: 'VARCHAR', sale: 'VARCHAR', pem: 'VARCHAR',
  total: 'VARCHAR', payment: 'VARCHAR', lines: 'JSON', posRefId: 'VARCHAR', kind: 'VARCHAR',
  amount: 'BIGINT', success: 'BOOLEAN', userOverride: 'BOOLEAN', hostResponseText: 'VARCHAR',
  receiptUuid: 'VARCHAR', documentNumber: 'VARCHAR', reason: 'VARCHAR'}"""

# json_transform structures of the members of an A-Cube list page.
RECEIPT_MEMBERS = ('[{"uuid": "VARCHAR", "type": "VARCHAR", "total_amount": "VARCHAR", "document_number": "VARCHAR",'
                   ' "document_datetime": "VARCHAR", "parent_receipt_uuid": "VARCHAR"}]')
NOTIFICATION_MEMBERS = '[{"uuid": "VARCHAR", "code": "VARCHAR", "type": "VARCHAR", "created_at": "VARCHAR", "data": "JSON"}]'
JOURNAL_MEMBERS = '[{"uuid": "VARCHAR", "pem_serial_number": "VARCHAR", "date": "VARCHAR", "status": "VARCHAR"}]'

# The PEM is the folder name under acube/.
PEM_OF_FILE = r"regexp_extract(filename, '/acube/([^/]+)/[^/]+$', 1)"


class Traced:
    """A connection whose execute() reports each statement's time on stderr when TRACE=1."""

    def __init__(self, con, trace):
        self.con, self.trace = con, trace

    def execute(self, sql, params=None):
        t, cpu = time.monotonic(), time.process_time()
        result = self.con.execute(sql, params) if params is not None else self.con.execute(sql)
        if self.trace:
            print(f"# {time.monotonic() - t:6.2f} s wall {time.process_time() - cpu:6.2f} s CPU  "
                  f"{' '.join(sql.split())[:60]}", file=sys.stderr)
        return result


def sql_list(paths):
    return "[" + ", ".join("'" + p.replace("'", "''") + "'" for p in paths) + "]"


def acube_pages(con, night, kind, members, table):
    """Unnest the members of every acube/<PEM>/<kind>*.json page into `table` (pem, m).

    read_json_objects + json_transform rather than read_json(columns=...): on these files (one
    ~120 kB object each) read_json takes ~10x longer for the same result (2.3 s against 0.23 s
    for the 1M night's receipts, DuckDB 2.0.1).
    """
    files = sorted(glob.glob(os.path.join(night, "acube", "*", kind + "*.json")))
    source = (f"read_json_objects({sql_list(files)}, format = 'auto', filename = true, maximum_object_size = 268435456)"
              if files else "(SELECT NULL::VARCHAR AS filename, NULL::JSON AS json LIMIT 0)")
    con.execute(f"""CREATE TABLE {table} AS
        SELECT {PEM_OF_FILE} AS pem, unnest(json_transform(json->'members', '{members}')) AS m
        FROM {source}""")


def xml_registers_to_csv(night, out_path):
    """Flatten emergency/*.xml into one CSV, one row per <line> (its entry's number stands in for the line)."""
    ns = "{urn:quadra:emergency-register:1}"
    with open(out_path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["file", "line", "pem", "recorded_at", "sale", "payment", "vat_rate_code", "gross"])
        for path in sorted(glob.glob(os.path.join(night, "emergency", "*.xml"))):
            try:
                root = ET.parse(path).getroot()
            except ET.ParseError:
                continue  # quadra rejects the whole file; not counted here
            for n, entry in enumerate(root.iter(ns + "entry"), 1):
                for line in entry.iter(ns + "line"):
                    w.writerow([path, n, root.get("pem"), entry.get("recordedAt"), entry.get("sale") or "",
                                entry.get("payment"), line.get("vatRateCode"), line.get("gross")])


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: bench_duckdb.py NIGHT COUNTS_OUT")
    night, counts_out = os.path.abspath(sys.argv[1]), sys.argv[2]
    work = os.path.dirname(os.path.abspath(counts_out))
    started = time.monotonic()

    # In memory, default threads, no memory limit set.
    con = Traced(duckdb.connect(), os.environ.get("TRACE") == "1")
    # Naive timestamps (A-Cube, registers) are fiscal local time; ::DATE gives the fiscal day.
    con.execute(f"SET TimeZone = '{TIMEZONE}'")
    # Nothing below depends on row order; DuckDB's docs recommend this for large loads
    # (less memory, more parallel inserts).
    con.execute("SET preserve_insertion_order = false")
    con.execute(f"CREATE MACRO as_of() AS TIMESTAMPTZ '{AS_OF}'")

    # ---------------------------------------------------------------- POS event log
    pos_files = sorted(glob.glob(os.path.join(night, "pos", "*.jsonl")) +
                       glob.glob(os.path.join(night, "pos", "*.jsonl.gz")))
    if not pos_files:
        sys.exit("bench_duckdb.py: no POS logs under " + night)
    # DuckDB turns an unreadable line into an all-NULL row: it fails the check and is rejected.
    con.execute(f"""CREATE TABLE pos AS SELECT *,
        instant IS NOT NULL AND terminal IS NOT NULL AND CASE event
          WHEN 'pos_started' THEN true
          WHEN 'sale' THEN sale IS NOT NULL AND pem IS NOT NULL AND total_eur > 0
                           AND payment IN ('cash', 'electronic', 'ticket')
          WHEN 'payment_request' THEN sale IS NOT NULL AND posRefId IS NOT NULL AND amount IS NOT NULL
                           AND kind IN ('purchase', 'refund', 'cashout', 'moto')
          WHEN 'payment_response' THEN sale IS NOT NULL AND posRefId IS NOT NULL AND success IS NOT NULL
          WHEN 'receipt_issued' THEN sale IS NOT NULL AND pem IS NOT NULL AND receiptUuid IS NOT NULL
          WHEN 'receipt_failed' THEN sale IS NOT NULL AND pem IS NOT NULL
                           AND reason IN ('unreachable', 'timeout', 'offline', 'http_5xx', 'rejected')
          ELSE false END AS ok
        FROM (SELECT *, TRY_CAST(ts AS TIMESTAMPTZ) AS instant, TRY_CAST(total AS DECIMAL(18,2)) AS total_eur
              FROM read_json({sql_list(pos_files)}, format = 'newline_delimited', ignore_errors = true,
                             columns = {POS_COLUMNS}))""")
    # Exact repeats of a line count once: every table below groups or DISTINCTs on its key, so a
    # replayed line changes nothing (cheaper than a DISTINCT over all 17 columns first).
    con.execute("CREATE VIEW ev AS SELECT * FROM pos WHERE ok")

    con.execute("""CREATE TABLE sales AS
        SELECT terminal, sale, any_value(pem) AS pem, any_value(total_eur) AS total,
               any_value(payment) AS payment, min(instant) AS instant
        FROM ev WHERE event = 'sale' GROUP BY terminal, sale""")
    con.execute("""CREATE TABLE issued AS
        SELECT DISTINCT terminal, sale, pem, lower(receiptUuid) AS uuid, instant
        FROM ev WHERE event = 'receipt_issued'""")

    # Attempts: request and response joined on terminal + sale + posRefId.
    con.execute("""CREATE TABLE attempts AS
        SELECT terminal, sale, posRefId,
               q.amount AS request_amount,
               r.posRefId IS NOT NULL AS responded,
               coalesce(r.approved, false) AS approved,
               coalesce(r.override, false) AS override,
               coalesce(r.amount, q.amount) AS approved_amount
        FROM (SELECT terminal, sale, posRefId, any_value(amount) AS amount
              FROM ev WHERE event = 'payment_request' GROUP BY ALL) q
        FULL JOIN (SELECT terminal, sale, posRefId, bool_or(success) AS approved,
                          max(amount) FILTER (WHERE success) AS amount,
                          bool_or(coalesce(userOverride, false)) AS override
                   FROM ev WHERE event = 'payment_response' GROUP BY ALL) r
        USING (terminal, sale, posRefId)""")

    con.execute("""CREATE TABLE sale_state AS
        SELECT s.*, coalesce(a.approved, 0) AS approved,
               CASE WHEN s.payment IN ('cash', 'ticket') OR a.approved > 0 THEN 'paid'
                    WHEN a.attempts > 0 AND a.declined = a.attempts THEN 'unpaid'
                    ELSE 'unknown' END AS state,
               EXISTS (SELECT 1 FROM issued i WHERE i.terminal = s.terminal AND i.sale = s.sale) AS has_receipt
        FROM sales s
        LEFT JOIN (SELECT terminal, sale, count(*) AS attempts,
                          count(*) FILTER (WHERE approved) AS approved,
                          count(*) FILTER (WHERE responded AND NOT approved) AS declined
                   FROM attempts GROUP BY ALL) a
        USING (terminal, sale)""")

    # ---------------------------------------------------------------- A-Cube
    acube = os.path.join(night, "acube")
    pems = sorted(d for d in os.listdir(acube) if os.path.isdir(os.path.join(acube, d))) if os.path.isdir(acube) else []
    con.execute("CREATE TABLE acube_pems AS SELECT unnest(?::VARCHAR[]) AS pem", [pems])

    acube_pages(con, night, "receipts", RECEIPT_MEMBERS, "receipt_pages")
    con.execute("""CREATE TABLE receipts AS
        SELECT DISTINCT pem, lower(m.uuid) AS uuid, m.type AS type,
               TRY_CAST(m.total_amount AS DECIMAL(18,2)) AS total,
               TRY_CAST(m.document_datetime AS TIMESTAMPTZ) AS instant,
               lower(m.parent_receipt_uuid) AS parent
        FROM receipt_pages""")

    acube_pages(con, night, "notifications", NOTIFICATION_MEMBERS, "notification_pages")
    con.execute("""CREATE TABLE notifications AS
        SELECT DISTINCT pem, m.uuid AS uuid, TRY_CAST(m.created_at AS TIMESTAMPTZ) AS instant,
               coalesce(m.code, CASE WHEN m.type = 'PEM_STATUS_CHANGED' THEN
                   CASE m.data->>'to' WHEN 'OFFLINE' THEN 'SYS-C-01' WHEN 'ONLINE' THEN 'SYS-I-01' END END) AS code
        FROM notification_pages""")

    acube_pages(con, night, "journals", JOURNAL_MEMBERS, "journal_pages")
    con.execute("""CREATE TABLE journals AS
        SELECT DISTINCT coalesce(m.pem_serial_number, pem) AS pem, TRY_CAST(m.date AS DATE) AS day, m.status AS status
        FROM journal_pages""")

    report_files = sorted(glob.glob(os.path.join(night, "acube", "*", "emergency-reports*.json")))
    if report_files:
        con.execute(f"""CREATE TABLE covered AS
            SELECT DISTINCT {PEM_OF_FILE} AS pem,
                   TRY_CAST(coalesce(datetime, closed_at) AS TIMESTAMPTZ)::DATE AS day
            FROM read_json({sql_list(report_files)}, format = 'array', filename = true,
                           columns = {{id: 'VARCHAR', closed_at: 'VARCHAR', datetime: 'VARCHAR'}})""")
    else:
        con.execute("CREATE TABLE covered (pem VARCHAR, day DATE)")

    # ---------------------------------------------------------------- emergency registers
    xml_csv = os.path.join(work, "duckdb-registers-xml.csv")
    xml_registers_to_csv(night, xml_csv)
    csv_files = sorted(glob.glob(os.path.join(night, "emergency", "*.csv")))
    csv_part = f"""SELECT filename AS file, row_number() OVER (PARTITION BY filename) + 1 AS line,
                          pem, recorded_at, sale, payment, vat_rate_code, gross
                   FROM read_csv({sql_list(csv_files)}, union_by_name = true, all_varchar = true,
                                 filename = true)
                   UNION ALL """ if csv_files else ""
    con.execute(f"""CREATE TABLE register_rows AS
        SELECT file, line, pem, nullif(trim(sale), '') AS sale, payment,
               TRY_CAST(recorded_at AS TIMESTAMPTZ) AS instant,
               TRY_CAST(replace(gross, ',', '.') AS DECIMAL(18,2)) AS gross
        FROM ({csv_part}
              SELECT file, line::BIGINT, pem, recorded_at, sale, payment, vat_rate_code, gross
              FROM read_csv('{xml_csv}', all_varchar = true, header = true))""")
    con.execute("""CREATE TABLE registers AS
        SELECT *, instant IS NOT NULL AND pem IS NOT NULL AND gross > 0
                  AND payment IN ('cash', 'electronic', 'ticket') AS ok
        FROM register_rows""")

    # ---------------------------------------------------------------- offline windows
    # Platform: each STATUS_OFFLINE to the next STATUS_ONLINE (open-ended if none).
    con.execute("""CREATE TABLE platform_windows AS
        SELECT o.pem, o.instant AS start_at,
               (SELECT min(n.instant) FROM notifications n
                WHERE n.pem = o.pem AND n.code = 'SYS-I-01' AND n.instant > o.instant) AS end_at
        FROM notifications o WHERE o.code = 'SYS-C-01'""")
    # Client: first receipt_failed (unreachable|timeout) to the next receipt_issued on that PEM.
    # grp = number of receipt_issued seen so far; the failures of one group form one window,
    # which the first receipt_issued of the next group ends.
    con.execute("""CREATE TABLE client_windows AS
        WITH x AS (
            SELECT pem, instant, event = 'receipt_issued' AS iss FROM ev
            WHERE event = 'receipt_issued' OR (event = 'receipt_failed' AND reason IN ('unreachable', 'timeout'))
        ), g AS (
            SELECT *, sum(iss::INT) OVER (PARTITION BY pem ORDER BY instant, iss ROWS UNBOUNDED PRECEDING) AS grp FROM x
        )
        SELECT f.pem, f.start_at, e.end_at
        FROM (SELECT pem, grp, min(instant) AS start_at FROM g WHERE NOT iss GROUP BY ALL) f
        LEFT JOIN (SELECT pem, grp - 1 AS grp, min(instant) AS end_at FROM g WHERE iss GROUP BY ALL) e
        USING (pem, grp)""")
    con.execute("""CREATE TABLE windows AS
        SELECT pem, start_at, end_at FROM platform_windows
        UNION ALL SELECT pem, start_at, end_at FROM client_windows""")

    # A sale is offline when its sale event, or one of its receipt_failed events
    # (unreachable|timeout|offline), falls inside a window of its PEM.
    con.execute("""CREATE TABLE offline_sales AS
        SELECT DISTINCT s.terminal, s.sale
        FROM (SELECT s.terminal, s.sale, s.pem, s.instant FROM sales s
              UNION ALL
              SELECT f.terminal, f.sale, s.pem, f.instant FROM ev f JOIN sales s USING (terminal, sale)
              WHERE f.event = 'receipt_failed' AND f.reason IN ('unreachable', 'timeout', 'offline')) s
        JOIN windows w ON w.pem = s.pem AND s.instant >= w.start_at AND (w.end_at IS NULL OR s.instant < w.end_at)""")

    # receipt_issued events and A-Cube receipts, matched on PEM + uuid (either side may be missing).
    con.execute("""CREATE TABLE receipt_match AS
        SELECT i.terminal, i.sale, coalesce(i.pem, r.pem) AS pem, coalesce(i.uuid, r.uuid) AS uuid,
               r.uuid IS NOT NULL AS in_acube, r.type, r.total AS acube_total
        FROM issued i FULL JOIN receipts r ON r.pem = i.pem AND r.uuid = i.uuid""")

    # ---------------------------------------------------------------- findings
    # One row per (code, subject); pem/terminal/sale/subject are informational.
    con.execute("""CREATE TABLE findings AS
        SELECT 'INPUT_REJECTED' AS code, pem, terminal, sale, coalesce(ts, '(unreadable line)') AS subject
        FROM pos WHERE NOT ok
        UNION ALL
        SELECT 'INPUT_REJECTED', pem, NULL, sale, file || ':' || line FROM registers WHERE NOT ok
        UNION ALL
        SELECT 'PAYMENT_IN_PROGRESS', NULL, terminal, sale, posRefId FROM attempts WHERE NOT responded
        UNION ALL
        SELECT 'PAYMENT_MANUAL_OVERRIDE', NULL, terminal, sale, posRefId FROM attempts WHERE override
        UNION ALL
        SELECT 'PAYMENT_AMOUNT_MISMATCH', s.pem, a.terminal, a.sale, a.posRefId
        FROM attempts a JOIN sales s USING (terminal, sale)
        WHERE a.approved AND a.approved_amount <> (s.total * 100)::BIGINT
        UNION ALL
        SELECT 'DOUBLE_CHARGE', pem, terminal, sale, sale FROM sale_state WHERE approved >= 2
        UNION ALL
        SELECT DISTINCT 'RECEIPT_NOT_IN_JOURNAL', pem, terminal, sale, sale
        FROM receipt_match WHERE NOT in_acube AND pem IN (SELECT pem FROM acube_pems)
        UNION ALL
        SELECT DISTINCT 'RECEIPT_AMOUNT_MISMATCH', m.pem, m.terminal, m.sale, m.sale
        FROM receipt_match m JOIN sales s USING (terminal, sale)
        WHERE m.type = 'sale' AND m.acube_total IS DISTINCT FROM s.total
        UNION ALL
        SELECT DISTINCT 'RECEIPT_FOR_UNPAID_SALE', s.pem, s.terminal, s.sale, s.sale
        FROM sale_state s JOIN issued i ON i.terminal = s.terminal AND i.sale = s.sale
        WHERE s.state = 'unpaid'
          AND NOT EXISTS (SELECT 1 FROM receipts v WHERE v.type = 'void' AND v.parent = i.uuid)
        UNION ALL
        SELECT 'ORPHAN_RECEIPT', pem, NULL, NULL, uuid FROM receipt_match WHERE terminal IS NULL AND type = 'sale'
        UNION ALL
        SELECT DISTINCT 'RECEIPT_DURING_OFFLINE', r.pem, NULL, NULL, r.uuid
        FROM receipts r JOIN platform_windows w
          ON w.pem = r.pem AND r.instant >= w.start_at AND (w.end_at IS NULL OR r.instant < w.end_at)
        UNION ALL
        SELECT CASE WHEN o.sale IS NULL THEN 'RECEIPT_MISSING' ELSE 'OFFLINE_SALE_NOT_RECORDED' END,
               s.pem, s.terminal, s.sale, s.sale
        FROM sale_state s LEFT JOIN offline_sales o USING (terminal, sale)
        WHERE s.state = 'paid' AND NOT s.has_receipt
          AND NOT EXISTS (SELECT 1 FROM registers g WHERE g.ok AND g.pem = s.pem AND g.sale = s.sale)
        UNION ALL
        SELECT DISTINCT 'OFFLINE_RECORD_UNSUBMITTED', pem, NULL, sale, coalesce(sale, file || ':' || line)
        FROM registers g WHERE ok
          AND NOT EXISTS (SELECT 1 FROM covered c WHERE c.pem = g.pem AND c.day = g.instant::DATE)
        UNION ALL
        SELECT 'OFFLINE_PERIOD_NOT_NOTIFIED', pem, NULL, NULL, start_at::VARCHAR FROM client_windows
        UNION ALL
        SELECT 'JOURNAL_NOT_CLOSED', j.pem, NULL, NULL, j.day::VARCHAR
        FROM journals j WHERE j.status = 'open' AND (
             (EXISTS (SELECT 1 FROM client_windows w WHERE w.pem = j.pem AND w.start_at::DATE = j.day)
              AND EXISTS (SELECT 1 FROM issued i WHERE i.pem = j.pem AND i.instant::DATE = j.day))
          OR as_of() - (SELECT min(r.instant) FROM receipts r WHERE r.pem = j.pem AND r.instant::DATE = j.day)
             > INTERVAL 24 HOUR)
        UNION ALL
        SELECT 'COMMUNICATION_INCIDENT', pem, NULL, NULL, instant::VARCHAR
        FROM (SELECT pem, instant, code, lead(code) OVER (PARTITION BY pem ORDER BY instant) AS next_code
              FROM notifications WHERE code IN ('SYS-W-01', 'SYS-I-02', 'SYS-C-01'))
        WHERE code = 'SYS-W-01' AND next_code = 'SYS-I-02'
        UNION ALL
        SELECT 'PLATFORM_OFFLINE', pem, NULL, NULL, start_at::VARCHAR FROM platform_windows
        UNION ALL
        SELECT 'ACUBE_DATA_MISSING', pem, NULL, NULL, pem
        FROM (SELECT DISTINCT pem FROM sales) WHERE pem NOT IN (SELECT pem FROM acube_pems)""")

    con.execute(f"COPY findings TO '{os.path.join(work, 'duckdb-findings.csv')}' (HEADER)")
    counts = dict(con.execute("SELECT code, count(*) FROM findings GROUP BY code").fetchall())
    (sales,) = con.execute("SELECT count(*) FROM sales").fetchone()
    elapsed = time.monotonic() - started

    with open(counts_out, "w") as f:
        f.write(f"# sales {sales}\n")
        for code in CODES:
            f.write(f"{code} {counts.get(code, 0)}\n")
    for code in CODES:
        print(f"{code} {counts.get(code, 0)}")
    print(f"# duckdb {duckdb.__version__}, {elapsed:.2f} s inside the script", file=sys.stderr)


if __name__ == "__main__":
    main()
