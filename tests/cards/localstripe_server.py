"""Run localstripe bound to 127.0.0.1 (its own CLI binds every interface): PORT as argument.

Started by the localstripe fixture in test_localstripe_contract.py. Like `--from-scratch`, it
never loads the saved state (localstripe's CLI does that only without the flag); the state file
is shared machine-wide, so the fixture also resets the server through DELETE /_config/data.
"""

import sys

from aiohttp import web
from localstripe.server import app

if __name__ == "__main__":
    web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None)
