-- The `customers` mart in DuckDB, as a data person would write it: the peer that scripts/bench
-- times against c360. One file for both DuckDB (Python, native) and DuckDB-WASM (the browser):
-- {contacts} and {transactions} are replaced by the CSVs' paths (or registered file names),
-- {as_of} by the run's as-of date. Statements are separated by a semicolon at a line's end.
--
-- It follows the solved exercise (scripts/oracle/models.sql) and c360's defaults:
--   * the sources are loaded into tables first, typed, as dbt's seed loader would; a table
--     keeps the file's order, so `rowid` is the file position that breaks load-time ties;
--   * stg_sf__contacts: one row per id, the latest _loaded_at_utc (ties: first in the file);
--   * contacts_joined_with_transactions: an inner join (orphan transactions excluded);
--   * customers: one row per contact with a transaction, age in completed years at the as-of
--     date (null for a birth date after it), and a sum per accepted category plus other_amount.
-- The result is materialised (CREATE TABLE); the driver then fetches its row count.

CREATE OR REPLACE TABLE raw_contacts AS
SELECT * FROM read_csv('{contacts}', header = true, columns = {
    'id': 'VARCHAR', 'username': 'VARCHAR', 'name': 'VARCHAR', 'gender': 'VARCHAR',
    'address': 'VARCHAR', 'mail': 'VARCHAR', 'birthdate': 'DATE', '_loaded_at_utc': 'TIMESTAMP'
});

CREATE OR REPLACE TABLE raw_transactions AS
SELECT * FROM read_csv('{transactions}', header = true, columns = {
    'contact_id': 'VARCHAR', 'id': 'VARCHAR', 'transaction_date': 'TIMESTAMP',
    'amount': 'DECIMAL(18,3)', 'item_count': 'INTEGER', 'category': 'VARCHAR',
    '_loaded_at_utc': 'TIMESTAMP'
});

CREATE OR REPLACE TABLE customers AS
WITH stg_sf__contacts AS (
    SELECT id, gender, birthdate AS birth_date
    FROM raw_contacts
    QUALIFY row_number() OVER (
        PARTITION BY id ORDER BY _loaded_at_utc DESC NULLS LAST, rowid
    ) = 1 OR id IS NULL
),
joined AS (
    SELECT c.id, c.gender, c.birth_date, t.transaction_date, t.amount, t.category
    FROM raw_transactions AS t
    INNER JOIN stg_sf__contacts AS c ON t.contact_id = c.id
)
SELECT
    id,
    gender,
    CASE WHEN birth_date <= DATE '{as_of}' THEN
        year(DATE '{as_of}') - year(birth_date)
        - CASE WHEN month(DATE '{as_of}') * 100 + day(DATE '{as_of}')
                  < month(birth_date) * 100 + day(birth_date) THEN 1 ELSE 0 END
    END AS age,
    sum(amount) AS total_expense,
    min(transaction_date) AS first_purchase_date,
    max(transaction_date) AS last_purchase_date,
    sum(CASE WHEN category = 'Apps & Games' THEN amount ELSE 0 END) AS apps_and_games_amount,
    sum(CASE WHEN category = 'Beauty' THEN amount ELSE 0 END) AS beauty_amount,
    sum(CASE WHEN category = 'Books' THEN amount ELSE 0 END) AS books_amount,
    sum(CASE WHEN category = 'Clothing, Shoes & Accessories' THEN amount ELSE 0 END)
        AS clothing_shoes_and_accessories_amount,
    sum(CASE WHEN category = 'Kitchen' THEN amount ELSE 0 END) AS kitchen_amount,
    sum(CASE WHEN category = 'Movies & TV' THEN amount ELSE 0 END) AS movies_and_tv_amount,
    sum(CASE WHEN category = 'Sports, Fitness & Outdoors' THEN amount ELSE 0 END)
        AS sports_fitness_and_outdoors_amount,
    -- Everything else, a null category included (`NULL IN (...)` is not true).
    sum(CASE WHEN category IN (
            'Apps & Games', 'Beauty', 'Books', 'Clothing, Shoes & Accessories', 'Kitchen',
            'Movies & TV', 'Sports, Fitness & Outdoors'
        ) THEN 0 ELSE amount END) AS other_amount
FROM joined
GROUP BY id, gender, birth_date;
