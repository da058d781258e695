-- Workshop sessions: a facilitator walks a room through a service cycle; participants score
-- its touchpoints and propose enhancement ideas from their phones.
-- Uniqueness that DuckDB cannot declare (a join code is unique among *live* sessions only;
-- DuckDB has no partial unique indexes) is kept by the store, whose writers take turns; on
-- PostgreSQL, migration 0016 declares it as well.

create sequence workshop_session_id;
create table workshop_session (
    id integer primary key default nextval('workshop_session_id'),
    code varchar not null,
    title varchar not null default '',
    cycle_id integer not null,
    scale varchar not null,
    status varchar not null default 'live' check (status in ('live', 'ended')),
    revealed boolean not null default false,
    current_touchpoint_id integer,
    created_at timestamp not null default current_timestamp,
    ended_at timestamp
);

-- The touchpoints a session walks through, in order, and whether each is open for votes.
create table workshop_touchpoint (
    session_id integer not null,
    touchpoint_id integer not null,
    position integer not null,
    is_open boolean not null default false,
    primary key (session_id, touchpoint_id)
);

create sequence workshop_participant_id;
create table workshop_participant (
    id integer primary key default nextval('workshop_participant_id'),
    session_id integer not null,
    token varchar not null unique,
    name varchar not null default '',
    group_id integer,
    joined_at timestamp not null default current_timestamp
);

-- One vote per participant per touchpoint (the primary key says so); the vote *is* an
-- impression (source 'workshop'), and impression_id points at it so a changed vote updates
-- that impression in place instead of adding a second one.
create table workshop_vote (
    participant_id integer not null,
    touchpoint_id integer not null,
    session_id integer not null,
    impression_id bigint not null,
    raw_value varchar not null,
    score double precision not null,
    voted_at timestamp not null default current_timestamp,
    primary key (participant_id, touchpoint_id)
);

-- One vote per participant per enhancement idea; enhancement_idea.votes holds the count.
create table workshop_idea_vote (
    idea_id integer not null,
    participant_id integer not null,
    primary key (idea_id, participant_id)
);

-- The session an impression or an enhancement idea came from (null for everything else).
alter table impression add column workshop_session_id integer;
alter table enhancement_idea add column workshop_session_id integer;
alter table enhancement_idea add column workshop_participant_id integer;
