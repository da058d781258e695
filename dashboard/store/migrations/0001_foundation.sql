-- The foundation: the workspace's entities.
-- No declared foreign keys: DuckDB refuses to update an indexed column (a unique name) of a
-- row another table references, which would forbid renaming a touchpoint that has
-- impressions. The store module keeps references intact instead (archive, never delete).

create sequence stakeholder_group_id;
create table stakeholder_group (
    id integer primary key default nextval('stakeholder_group_id'),
    name varchar not null unique,
    description varchar not null default ''
);

create sequence team_id;
create table team (
    id integer primary key default nextval('team_id'),
    name varchar not null unique,
    description varchar not null default ''
);

create sequence service_cycle_id;
create table service_cycle (
    id integer primary key default nextval('service_cycle_id'),
    name varchar not null unique,
    description varchar not null default '',
    created_at timestamp not null default current_timestamp
);

create sequence touchpoint_id;
create table touchpoint (
    id integer primary key default nextval('touchpoint_id'),
    cycle_id integer not null,
    position integer not null,
    name varchar not null,
    moment varchar not null check (moment in ('now_or_never', 'make_or_break', 'keep_or_lose', 'multiplier')),
    channel varchar not null default '',
    owner_team_id integer,
    description varchar not null default '',
    standard varchar not null default '',
    target double precision not null default 0.5 check (target between -1 and 1),
    situation varchar check (situation in ('making_the_sale', 'service_start', 'problem_found',
                                           'complaint', 'competitor_pressure', 'retention_contact')),
    recovery_plan varchar not null default '',
    archived_at timestamp
);

create table touchpoint_group (
    touchpoint_id integer not null,
    group_id integer not null,
    primary key (touchpoint_id, group_id)
);

-- One row per recorded impression. No primary key index: at ten million rows it would cost
-- memory and import time, and nothing looks an impression up by id alone.
create sequence impression_id;
create table impression (
    id bigint not null default nextval('impression_id'),
    touchpoint_id integer not null,
    observed_on date not null,
    raw_value varchar not null,
    scale varchar not null,
    score double precision not null check (score between -1 and 1),
    group_id integer,
    source varchar not null check (source in ('survey', 'workshop', 'manual')),
    comment varchar,
    recorded_at timestamp not null default current_timestamp
);

create sequence enhancement_idea_id;
create table enhancement_idea (
    id integer primary key default nextval('enhancement_idea_id'),
    touchpoint_id integer not null,
    text varchar not null,
    status varchar not null default 'proposed' check (status in ('proposed', 'adopted', 'standard')),
    votes integer not null default 0 check (votes >= 0),
    author varchar not null default '',
    created_at timestamp not null default current_timestamp,
    adopted_on date
);

create table plan_cell (
    step varchar not null check (step in ('identify_groups', 'decide_reputation', 'isolate_contacts',
                                          'specify_behaviours', 'perform', 'measure', 'institute')),
    moment varchar not null check (moment in ('now_or_never', 'make_or_break', 'keep_or_lose', 'multiplier')),
    status varchar not null default 'not_started' check (status in ('not_started', 'in_progress', 'done', 'at_risk')),
    owner varchar not null default '',
    due_on date,
    notes varchar not null default '',
    updated_at timestamp not null default current_timestamp,
    primary key (step, moment)
);

-- A counter bumped by every write, so caches at the Streamlit edge know when to refresh.
create table data_version (
    id integer primary key check (id = 1),
    version bigint not null
);
insert into data_version values (1, 0);
