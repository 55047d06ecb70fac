# shellcheck shell=sh
# Summary: Send a message to every other registered agent (send all)
# Usage: roost broadcast [--reply-to ID] [--no-recv] [--quiet] [--json] MESSAGE...|-
#
# The same as 'roost send all MESSAGE...': every agent registered now,
# except you, gets its own copy to read and acknowledge. Refused (64) when
# no other agent is registered. See 'roost send --help' for the options,
# the output and the JSON shape.
#
# Exit codes: 0 sent; 2 --reply-to a message that is not yours; 64 bad
# arguments, no identity, no other agent, an unknown message, a body over
# the cap or with a NUL byte; 75 busy; 78 database needs migrating or is
# not roost's.
. "$ROOST_HOME/lib/roost/commands/send.sh"

_roost_cmd_broadcast() {
  _roost_cmd_send all "$@"
}
