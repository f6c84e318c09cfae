-- compatible-from: 16 (a test's migration)
-- A volatile default rewrites the table; a plain index build blocks writes; a concurrent one does not.
alter table {schema}.jobs add column probe_random double precision default random();
create index jobs_probe on {schema}.jobs (probe_random);
create index concurrently jobs_probe_2 on {schema}.jobs (probe);
do $$ begin perform 1; end $$;
