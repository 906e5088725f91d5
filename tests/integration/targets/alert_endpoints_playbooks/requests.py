# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read and clear the emulator's request log.

python requests.py URL clear
python requests.py URL writes      -> one line per POST received: "<path>"
python requests.py URL all         -> one line per request received: "<method> <path>"
python requests.py URL fault JSON  -> add a fault (see docs/emulator.md)
python requests.py URL reset       -> back to the start-up state
python requests.py URL healthy     -> exit status 0 when GET /kapacitor/v1/config answers 200
"""

import json
import sys
import urllib.request


def main():
    url, action = sys.argv[1], sys.argv[2]
    if action == "clear":
        urllib.request.urlopen(urllib.request.Request(url + "/_emulator/requests", method="DELETE"))
        return
    if action in ("fault", "reset"):
        path, data = ("/_emulator/faults", sys.argv[3].encode()) if action == "fault" else ("/_emulator/reset", b"")
        urllib.request.urlopen(urllib.request.Request(url + path, data=data, method="POST",
                                                      headers={"Content-Type": "application/json"}))
        return
    if action == "healthy":
        with urllib.request.urlopen(url + "/kapacitor/v1/config") as response:
            sys.exit(0 if response.status == 200 else 1)
    with urllib.request.urlopen(url + "/_emulator/requests") as response:
        log = json.load(response)["requests"]
    for request in log:
        if action == "all":
            print("%s %s" % (request["method"], request["path"]))
        elif request["method"] != "GET":
            print(request["path"])


if __name__ == "__main__":
    main()
