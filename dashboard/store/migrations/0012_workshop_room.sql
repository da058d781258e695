-- A workshop room of phones (issue 15).
-- The presenter view opens by a secret key, never by the session's counting id.
alter table workshop_session add column presenter_key varchar;
update workshop_session set presenter_key = replace(gen_random_uuid()::varchar, '-', '');
-- The address phones use to reach the app (the QR code and the join link hold it); empty means
-- the address the facilitator's browser used.
alter table workshop_session add column phone_url varchar default '';
update workshop_session set phone_url = '';
-- A participant's token is kept as its SHA-256 hash: the cookie holds the token itself.
-- DuckDB's sha256 takes text; PostgreSQL's takes bytes. Both give the same lower-case hex.
-- only: duckdb
update workshop_participant set token = sha256(token);
-- only: postgres
update workshop_participant set token = encode(sha256(convert_to(token, 'UTF8')), 'hex');
-- only: both
-- The facilitator can hide an idea from the wall; its author still sees it, marked hidden.
alter table enhancement_idea add column hidden boolean default false;
update enhancement_idea set hidden = false;
