"""Records what a module sends to the journal, one JSON object a line, in $CAPTURE_FILE."""

import json
import os


def send(**fields):
    with open(os.environ["CAPTURE_FILE"], "a") as capture:
        capture.write(json.dumps(fields, default=str) + "\n")


def sendv(*args):
    send(args=list(args))
