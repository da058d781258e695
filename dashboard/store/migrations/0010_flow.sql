-- Customer flow: how many customers pass each of the four moments, per service cycle and month.
-- A count is one figure for one cycle, month, measure and source ('' when the measure has none);
-- several rows for the same key add up (a manual entry adds to an import). Rows from a flow file
-- carry the file's import id, so undoing the import removes exactly what it wrote.
create sequence flow_import_id;
create table flow_import (
    id integer primary key default nextval('flow_import_id'),
    file_name varchar not null,
    content_hash varchar not null,
    imported_at timestamp not null default current_timestamp,
    imported_by varchar not null default '',
    rows_read integer not null,
    counts integer not null,
    rejected integer not null,
    undone_at timestamp
);
create index flow_import_hash on flow_import (content_hash);

create sequence flow_count_id;
create table flow_count (
    id bigint primary key default nextval('flow_count_id'),
    cycle_id integer not null,
    period date not null,          -- the first day of the month
    measure varchar not null,      -- prospects, customers_won, active_customers, retained, lost, repeat_purchases, referrals
    source varchar not null default '',
    count bigint not null check (count >= 0),
    import_id integer,             -- null for manual entries and the demo
    entered_by varchar not null default '',
    recorded_at timestamp not null default current_timestamp
);
create index flow_count_cycle_period on flow_count (cycle_id, period);

-- Cycles whose customers may be won in a later month than the one they were prospects in, so a
-- month may win more customers than it had prospects.
create table flow_cycle (
    cycle_id integer primary key,
    carry_over boolean not null default false
);

-- Flow settings (target conversion per moment, customer value, cost of winning a customer).
create table flow_setting (
    key varchar primary key,
    value double precision not null
);
