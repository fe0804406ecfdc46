"""Records a result into a ledger from a separate process (for the kill and concurrency tests).

usage: python record_proc.py LEDGER RESULT_JSON [--hold READY GO] [--ready-before-begin READY]
  --hold READY GO: inside the transaction, before COMMIT, create READY and wait until GO exists
  --ready-before-begin READY: create READY just before BEGIN IMMEDIATE
Exit 0 with the audit id on stdout; exit 2 with one "error: ..." line on an InputError.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from lvyue.engine.errors import InputError
from lvyue.engine.ledger import record_audit, store


def main(argv: list[str]) -> int:
    ledger, result_file, *opts = argv
    if "--hold" in opts:
        i = opts.index("--hold")
        ready, go = Path(opts[i + 1]), Path(opts[i + 2])

        def hold() -> None:
            ready.write_text("holding", encoding="utf-8")
            while not go.exists():
                time.sleep(0.01)

        store.HOOKS["before_commit"].append(hold)
    if "--ready-before-begin" in opts:
        flag = Path(opts[opts.index("--ready-before-begin") + 1])
        store.HOOKS["before_begin"].append(lambda: flag.write_text("begin", encoding="utf-8"))
    result = json.loads(Path(result_file).read_text(encoding="utf-8"))
    try:
        print(record_audit(Path(ledger), result))
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
