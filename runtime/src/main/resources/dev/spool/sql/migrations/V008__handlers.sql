-- compatible-from: 8 (declared when windows were introduced: no older runtime was checked against it)
-- Handlers as users write them: a job may carry a soft time limit of its own beside its hard one
-- (timeout_ms). At the soft limit its handler is told and a warning is logged; at the hard limit the run
-- fails. Null takes the handler's (HandlerOptions.softTimeout).
--
-- Adding a nullable column without a default only touches the catalog. The rule (positive, below the
-- job's own hard limit when it has one) holds for every later insert and update; NOT VALID skips the scan
-- of the existing rows under an exclusive lock, which cannot break it: their new column is null.
alter table {schema}.jobs add column soft_timeout_ms integer;
alter table {schema}.jobs add constraint jobs_soft_timeout
  check (soft_timeout_ms is null or (soft_timeout_ms > 0 and (timeout_ms is null or soft_timeout_ms < timeout_ms)))
  not valid;

-- The claims return the new column, so the limited claim's result type changes, which CREATE OR REPLACE
-- cannot do: drop it here; the migrator defines it again from claim.sql right after the migrations.
drop function if exists {schema}.claim_limited(text, text[], integer, text, float8, integer, text[], integer[],
  float8[], text[], float8);

-- enqueue() takes the soft limit too (soft_timeout_ms), in V011, which defines the function with every
-- parameter this release adds.
