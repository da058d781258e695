-- Words (issue 11): a survey's identity is its "survey key" (it was called a fingerprint, a word
-- too close to the file's content hash). A scale a person confirmed for a survey is remembered
-- beside its column corrections, so next month's export imports without asking again.
alter table survey_mapping rename column fingerprint to survey_key;
alter table survey_mapping add column scale varchar;
