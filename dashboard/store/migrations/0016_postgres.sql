-- PostgreSQL as a second store (issue 17). The files before this one build the same schema on
-- both databases; this one adds what PostgreSQL needs to answer as fast, and to keep the rules
-- that DuckDB keeps only because one process writes its file at a time.

-- How many impressions there are, so the roll-up's check at every write (rollup.catch_up) reads
-- one row instead of counting the table. PostgreSQL keeps it with the triggers below. DuckDB
-- counts its table in milliseconds at each write and leaves the column null; the column exists
-- there too so that one schema version means one set of tables and columns on both.
alter table impression_daily_state add column total bigint;

-- only: postgres

-- DuckDB reads ranges of its tables through zone maps; PostgreSQL needs indexes for the lookups
-- the store makes: an impression by id (the roll-up's new rows, a vote's impression), the rows
-- of one import (undo), of one touchpoint over a date range, of one response.
create unique index impression_by_id on impression (id);
create index impression_by_import on impression (import_id) where import_id is not null;
create index impression_by_touchpoint_day on impression (touchpoint_id, observed_on);
create index impression_by_response on impression (response_id) where response_id is not null;
create index impression_daily_by_day on impression_daily (observed_on);
create index impression_monthly_by_month on impression_monthly (observed_on);
create index impression_comment_by_response on impression_comment (response_id);
create index impression_comment_by_touchpoint_day on impression_comment (touchpoint_id, observed_on);
create index response_by_import on response (import_id) where import_id is not null;
create index workshop_vote_by_session on workshop_vote (session_id);
create index workshop_participant_by_session on workshop_participant (session_id);
create index enhancement_idea_by_session on enhancement_idea (workshop_session_id)
    where workshop_session_id is not null;
create index flow_count_by_import on flow_count (import_id) where import_id is not null;
create index audit_log_by_actor on audit_log (actor);

-- Rules DuckDB cannot declare (it has no partial unique indexes) and the store checks before it
-- writes, under its write lock. Several servers on one database also take turns, behind an
-- advisory lock; these indexes make the database itself refuse a second copy all the same:
-- a join code is used by one live session at a time, and a file (survey or flow) is imported
-- once until that import is undone.
create unique index workshop_session_live_code on workshop_session (code) where status = 'live';
create unique index import_batch_live_hash on import_batch (content_hash) where undone_at is null;
create unique index flow_import_live_hash on flow_import (content_hash) where undone_at is null;

-- The count of impressions, kept per statement: one update of one row for a statement that
-- adds or removes any number of impressions (a 2-million-row COPY included). The count changes
-- inside the writer's transaction, so a rollback takes it back with the rows.
update impression_daily_state set total = (select count(*) from impression);

create function impression_added() returns trigger language plpgsql as $$
begin
    update impression_daily_state set total = total + (select count(*) from added) where id = 1;
    return null;
end
$$;

create function impression_removed() returns trigger language plpgsql as $$
begin
    update impression_daily_state set total = total - (select count(*) from removed) where id = 1;
    return null;
end
$$;

create function impression_emptied() returns trigger language plpgsql as $$
begin
    update impression_daily_state set total = 0 where id = 1;
    return null;
end
$$;

create trigger impression_counted_in after insert on impression
    referencing new table as added for each statement execute function impression_added();
create trigger impression_counted_out after delete on impression
    referencing old table as removed for each statement execute function impression_removed();
create trigger impression_counted_empty after truncate on impression
    for each statement execute function impression_emptied();
