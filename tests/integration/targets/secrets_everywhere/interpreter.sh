#!/usr/bin/env bash
# The Python that runs the modules, with systemd.journal or syslog replaced by recorders
# (capture/journal or capture/syslog on PYTHONPATH), so that the test sees exactly what the
# module's own process sends to the host's journal or syslog. Copied and filled in by runme.sh.
export CAPTURE_FILE=@CAPTURE_FILE@
export PYTHONPATH=@CAPTURE_DIR@${PYTHONPATH:+:$PYTHONPATH}
exec @PYTHON@ "$@"
