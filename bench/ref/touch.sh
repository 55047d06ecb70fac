#!/bin/sh
# A reference, not roost: the least any shell-owned command can cost in
# roost's design (one sh process that captures one sqlite3 process) when it
# records the caller as seen: one write transaction of one row in the real
# schema, the kept WAL and its restart, the status line; no argument
# parsing, no identity, no schema check. bench/run times it beside the
# commands, to show how much of their ratio the design itself takes.
o=$(exec sqlite3 -batch -bail -init /dev/null "$ROOST_DB" 2>&1 <<EOF
.timeout 5000
.output /dev/null
.dbconfig no_ckpt_on_close on
PRAGMA wal_autocheckpoint = 16;
.output
BEGIN IMMEDIATE;
UPDATE agents SET last_seen = CAST(strftime('%s','now') AS INTEGER) WHERE id = 'bench';
SELECT id FROM agents WHERE id = 'bench';
COMMIT;
SELECT char(31) || '0';
PRAGMA application_id = 1380928340;
PRAGMA application_id = 1380928340;
EOF
)
printf '%s' "${o%??}"
