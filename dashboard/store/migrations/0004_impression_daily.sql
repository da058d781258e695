-- Daily and monthly roll-ups of impressions that the leadership views read instead of the raw rows.
-- One row counts the impressions that share a touchpoint, day, stakeholder group, source and
-- score. Scores come from a handful of scale points, so ten million impressions fold into a
-- few hundred thousand rows, and every statistic stays exact: sums and counts are weighted by
-- n, and "meets the target" is decided at query time against the touchpoint's current target.
-- Rows are only appended (a key may repeat): queries sum them anyway. rollup.catch_up keeps
-- the table current inside every write transaction; see dashboard/store/rollup.py.
create table impression_daily (
    touchpoint_id integer not null,
    observed_on date not null,
    group_id integer,
    source varchar not null,
    score double precision not null,
    n bigint not null
);

-- The same counts per calendar month (observed_on is the month's first day): twenty times fewer
-- rows again, read for whole months; the daily table answers the days at a range's edges.
create table impression_monthly (
    touchpoint_id integer not null,
    observed_on date not null,
    group_id integer,
    source varchar not null,
    score double precision not null,
    n bigint not null
);

-- The impressions that carry a comment (a few percent of them), in date order, for the
-- comments table: searching and sorting them does not have to read every impression.
create table impression_comment (
    id bigint not null,
    touchpoint_id integer not null,
    observed_on date not null,
    group_id integer,
    source varchar not null,
    score double precision not null,
    comment varchar not null
);

create table impression_daily_state (
    id integer primary key check (id = 1),
    last_id bigint not null,   -- the highest impression id counted so far
    covered bigint not null    -- how many impressions the roll-up counts
);

insert into impression_daily
select touchpoint_id, observed_on, group_id, source, score, count(*)
from impression group by touchpoint_id, observed_on, group_id, source, score order by observed_on;

insert into impression_monthly
select touchpoint_id, date_trunc('month', observed_on)::date, group_id, source, score, count(*)
from impression group by touchpoint_id, date_trunc('month', observed_on)::date, group_id, source, score order by 2;

insert into impression_comment
select id, touchpoint_id, observed_on, group_id, source, score, comment
from impression where comment is not null and comment <> '' order by observed_on, id;

insert into impression_daily_state
select 1, coalesce(max(id), 0), count(*) from impression;
