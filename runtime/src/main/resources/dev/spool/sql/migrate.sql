-- Queries of the migrator. Two processes migrating at once serialise on an advisory lock held by the session for the
-- whole migration: its transaction and the concurrent index builds after it (a release before those took the same
-- lock for its transaction only; the two conflict all the same).

-- name: LockMigrations
select pg_advisory_lock(hashtext('spool.migrate.' || $1))

-- name: UnlockMigrations
select pg_advisory_unlock(hashtext('spool.migrate.' || $1))

-- Sets $1 to $2 for the migrating session, its transaction and the concurrent index builds after it. lock_timeout
-- bounds how long a statement waits for a lock: queued behind a long transaction it would hold up every enqueue and
-- claim queued behind it. statement_timeout is lifted: a role's or database's, meant for application queries, would
-- cancel an index build halfway. ResetSession puts both back before the connection returns to its pool.
-- name: SetSession
select set_config($1, $2, false)

-- name: ResetSession
select set_config(name, reset_val, false) from pg_settings where name in ('lock_timeout', 'statement_timeout')

-- name: CreateSchema
create schema if not exists {schema}

-- compatible_from: what the migration declares (see Migrations): the oldest runtime schema version that works
-- with a schema that has it. Older processes read it to decide whether they may go on.
-- name: CreateVersionTable
create table if not exists {schema}.schema_version (
  version         integer primary key,
  name            text not null,
  applied_at      timestamptz not null default now(),
  compatible_from integer
)

-- Migrations whose transaction committed while their steps outside a transaction (concurrent index builds) have not
-- all run yet: a failure or a lock timeout left them, and the next migrate runs those steps before anything else.
-- Their schema_version row is written, and their row here deleted, in one transaction once the last step is done.
-- name: CreatePartialTable
create table if not exists {schema}.schema_version_partial (
  version         integer primary key,
  name            text not null,
  committed_at    timestamptz not null default now()
)

-- name: PartialVersions
select version from {schema}.schema_version_partial order by version

-- name: MarkPartial
insert into {schema}.schema_version_partial (version, name) values ($1, $2)

-- name: UnmarkPartial
delete from {schema}.schema_version_partial where version = $1

-- An index of the schema by name: whether a concurrent build of it finished (a failed or cancelled one leaves it
-- invalid), and the statement that drops it, its names quoted by format().
-- name: IndexState
select i.indisvalid as valid, format('drop index concurrently if exists %I.%I', n.nspname, c.relname) as drop_sql
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
join pg_index i on i.indexrelid = c.oid
where n.nspname = $1 and c.relname = $2

-- Schemas made before compatibility windows were recorded. It looks before it acts: an ALTER would take a lock
-- that holds up every process's version check for as long as the migration lasts.
-- name: AddCompatibleFrom
do $$
begin
  if not exists (select from information_schema.columns
                 where table_schema = '{schema}' and table_name = 'schema_version' and column_name = 'compatible_from') then
    alter table {schema}.schema_version add column compatible_from integer;
  end if;
end $$

-- Versions applied by a release that did not record their window get what this release declares for them.
-- name: DeclareCompatibility
update {schema}.schema_version s set compatible_from = d.compatible_from
from unnest($1::integer[], $2::integer[]) as d(version, compatible_from)
where s.version = d.version and s.compatible_from is null

-- name: AppliedVersions
select version from {schema}.schema_version order by version

-- name: RecordVersion
insert into {schema}.schema_version (version, name, compatible_from) values ($1, $2, $3)

-- What a process checks before it claims or enqueues, given its own schema version $1: the schema's version,
-- the oldest runtime the migrations newer than $1 work with, and whether one of them declares nothing. The
-- column is read through to_jsonb, as a schema last migrated by a release before windows has none.
-- name: SchemaWindow
select coalesce(max(version), 0) as version,
       max((to_jsonb(v) ->> 'compatible_from')::integer) filter (where version > $1) as compatible_from,
       coalesce(bool_or(to_jsonb(v) ->> 'compatible_from' is null) filter (where version > $1), false) as undeclared
from {schema}.schema_version v

-- For migrate --status (read through to_jsonb for the same reason).
-- name: AppliedMigrations
select version, name, applied_at, (to_jsonb(v) ->> 'compatible_from')::integer as compatible_from
from {schema}.schema_version v
order by version

-- For migrate --dry-run: the size of each table and index of the schema, as the planner last estimated its rows.
-- name: RelationSizes
select c.relname, c.relkind::text as kind, c.reltuples::bigint as rows, pg_relation_size(c.oid) as bytes
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
where n.nspname = $1 and c.relkind in ('r', 'p', 'i')

-- The limits the SQL functions read (see V009): written at every migrate, from this process's options.
-- name: WriteSetting
insert into {schema}.settings (name, value) values ($1, $2)
on conflict (name) do update set value = excluded.value
