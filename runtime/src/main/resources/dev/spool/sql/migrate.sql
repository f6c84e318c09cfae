-- Queries of the migrator. Two processes migrating at once serialise on a transaction-scoped advisory lock.

-- name: LockMigrations
select pg_advisory_xact_lock(hashtext('spool.migrate.' || $1))

-- name: CreateSchema
create schema if not exists {schema}

-- name: CreateVersionTable
create table if not exists {schema}.schema_version (
  version    integer primary key,
  name       text not null,
  applied_at timestamptz not null default now()
)

-- name: AppliedVersions
select version from {schema}.schema_version order by version

-- name: RecordVersion
insert into {schema}.schema_version (version, name) values ($1, $2)

-- The limits the SQL functions read (see V009): written at every migrate, from this process's options.
-- name: WriteSetting
insert into {schema}.settings (name, value) values ($1, $2)
on conflict (name) do update set value = excluded.value
