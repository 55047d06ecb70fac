#!/bin/sh
# A reference, not roost: one sh process capturing one sqlite3 process
# that reads one row of the real schema (no write, no transaction): the
# floor of roost's design for any command that touches the database.
o=$(exec sqlite3 -batch -bail -init /dev/null "$ROOST_DB" "SELECT id FROM agents WHERE id = 'bench'" 2>&1)
printf '%s\n' "$o"
