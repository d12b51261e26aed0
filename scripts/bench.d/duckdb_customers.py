"""DuckDB computes the `customers` mart from the two exports, once, and prints what it took.

One run is one fresh process and one fresh in-memory database, as a data person runs a query:
connect, read both CSVs into tables, CREATE TABLE customers (customers.sql beside this file),
fetch its row count. The printed seconds cover exactly that, not the interpreter's start or
`import duckdb`. With --compare it then checks, untimed, that the result is c360's: the same
row count, and how many rows differ between the two in any column.

    duckdb_customers.py --contacts C --transactions T --as-of YYYY-MM-DD [--compare customers.csv]

Prints one JSON object on stdout.
"""

import argparse
import json
import pathlib
import time

import duckdb

SQL = pathlib.Path(__file__).with_name("customers.sql")


def statements(contacts, transactions, as_of):
    """customers.sql's statements, with the paths and the date put in."""
    text = SQL.read_text()
    text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))
    text = (
        text.replace("{contacts}", contacts.replace("'", "''"))
        .replace("{transactions}", transactions.replace("'", "''"))
        .replace("{as_of}", as_of)
    )
    return [s.strip() for s in text.split(";\n") if s.strip()]


def compare(con, c360_csv):
    """Row counts of both results, and the rows (by id) that differ in any column."""
    con.execute(
        "CREATE TABLE c360 AS SELECT * FROM read_csv(?, header = true, "
        "types = {'id': 'VARCHAR', 'gender': 'VARCHAR', 'age': 'INTEGER', "
        "'first_purchase_date': 'TIMESTAMP', 'last_purchase_date': 'TIMESTAMP'})",
        [c360_csv],
    )
    c360_rows = con.execute("SELECT count(*) FROM c360").fetchone()[0]
    # Every column compared with IS DISTINCT FROM, amounts as exact decimals.
    columns = [r[0] for r in con.execute("DESCRIBE customers").fetchall()]
    missing = [c for c in columns if c not in {r[0] for r in con.execute("DESCRIBE c360").fetchall()}]
    if missing:
        return {"c360_rows": c360_rows, "missing_columns": missing}
    amounts = {c for c in columns if c == "total_expense" or c.endswith("_amount")}
    differs = " OR ".join(
        f"d.{c} IS DISTINCT FROM CAST(k.{c} AS DECIMAL(18,3))" if c in amounts
        else f"d.{c} IS DISTINCT FROM k.{c}"
        for c in columns
        if c != "id"
    )
    differing = con.execute(
        f"SELECT count(*) FROM customers d FULL JOIN c360 k ON d.id = k.id "
        f"WHERE d.id IS NULL OR k.id IS NULL OR {differs}"
    ).fetchone()[0]
    return {"c360_rows": c360_rows, "differing_rows": differing}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", required=True)
    parser.add_argument("--transactions", required=True)
    parser.add_argument("--as-of", required=True)
    parser.add_argument("--compare", help="c360's customers.csv, checked after the timed run")
    args = parser.parse_args()

    todo = statements(args.contacts, args.transactions, args.as_of)
    start = time.perf_counter()
    con = duckdb.connect()
    for statement in todo:
        con.execute(statement)
    rows = con.execute("SELECT count(*) FROM customers").fetchone()[0]
    seconds = time.perf_counter() - start

    out = {
        "seconds": seconds,
        "rows": rows,
        "version": duckdb.__version__,
        "threads": con.execute("SELECT current_setting('threads')").fetchone()[0],
    }
    if args.compare:
        out.update(compare(con, args.compare))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
