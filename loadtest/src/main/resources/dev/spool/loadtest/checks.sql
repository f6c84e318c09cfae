-- SQL of the load tester itself: resetting its scratch schema and looking at the outcome. Job operations
-- (enqueue, claim, ack) go only through Spool's own named queries; nothing here changes a job.
-- {schema} is filled in by dev.spool.impl.sql.Queries#script from a validated identifier.

-- name: DropSchema
drop schema if exists {schema} cascade

-- Rows not finished yet (available, running, dead, cancelled) and rows kept as completed.
-- name: CountJobs
select count(*) filter (where state <> 'completed') as open,
       count(*) filter (where state = 'completed') as completed
  from {schema}.jobs

-- name: OpenJobIds
select id from {schema}.jobs where state <> 'completed'

-- Statements that mention the schema, as counted by pg_stat_statements ($1 is a LIKE pattern, passed
-- as a parameter so that this query's own text does not match it).
-- name: SchemaStatements
select coalesce(sum(calls), 0)::bigint as calls
  from pg_stat_statements
 where dbid = (select oid from pg_database where datname = current_database()) and query like $1

-- The fallback when pg_stat_statements is not loaded: transactions of the whole database. Every
-- statement a worker sends outside a transaction block is a transaction of its own.
-- name: DatabaseTransactions
select (xact_commit + xact_rollback)::bigint as xacts from pg_stat_database where datname = current_database()

-- Between the phases of compare, so that no phase pays for the previous one's dirty pages.
-- name: Checkpoint
checkpoint
