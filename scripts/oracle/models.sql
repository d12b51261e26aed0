-- The exercise's five dbt models, solved, as plain PostgreSQL: the independent oracle that
-- c360's outputs are checked against (tests/golden/postgres/, compared by tests/integration/oracle.rs).
--
-- This file is NOT derived from c360's code. It is the SQL an analytics engineer would write
-- for the solved exercise on dbt-postgres:
--   * stg_sf__contacts: the source renamed; a duplicated id resolved to one row with
--     row_number() over (partition by id order by _loaded_at_utc desc, file position) = 1
--     (the exercise's fix for "the same id in the last two rows": keep the first);
--   * contacts_joined_with_transactions: an INNER join (the exercise's fix for orphans);
--   * customers: the exercise's customers model plus question 6's columns, with `Kitchen`
--     accepted (the exercise's fix for the accepted_values test) and other_amount for the rest;
--   * category: the solution's category statistics, as src/engine/models/category.rs documents.
--
-- Needs PostgreSQL 14 or later (SQL-standard function bodies).
--
-- Inputs (made by scripts/oracle/run): tables raw_contacts and raw_transactions, every column
-- text exactly as the CSV holds it (an unquoted empty field is NULL) plus _file_position (the
-- 1-based record number in the file). The psql variable :as_of is the run's as-of date.
-- Output: one view per model, and export_<model> views that print it the way c360 does
-- (timestamps as YYYY-MM-DD HH24:MI:SS.MS; numerics and dates as Postgres prints them).

-- Sources, typed as dbt's seed loader would type them.
create view source_contacts as
select
    id,
    username,
    name,
    gender,
    address,
    mail,
    birthdate::date as birthdate,
    _loaded_at_utc::timestamp as _loaded_at_utc,
    _file_position
from raw_contacts;

create view source_transactions as
select
    contact_id,
    id,
    transaction_date::timestamp as transaction_date,
    amount::numeric as amount,
    item_count::integer as item_count,
    category,
    _loaded_at_utc::timestamp as _loaded_at_utc,
    _file_position
from raw_transactions;

-- The exercise's macro age_in_years, at a fixed as-of date instead of now(). A birth date
-- after the as-of date has no age (the issue's rule) rather than a negative one.
create function age_in_years(birth date) returns integer
language sql immutable
return case
    when birth <= :'as_of'::date then date_part('year', age(:'as_of'::date, birth))::integer
end;

create view stg_sf__contacts as
with ranked as (
    select
        *,
        row_number() over (
            partition by id
            -- Latest load first; a NULL load time counts as oldest (Postgres would otherwise
            -- sort NULLs first in a descending order); ties go to the first row in the file.
            order by _loaded_at_utc desc nulls last, _file_position
        ) as row_in_id
    from source_contacts
)
select
    id,
    username as user_name,
    name,
    gender,
    address,
    mail as email_address,
    birthdate as birth_date,
    _loaded_at_utc
from ranked
-- NULL ids are not duplicates of one another (NULL <> NULL): all are kept, the not_null
-- data test is what reports them.
where row_in_id = 1 or id is null
order by _file_position;

create view stg_web__transactions as
select
    id,
    contact_id,
    transaction_date,
    amount,
    item_count,
    category,
    _loaded_at_utc
from source_transactions
order by _file_position;

create view contacts_joined_with_transactions as
select
    c.id,
    c.user_name,
    c.name,
    c.gender,
    c.address,
    c.email_address,
    c.birth_date,
    c._loaded_at_utc,
    t.id as transaction_id,
    t.transaction_date,
    t.amount,
    t.item_count,
    t.category
from stg_web__transactions as t
inner join stg_sf__contacts as c on t.contact_id = c.id;

create view customers as
select
    id,
    gender,
    age_in_years(birth_date) as age,
    sum(amount) as total_expense,
    min(transaction_date) as first_purchase_date,
    max(transaction_date) as last_purchase_date,
    sum(case when category = 'Apps & Games' then amount else 0 end) as apps_and_games_amount,
    sum(case when category = 'Beauty' then amount else 0 end) as beauty_amount,
    sum(case when category = 'Books' then amount else 0 end) as books_amount,
    sum(case when category = 'Clothing, Shoes & Accessories' then amount else 0 end)
        as clothing_shoes_and_accessories_amount,
    sum(case when category = 'Kitchen' then amount else 0 end) as kitchen_amount,
    sum(case when category = 'Movies & TV' then amount else 0 end) as movies_and_tv_amount,
    sum(case when category = 'Sports, Fitness & Outdoors' then amount else 0 end)
        as sports_fitness_and_outdoors_amount,
    -- Everything else, a NULL category included (`NULL in (...)` is not true).
    sum(
        case
            when category in (
                'Apps & Games', 'Beauty', 'Books', 'Clothing, Shoes & Accessories', 'Kitchen',
                'Movies & TV', 'Sports, Fitness & Outdoors'
            ) then 0
            else amount
        end
    ) as other_amount
from contacts_joined_with_transactions
group by id, gender, birth_date;

create view category as
with per_category as (
    select
        category,
        count(*) as total_transactions,
        sum(amount) as total_amount,
        round(avg(amount), 2) as average_amount,
        sum(item_count) as total_item_count,
        round(avg(item_count)::numeric, 2) as average_item_count
    from contacts_joined_with_transactions
    group by category
),
-- Each (category, customer) once, for the women and men only (gender F / M, any case).
buyers as (
    select distinct
        category,
        id,
        upper(gender) as gender,
        age_in_years(birth_date) as age
    from contacts_joined_with_transactions
    where upper(gender) in ('F', 'M')
),
per_gender as (
    select
        category,
        count(*) filter (where gender = 'F') as count_unique_female_customers,
        count(*) filter (where gender = 'M') as count_unique_male_customers,
        round(avg(age) filter (where gender = 'F'), 2) as average_age_female_customers,
        round(avg(age) filter (where gender = 'M'), 2) as average_age_male_customers
    from buyers
    group by category
)
select
    p.category,
    p.total_transactions,
    p.total_amount,
    p.average_amount,
    p.total_item_count,
    p.average_item_count,
    coalesce(g.count_unique_female_customers, 0) as count_unique_female_customers,
    coalesce(g.count_unique_male_customers, 0) as count_unique_male_customers,
    g.average_age_female_customers,
    g.average_age_male_customers
from per_category as p
left join per_gender as g on p.category is not distinct from g.category
order by p.category;

-- Exports: the models as c360 prints them (millisecond timestamps).
create function ms(t timestamp) returns text
language sql immutable
return to_char(t, 'YYYY-MM-DD HH24:MI:SS.MS');

create view export_stg_sf__contacts as
select id, user_name, name, gender, address, email_address, birth_date, ms(_loaded_at_utc) as _loaded_at_utc
from stg_sf__contacts;

create view export_stg_web__transactions as
select
    id, contact_id, ms(transaction_date) as transaction_date, amount, item_count, category,
    ms(_loaded_at_utc) as _loaded_at_utc
from stg_web__transactions;

create view export_contacts_joined_with_transactions as
select
    id, user_name, name, gender, address, email_address, birth_date,
    ms(_loaded_at_utc) as _loaded_at_utc, transaction_id, ms(transaction_date) as transaction_date,
    amount, item_count, category
from contacts_joined_with_transactions;

create view export_customers as
select
    id, gender, age, total_expense,
    ms(first_purchase_date) as first_purchase_date, ms(last_purchase_date) as last_purchase_date,
    apps_and_games_amount, beauty_amount, books_amount, clothing_shoes_and_accessories_amount,
    kitchen_amount, movies_and_tv_amount, sports_fitness_and_outdoors_amount, other_amount
from customers
order by id;

create view export_category as
select * from category;
