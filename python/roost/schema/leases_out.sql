-- leases_out.sql: print an operation's human output lines. Agent text in them
-- (keys, reasons, names) has had its newlines made spaces; whoever prints
-- drops the other control characters (lib/roost/leases.sh, roost.text).
SELECT line FROM lease_out ORDER BY i;
