# `cvm repl` at a terminal: repl_pty_driver.py types into it through a pseudo-terminal and
# checks Tab completion of a parameter path and a unit, a setting with units, a run's
# summary, a unit error that leaves the session going, Ctrl-C at the prompt and during a
# run, and the history file ($CVM_HISTORY) written and read back by the next session.
source "$(dirname "$0")/lib.sh"
command -v python3 > /dev/null || fail "python3 is needed to drive cvm repl through a pseudo-terminal"
python3 "$(dirname "$0")/repl_pty_driver.py" "$CVM" "$CVM_SOURCE_DIR/examples/ln.cvm" "$WORK"
