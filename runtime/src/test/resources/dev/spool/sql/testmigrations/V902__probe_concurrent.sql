-- compatible-from: 16 (a test's migration)
-- A column in the migration's transaction, then a unique index built concurrently after it commits. Two jobs of
-- queue 'probe-unique' with the same task make the build fail and leave the index invalid.
alter table {schema}.jobs add column probe_note text;
create unique index concurrently if not exists jobs_probe_unique on {schema}.jobs (task) where queue = 'probe-unique';
