-- Survey imports: one row per imported file, and each impression knows the import it came from,
-- so an import can be listed, recognised when the same file comes again, and undone completely.
create sequence import_batch_id;
create table import_batch (
    id integer primary key default nextval('import_batch_id'),
    file_name varchar not null,
    content_hash varchar not null,
    cycle_id integer not null,
    imported_at timestamp not null default current_timestamp,
    imported_by varchar not null default '',
    rows_read integer not null,
    impressions integer not null,
    rejected integer not null,
    missing_answers integer not null default 0,
    detected varchar not null default '',
    undone_at timestamp
);
create index import_batch_hash on import_batch (content_hash);

-- Null for impressions recorded by hand, in a workshop, or by the demo generator.
alter table impression add column import_id integer;
