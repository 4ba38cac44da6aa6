"""manage.py with the process's clock moved: `python tests/ops/manage_at.py ISO-DATETIME ARGS...`.

The crash test sells today, then closes that quarter: a close refuses a quarter that has not
ended (treasury.services.close), so the close runs in a process whose clock is moved past the
quarter's end (time-machine, ticking). Nothing else in the process is changed.
"""

import datetime
import pathlib
import sys

import time_machine

ROOT = pathlib.Path(__file__).resolve().parents[2]

if __name__ == "__main__":
    moment = datetime.datetime.fromisoformat(sys.argv[1])
    sys.path.insert(0, str(ROOT))
    sys.argv = [str(ROOT / "manage.py"), *sys.argv[2:]]
    with time_machine.travel(moment, tick=True):
        import manage

        manage.main()
