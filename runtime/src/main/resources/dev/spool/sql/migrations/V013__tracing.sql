-- compatible-from: 13 (declared when windows were introduced: no older runtime was checked against it)
-- Tracing: the W3C trace context (traceparent) of the span that was current where a job was enqueued, so
-- that its runs are spans of the same trace (impl.trace.Tracing). Null for a job enqueued under no span, or
-- by an application without OpenTelemetry: a null costs one bit of the row's null bitmap, and as jobs has some
-- thirty columns that bit lies in bytes the tuple header's alignment pads anyway, so an untraced row and its
-- WAL record are no larger than before. It is kept as given; a worker that cannot read it counts it and runs
-- the job without a parent span.
alter table {schema}.jobs add column traceparent text;

-- The claims return it (claim.sql): the limited and keyed claim functions change their columns, which
-- create or replace cannot do, so they are dropped here and defined again from claim.sql after migrating.
drop function if exists {schema}.claim_limited(text, text[], integer, text, float8, integer, text[], integer[], float8[],
  text[], float8);
drop function if exists {schema}.claim_keyed(text, text[], integer, text, float8, integer, integer, integer, float8,
  boolean, boolean, text[], integer[], float8);

-- A workflow's steps carry it too: enqueue_workflow (workflow.sql) takes one more parameter.
drop function if exists {schema}.enqueue_workflow(text, text[], text[], text[], bytea[], smallint[], timestamptz[],
  float8[], integer[], integer[], text[], boolean[], integer[], integer[]);

-- enqueue takes it too: a client in another language, or SQL that knows its caller's trace, passes it
-- (enqueue('t', args, traceparent => '00-...-01')). A new parameter needs the old function gone; the migrator
-- defines it again from enqueue.sql (EnqueueFunction) after the migrations, as it does the claim functions.
drop function {schema}.enqueue(text, jsonb, text, integer, timestamptz, integer, integer, text, integer, bigint[], boolean,
  text);
