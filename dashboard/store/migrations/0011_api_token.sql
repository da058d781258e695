-- API tokens: who may call the HTTP API and with which role. Only a token's SHA-256 hash is
-- kept; the token itself is shown once, when it is created. A revoked token stays listed.
create sequence api_token_id;
create table api_token (
    id integer primary key default nextval('api_token_id'),
    name varchar not null unique,
    role varchar not null,
    token_hash varchar not null unique,
    created_at timestamp not null default current_timestamp,
    last_used_at timestamp,
    revoked_at timestamp
);

-- Survey tools' webhooks: each survey sending responses has a key (the last part of its URL),
-- the tool that sends them, the cycle they go to, an optional scale, and the secret the tool
-- signs with. The secret is kept as given: checking an HMAC signature needs the key itself.
create table webhook (
    survey_key varchar primary key,
    tool varchar not null,
    cycle_id integer not null,
    scale varchar,
    secret varchar not null,
    created_at timestamp not null default current_timestamp
);
