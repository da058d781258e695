-- Issue 12 (what a new user trips over), the import's part.
--
-- 1. Responses. A comment belongs to the response, not to each answer in it: a respondent who
-- rated five touchpoints and wrote one remark gave one comment. ``response`` keeps the remark
-- once; every impression of that response points to it. Only responses that carry a comment
-- need a row: an impression without one stands alone (response_id null), which keeps the
-- demo's millions of uncommented impressions and every import without comments as cheap as before.
create sequence response_id;
create table response (
    id bigint primary key,
    comment varchar not null,  -- verbatim, never blank
    import_id integer          -- the survey import that wrote it (null otherwise): undone with it
);
alter table impression add column response_id bigint;

-- Existing comments: one response per commented impression, except where a survey import's rows
-- clearly came from one respondent's row: the same import, day, stakeholder group and comment
-- text. Within such a set each touchpoint was rated once per respondent, so the nth rating of a
-- touchpoint goes to the nth response (two respondents who wrote the same words stay two).
create temporary table migrated_key as
select id, case when import_id is null then id end as own_id, import_id, observed_on, group_id, comment,
    case when import_id is null then 0 else row_number() over (
        partition by import_id, observed_on, group_id, comment, touchpoint_id order by id) end as nth
from impression where trim(coalesce(comment, '')) <> '';

create temporary table migrated_response as
select *, nextval('response_id') as response_id
from (select distinct own_id, import_id, observed_on, group_id, comment, nth from migrated_key
      order by own_id, import_id, observed_on, group_id, comment, nth) as k;

insert into response select response_id, comment, import_id from migrated_response;

update impression set response_id = r.response_id
from migrated_key k join migrated_response r
    on r.own_id is not distinct from k.own_id and r.import_id is not distinct from k.import_id
    and r.observed_on = k.observed_on and r.group_id is not distinct from k.group_id
    and r.comment = k.comment and r.nth = k.nth
where impression.id = k.id;

drop table migrated_key;
drop table migrated_response;

-- The comment roll-up: still one row per commented impression (filters and retraction work per
-- impression), but the text lives once in ``response``; readers group by response_id.
drop table impression_comment;
create table impression_comment (
    id bigint not null,
    response_id bigint not null,
    touchpoint_id integer not null,
    observed_on date not null,
    group_id integer,
    source varchar not null,
    score double precision not null
);
insert into impression_comment
select id, response_id, touchpoint_id, observed_on, group_id, source, score
from impression where response_id is not null order by observed_on, id;

alter table impression drop column comment;

-- 2. The comment and stakeholder-group columns a person chose for a survey are remembered beside
-- its column corrections and scale, so its next export (or the same file after an undo) comes
-- with them. JSON: {"comment": column identity, "group": column identity}, either may be absent.
alter table survey_mapping add column roles varchar;
