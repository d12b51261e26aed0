"""scripts/bench's report: the runs' JSON (native.py, c360-browser.mjs, duckdb-wasm.mjs) as
one markdown table set, printed and written to a file for the README to quote.

    report.py --dir RESULTS --contacts C --transactions T --as-of D --runs K \
              [--dist DIST] --out report.md

RESULTS holds native.json and, unless the browser runs were skipped, c360-browser.json and
duckdb-wasm.json. Times are medians with their min-max; memory is the peak over the runs.
"""

import argparse
import gzip
import json
import os
import pathlib
import platform
import statistics
import subprocess
import sys


def load(path):
    return json.loads(path.read_text()) if path.exists() else None


def load_runs(path):
    """A browser driver's JSON: (its runs, or None; its error, or None)."""
    try:
        data = load(path)
    except json.JSONDecodeError:
        return None, f"{path.name} is not JSON: see the bench's output"
    if data is None:
        return None, "it did not run: see the bench's output"
    return (None, data["error"]) if "error" in data else (data, None)


def seconds(s):
    return f"{s:.3f} s" if s < 10 else f"{s:.2f} s"


def size(n):
    if n is None:
        return "n/a"
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} B"


def spread(values):
    """(median, 'min-max') of a list of seconds."""
    return statistics.median(values), f"{seconds(min(values))}–{seconds(max(values))}"


def ratio(a, b):
    return f"{a / b:.2f}×" if a and b else "n/a"


def table(header, rows):
    """A markdown table whose columns line up in a terminal too."""
    cells = [[c.replace("|", "\\|") for c in r] for r in (header, *rows)]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    line = lambda r: "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |"
    return "\n".join([line(cells[0]), "|" + "|".join("-" * (w + 2) for w in widths) + "|",
                      *map(line, cells[1:])])


def machine(chromium):
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                if line.startswith("model name")), platform.processor() or "unknown")
    mem_kb = next(int(line.split()[1]) for line in open("/proc/meminfo")
                  if line.startswith("MemTotal:"))
    os_name = platform.system()
    try:
        os_name = next(line.split("=", 1)[1].strip().strip('"')
                       for line in open("/etc/os-release") if line.startswith("PRETTY_NAME="))
    except (OSError, StopIteration):
        pass
    version = lambda cmd: subprocess.run(cmd, capture_output=True, text=True).stdout.strip() \
        if subprocess.run(["sh", "-c", f"command -v {cmd[0]}"], capture_output=True).returncode == 0 \
        else "not found"
    return [
        ("cores (nproc)", str(os.cpu_count())),
        ("CPU", cpu),
        ("memory", size(mem_kb * 1024)),
        ("OS", f"{os_name}, Linux {platform.release()}"),
        ("load average when the report was made (1, 5, 15 min)",
         " ".join(open("/proc/loadavg").read().split()[:3])),
        ("Chromium", version([chromium, "--version"]) if chromium else "not run"),
        ("rustc", version(["rustc", "--version"])),
        ("node", version(["node", "--version"])),
    ]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dir", required=True, type=pathlib.Path)
    p.add_argument("--contacts", required=True, type=pathlib.Path)
    p.add_argument("--transactions", required=True, type=pathlib.Path)
    p.add_argument("--as-of", required=True)
    p.add_argument("--runs", required=True, type=int)
    p.add_argument("--sizes", required=True, help="N-M: the generated sizes")
    p.add_argument("--dist", type=pathlib.Path)
    p.add_argument("--chromium")
    p.add_argument("--browser", action="store_true", help="the browser runs were attempted")
    p.add_argument("--out", required=True, type=pathlib.Path)
    a = p.parse_args()

    native = load(a.dir / "native.json")
    page, page_error = load_runs(a.dir / "c360-browser.json")
    wasm, wasm_error = load_runs(a.dir / "duckdb-wasm.json")
    inputs = a.contacts.stat().st_size + a.transactions.stat().st_size
    n, m = (int(x) for x in a.sizes.split("-"))

    c360, c360_range = spread([r["seconds"] for r in native["c360"]])
    duck, duck_range = spread([r["seconds"] for r in native["duckdb"]])
    proc, proc_range = spread([r["process_seconds"] for r in native["duckdb"]])
    d0 = native["duckdb"][0]
    out = [
        f"# c360 benchmark: {n:,} contacts, {m:,} transactions",
        "",
        f"Median of {a.runs} runs each, on the same files: `{a.contacts}` ({size(a.contacts.stat().st_size)}) "
        f"and `{a.transactions}` ({size(a.transactions.stat().st_size)}), {size(inputs)} in all "
        f"(`c360 generate --seed 7`), as of {a.as_of}. A ratio is c360's time over the peer's: "
        "below 1 c360 is faster.",
        "",
    ]
    rows = [
        ("c360 build, native (end to end: every model and data test, CSVs written)",
         seconds(c360), c360_range, f"c360 ÷ DuckDB: {ratio(c360, duck)}"),
        (f"DuckDB {d0['version']} (Python, {d0['threads']} threads): read both CSVs, "
         "CREATE TABLE customers", seconds(duck), duck_range, ""),
        ("DuckDB, the whole Python process (start, import duckdb, the above)",
         seconds(proc), proc_range, ""),
    ]
    w = None
    if wasm:
        w, w_range = spread([r["ms"] / 1000 for r in wasm["runs"]])
    if page:
        first, first_range = spread([r["first_ms"] / 1000 for r in page["runs"]])
        policy, policy_range = spread([r["policy_ms"] / 1000 for r in page["runs"]])
        as_of, as_of_range = spread([r["as_of_ms"] / 1000 for r in page["runs"]])
        rows += [
            ("c360 in Chromium: both files chosen → Done (Web Worker)", seconds(first),
             first_range,
             f"c360 browser ÷ DuckDB-WASM: {ratio(first, w)}; ÷ DuckDB native: {ratio(first, duck)}"),
            ("c360 re-run in Chromium: duplicate contacts → drop_all", seconds(policy),
             policy_range, f"÷ first browser run: {ratio(policy, first)}"),
            ("c360 re-run in Chromium: as-of → 2024-01-01", seconds(as_of), as_of_range,
             f"÷ first browser run: {ratio(as_of, first)}"),
        ]
    elif a.browser:
        rows.append(("c360 in Chromium", "failed", "", page_error))
    if wasm:
        w0 = wasm["runs"][0]
        bundle = w0["bundle"].removeprefix("duckdb-").removesuffix(".wasm")
        rows.append((f"DuckDB-WASM {w0['version']}, {bundle} bundle, 1 thread, in its worker "
                     "in Chromium: files chosen → customers", seconds(w), w_range, ""))
    elif a.browser:
        rows.append(("DuckDB-WASM in Chromium", "failed", "", wasm_error))
    out += [table(("time", "median", "min–max", "ratio"), rows), ""]

    peak = lambda runs, key: max((r[key] for r in runs if r.get(key) is not None), default=None)
    per_byte = lambda b: f"{b / inputs:.2f}× input" if b else "n/a"
    mem = [
        ("c360 build, native: max RSS (GNU time)", peak(native["c360"], "max_rss")),
        ("DuckDB (Python process): max RSS (GNU time)", peak(native["duckdb"], "max_rss")),
    ]
    if page:
        mem += [
            ("c360 in Chromium: worker's wasm memory after the last run",
             peak(page["runs"], "worker_memory")),
            ("c360 in Chromium: renderer peak RSS (VmHWM)", peak(page["runs"], "renderer_peak_rss")),
        ]
    if wasm:
        mem.append(("DuckDB-WASM in Chromium: renderer peak RSS (VmHWM)",
                    peak(wasm["runs"], "renderer_peak_rss")))
    out += [table(("peak memory", "bytes", "÷ input bytes"),
                  [(w, size(b), per_byte(b)) for w, b in mem]), ""]

    longest = []
    for name, peer in (("c360's page", page), ("DuckDB-WASM's page", wasm)):
        if peer:
            longest.append((f"{name}: from the files chosen to the last result",
                            peak(peer["runs"], "longest_task_ms")))
            longest.append((f"{name}: loading the page, before that",
                            peak(peer["runs"], "longest_load_task_ms")))
    if longest:
        out += [table(("longest main-thread task (worst run; 0: none over 50 ms)", "ms"),
                      [(w, "n/a" if v is None else f"{v:.0f} ms") for w, v in longest]), ""]

    if a.browser and a.dist and a.dist.is_dir():
        wasm_rows, raw_sum, gz_sum = [], 0, 0
        for f in sorted(a.dist.rglob("*.wasm")):
            data = f.read_bytes()
            gz = len(gzip.compress(data, 9))
            raw_sum += len(data)
            gz_sum += gz
            role = "worker" if "worker" in f.name else "page"
            wasm_rows.append((f"{f.relative_to(a.dist)} ({role})", size(len(data)), size(gz)))
        wasm_rows.append(("total", size(raw_sum), size(gz_sum)) if wasm_rows
                         else (f"no *.wasm in {a.dist}", "", ""))
        out += [table(("wasm in dist/", "raw", "gzip -9"), wasm_rows), ""]

    check = native["check"]
    problems = []
    if check["rows"] != check["c360_rows"]:
        problems.append("DuckDB's customers and c360's have different row counts: the peer "
                        "does not compute the same mart")
    differing = check.get("differing_rows", f"n/a (c360 lacks {check.get('missing_columns')})")
    checks = [
        f"- DuckDB's customers has {check['rows']:,} rows, c360's customers.csv "
        f"{check['c360_rows']:,}; rows that differ in any column: {differing}"
        + ("" if differing == 0 else " (WARNING: the marts differ)") + ".",
    ]
    if page:
        p_rows = {r.get("customers_rows") for r in page["runs"]}
        if None in p_rows:
            checks.append("- c360's page shows no customers row count to compare.")
        else:
            same = "the same as DuckDB's" if p_rows == {check["rows"]} else "NOT the same as DuckDB's"
            if p_rows != {check["rows"]}:
                problems.append("c360's page shows another customers row count than DuckDB's")
            checks.append(f"- c360's page shows customers with "
                          f"{', '.join(f'{n:,}' for n in sorted(p_rows))} rows: {same}.")
    if wasm:
        w_rows = {r["rows"] for r in wasm["runs"]}
        same = "the same as DuckDB's" if w_rows == {check["rows"]} else "NOT the same as DuckDB's"
        if w_rows != {check["rows"]}:
            problems.append("DuckDB-WASM's customers row count is not native DuckDB's")
        checks.append(f"- DuckDB-WASM's customers has {', '.join(f'{n:,}' for n in sorted(w_rows))} "
                      f"rows: {same}.")
    if page or wasm:
        background = sorted({h.removesuffix(":443").removesuffix(":80")
                             for j in (page, wasm) if j for r in j["runs"] for h in r["background"]})
        pages = " and ".join(n for n, j in (("c360's page", page), ("DuckDB-WASM's page", wasm)) if j)
        checks.append(f"- Checked {pages}: no request off this machine, from a page or its "
                      "worker. "
                      "Chromium's own "
                      "background requests, which no page made, all went to the bench's refusing "
                      "proxy: " + (", ".join(background) or "none") + ".")
    codes = sorted({r["exit"] for r in native["c360"]})
    checks.append(f"- `c360 build` exit status: {', '.join(map(str, codes))}.")
    out += ["Checks:", "", *checks, ""]

    out += [table(("machine", ""), machine(a.chromium if a.browser else None)), ""]
    text = "\n".join(out)
    a.out.write_text(text)
    print(text)
    for problem in problems:
        print(f"bench: error: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
