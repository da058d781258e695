-- Alert rules, team contacts and the memory of alerts already sent (issue 18: digests).
-- A rule says which drops of a touchpoint's mean impression count as an alert and who hears of
-- them. Recipients are plain email addresses until sign-in lands; then they can point at users.
create sequence alert_rule_id;
create table alert_rule (
    id integer primary key default nextval('alert_rule_id'),
    name varchar not null unique,
    significant_only boolean not null default true,   -- the drop's 95% interval must exclude zero
    min_drop double precision not null default 0 check (min_drop >= 0 and min_drop <= 2),
    min_count integer not null default 0 check (min_count >= 0),  -- impressions in each period
    notify_owners boolean not null default true,       -- each owner team's contacts hear of their touchpoints
    addresses varchar not null default ''              -- leadership addresses, comma-separated
);

-- Addresses that receive a team's alerts (the teams that own touchpoints).
create table team_contact (
    team_id integer not null,
    address varchar not null,
    primary key (team_id, address)
);

-- What each recipient was last told about a touchpoint: the next digest repeats an alert only
-- when the touchpoint's mean has fallen below the one sent.
create table alert_sent (
    recipient varchar not null,
    touchpoint_id integer not null,
    mean double precision not null,
    period_end date not null,
    sent_at timestamp not null default current_timestamp,
    primary key (recipient, touchpoint_id)
);
