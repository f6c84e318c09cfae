-- compatible-from: 14 (declared when windows were introduced: no older runtime was checked against it)
-- How many of a job's attempts the rescuer ended (its worker was killed, partitioned or frozen past its
-- timeout, or its lease ran out). A rescue still counts as an attempt, so a job that brings its worker down
-- every time ends dead instead of looping; but it is not the handler's failure, so the retry backoff counts
-- attempt - rescues: a job rescued three times whose next run fails waits base × factor^0, not × factor^3.
alter table {schema}.jobs add column rescues integer not null default 0;

-- The claim functions return the new column; the migrator defines them again after the migrations.
drop function if exists {schema}.claim_limited(text, text[], integer, text, float8, integer, text[], integer[],
                                               float8[], text[], float8);
drop function if exists {schema}.claim_keyed(text, text[], integer, text, float8, integer, integer, integer, float8,
                                             boolean, boolean, text[], integer[], float8);
