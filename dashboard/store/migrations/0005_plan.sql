-- The reputation plan: every change of a plan cell kept with who and when, the desired
-- reputation per stakeholder group, the thresholds the evidence rules use, and each
-- touchpoint's standard review cadence.

create sequence plan_cell_history_id;
create table plan_cell_history (
    id bigint primary key default nextval('plan_cell_history_id'),
    step varchar not null,
    moment varchar not null,
    status varchar not null check (status in ('not_started', 'in_progress', 'done', 'at_risk')),
    owner varchar not null default '',
    due_on date,
    notes varchar not null default '',
    changed_by varchar not null default '',
    changed_at timestamp not null default current_timestamp
);

-- What we want one stakeholder group to think and say about us; moment null = every moment.
create sequence reputation_statement_id;
create table reputation_statement (
    id integer primary key default nextval('reputation_statement_id'),
    group_id integer not null,
    moment varchar check (moment in ('now_or_never', 'make_or_break', 'keep_or_lose', 'multiplier')),
    text varchar not null,
    updated_at timestamp not null default current_timestamp
);

-- Thresholds of the evidence rules; a missing key means the default in dashboard/evidence.py.
create table plan_setting (
    key varchar primary key,
    value double precision not null
);

alter table touchpoint add column review_every_days integer;
alter table touchpoint add column last_reviewed_on date;
