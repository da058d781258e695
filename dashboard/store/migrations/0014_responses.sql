-- Issue 12 (what a new user trips over), the import's part.
--
-- The comment and stakeholder-group columns a person chose for a survey are remembered beside
-- its column corrections and scale, so its next export (or the same file after an undo) comes
-- with them. JSON: {"comment": column identity, "group": column identity}, either may be absent.
alter table survey_mapping add column roles varchar;
