-- Survey imports, part 2: the column-to-touchpoint corrections a person made for one survey,
-- keyed by the survey's fingerprint (its tool and header), so next month's export of the same
-- survey imports with the same mapping. ``columns`` is JSON: {column identity: touchpoint name or null}.
create table survey_mapping (
    fingerprint varchar primary key,
    tool varchar not null,
    columns varchar not null,
    updated_at timestamp not null default current_timestamp
);
