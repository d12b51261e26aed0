"""The native half of scripts/bench: `c360 build` and DuckDB (Python), each run K times.

`c360 build` is timed end to end as a user runs it (the process, from exec to exit, output
CSVs and run_results.json written), under GNU time for its maximum resident set size. Each
DuckDB run is a fresh process too (duckdb_customers.py, also under GNU time); its seconds are
what it reports itself, from connect to the materialised result's row count. After the timed
runs, one more DuckDB run compares its result with the c360 customers.csv of the last build.

    native.py --c360 BIN --contacts C --transactions T --as-of D --out DIR --runs K \
              --python PY > native.json
"""

import argparse
import json
import pathlib
import re
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).parent


def timed(cmd, log):
    """Runs cmd under `/usr/bin/time -v`: (wall seconds, max RSS bytes, exit code, stdout)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        start = time.perf_counter()
        proc = subprocess.run(
            ["/usr/bin/time", "-v", "-o", report.name, *cmd],
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
        wall = time.perf_counter() - start
        text = report.read()
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    if not match:
        sys.exit(f"bench: GNU time printed no maximum RSS for {cmd[0]}:\n{text}")
    return wall, int(match.group(1)) * 1024, proc.returncode, proc.stdout


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--c360", required=True)
    p.add_argument("--contacts", required=True)
    p.add_argument("--transactions", required=True)
    p.add_argument("--as-of", required=True)
    p.add_argument("--out", required=True, help="c360's --out directory (rewritten each run)")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--python", default=sys.executable, help="the Python that has duckdb")
    p.add_argument("--log", required=True, help="where the commands' stderr and logs go")
    a = p.parse_args()

    result = {"c360": [], "duckdb": []}
    with open(a.log, "a") as log:
        build = [a.c360, "build", "--contacts", a.contacts, "--transactions", a.transactions,
                 "--as-of", a.as_of, "--out", a.out]
        for i in range(a.runs):
            print(f"bench: c360 build, run {i + 1}/{a.runs}", file=sys.stderr, flush=True)
            log.write(f"\n$ {' '.join(build)}\n")
            log.flush()
            wall, rss, code, stdout = timed(build, log)
            log.write(stdout)
            # 1: a data test of severity error failed; the run still built and wrote.
            if code not in (0, 1):
                sys.exit(f"bench: c360 build exited {code}: see {a.log}")
            result["c360"].append({"seconds": wall, "max_rss": rss, "exit": code})

        duck = [a.python, str(HERE / "duckdb_customers.py"), "--contacts", a.contacts,
                "--transactions", a.transactions, "--as-of", a.as_of]
        for i in range(a.runs):
            print(f"bench: DuckDB, run {i + 1}/{a.runs}", file=sys.stderr, flush=True)
            log.write(f"\n$ {' '.join(duck)}\n")
            log.flush()
            wall, rss, code, stdout = timed(duck, log)
            if code != 0:
                sys.exit(f"bench: DuckDB exited {code}: see {a.log}")
            run = json.loads(stdout)
            result["duckdb"].append({**run, "process_seconds": wall, "max_rss": rss})

        print("bench: DuckDB against c360's customers.csv", file=sys.stderr, flush=True)
        check = subprocess.run(
            [*duck, "--compare", str(pathlib.Path(a.out) / "customers.csv")],
            stdout=subprocess.PIPE, stderr=log, text=True,
        )
        if check.returncode != 0:
            sys.exit(f"bench: the DuckDB comparison failed: see {a.log}")
        result["check"] = json.loads(check.stdout)

    json.dump(result, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
