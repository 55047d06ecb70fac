#!/bin/sh
# A reference, not roost: one sh process capturing one sqlite3 process that
# runs the SQL script a roost command generated (bench/cases/leases.py
# saves it at set-up with ROOST_DUMP_SQL, as "$ROOST_DB.$1.sql"), read from
# that file. The same statements and the same .read files as the command,
# without any of roost's shell code: the command's row minus this one is
# what parsing and running roost's shell costs it. Exits 1 unless the
# script ran to its status line (char 31, the literal byte below), so that
# a broken script cannot pass for a fast one.
o=$(exec sqlite3 -batch -bail -init /dev/null "$ROOST_DB" 2>&1 < "$ROOST_DB.$1.sql")
case $o in
  *''*) printf '%s\n' "$o" ;;
  *) printf '%s\n' "$o" >&2; exit 1 ;;
esac
