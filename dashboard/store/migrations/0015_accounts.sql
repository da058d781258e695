-- Sign-in, roles and data scope (issue 16): people, what they may see, their sessions, the
-- one-time set-password links, failed sign-ins (for the lockout) and the audit log.
create sequence app_user_id;
create table app_user (
    id integer primary key default nextval('app_user_id'),
    email varchar not null unique,          -- stored folded to lower case
    name varchar not null default '',
    role varchar not null check (role in ('viewer', 'editor', 'facilitator', 'admin')),
    password_hash varchar,                  -- argon2; null until the user sets one (or under SSO)
    disabled_at timestamp,
    created_at timestamp not null default current_timestamp
);

-- The teams an editor or facilitator writes for: they may change cycles whose touchpoints these
-- teams own.
create table user_team (
    user_id integer not null,
    team_id integer not null,
    primary key (user_id, team_id)
);

-- A user's data scope: when a user has rows here, they see only these service cycles.
create table user_cycle (
    user_id integer not null,
    cycle_id integer not null,
    primary key (user_id, cycle_id)
);

-- Signed-in browser sessions. The cookie carries the session's random token (signed); only its
-- SHA-256 hash is kept, so a copy of the database opens no session.
create table user_session (
    token_hash varchar primary key,
    user_id integer not null,
    created_at timestamp not null default current_timestamp,
    expires_at timestamp not null
);

-- One-time set-password links (an invitation or a reset), kept as hashes.
create table user_invite (
    token_hash varchar primary key,
    user_id integer not null,
    expires_at timestamp not null,
    used_at timestamp
);

-- Failed sign-ins per account and address, for a time-limited lockout.
create table sign_in_failure (
    email varchar not null,
    address varchar not null,
    failed_at timestamp not null default current_timestamp
);
create index sign_in_failure_key on sign_in_failure (email, address);

-- Who wrote what and when: imports, undo, map edits, plan changes, settings, users, tokens,
-- workshop steps. ``actor`` is the user's e-mail, a token's name, or ``system`` for the command
-- line on the workspace file.
create sequence audit_log_id;
create table audit_log (
    id bigint primary key default nextval('audit_log_id'),
    logged_at timestamp not null default current_timestamp,
    actor varchar not null,
    role varchar not null,
    kind varchar not null,
    action varchar not null,
    cycle_id integer,
    detail varchar not null default ''
);

-- API tokens belong to a user (null: made in open mode or before accounts existed) and carry at
-- most that user's role and scope. The old roles map onto the new ones.
alter table api_token add column user_id integer;
update api_token set role = case role when 'read' then 'viewer' when 'write' then 'facilitator' else 'admin' end;

-- The key that signs session cookies when none is configured (DASHBOARD_SECRET or
-- [auth] cookie_secret): made once, shared by every server on the workspace.
create table auth_key (
    id integer primary key check (id = 1),
    key varchar not null
);
