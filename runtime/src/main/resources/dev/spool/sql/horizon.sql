-- The vacuum horizon (JobAdmin.vacuumHorizon): what keeps vacuum from removing the jobs table's dead row
-- versions. Vacuum removes a dead version only when no snapshot can still see it, so the oldest of these holds
-- back every table of the database: a session's snapshot (backend_xmin) or its own transaction id
-- (backend_xid, a transaction that wrote), a prepared transaction, or a replication slot (xmin: a standby with
-- hot_standby_feedback; catalog_xmin: logical decoding, which holds back only the system catalogs). One row
-- per kind, its oldest holder, ordered by how many transactions old it is; age(...) counts transaction ids, the
-- only order the xid type has. Reads shared memory and the statistics, no table: cheap to run every few seconds.
--
-- A session's age is that of its transaction (xact_start): its snapshot was taken then or later, so the age
-- is an upper bound that is exact for a REPEATABLE READ transaction and for a single long statement. A slot has
-- no time, only its transaction age. Sessions of other databases are left out: since PostgreSQL 14 they do
-- not hold back this database's tables (processes of no database, as a standby's WAL sender, do). This
-- statement's own session and vacuum's workers (their snapshots are ignored by other vacuums) are left out.
-- Without pg_read_all_stats (or superuser) the query text of other roles' sessions reads as
-- "<insufficient privilege>", but their xmin, pid and times are still shown.
--
-- $1 the schema of the jobs table, for its dead and live row versions (from the statistics) and its last vacuum.
-- name: VacuumHorizon
with holders as (
  select 'session' as kind, a.pid, a.application_name as name, a.state, a.xact_start as since,
         a.query_start, left(a.query, 120) as query, greatest(age(a.backend_xmin), age(a.backend_xid)) as xid_age
    from pg_stat_activity a
   where (a.backend_xmin is not null or a.backend_xid is not null)
     and a.pid <> pg_backend_pid()
     and a.backend_type <> 'autovacuum worker'
     and (a.datid is null or a.datid = 0 or a.datname = current_database())
  union all
  select 'prepared transaction', null, p.gid, 'prepared', p.prepared, null, null, age(p.transaction)
    from pg_prepared_xacts p
   where p.database = current_database()
  union all
  select 'replication slot', s.active_pid, s.slot_name, case when s.active then 'active' else 'inactive' end,
         null, null, null, age(s.xmin)
    from pg_replication_slots s
   where s.xmin is not null
  union all
  select 'replication slot catalog', s.active_pid, s.slot_name, case when s.active then 'active' else 'inactive' end,
         null, null, null, age(s.catalog_xmin)
    from pg_replication_slots s
   where s.catalog_xmin is not null),
oldest as (
  select distinct on (kind) * from holders order by kind, xid_age desc, since)
select o.kind, o.pid, o.name, o.state, o.since, o.query_start, o.query, o.xid_age, now() as now,
       t.n_dead_tup as jobs_dead, t.n_live_tup as jobs_live,
       greatest(t.last_vacuum, t.last_autovacuum) as jobs_vacuumed_at
  from (select 1) one
  left join oldest o on true
  left join pg_stat_user_tables t on t.schemaname = $1 and t.relname = 'jobs'
 order by o.xid_age desc nulls last

-- The vacuumer's question before each pass: the oldest transaction id that holds back vacuum of the jobs table
-- now (the holders of VacuumHorizon but a slot's catalog_xmin), as text; null when nothing does. While it stays
-- the same, a second vacuum can remove nothing the last one could not: every version that died since died after it.
-- Compared for equality only, so a 32-bit id's wraparound does not matter.
-- name: VacuumHorizonXmin
select h.x::text as xmin
  from (select a.backend_xmin as x from pg_stat_activity a
         where a.backend_xmin is not null and a.pid <> pg_backend_pid() and a.backend_type <> 'autovacuum worker'
           and (a.datid is null or a.datid = 0 or a.datname = current_database())
        union all
        select a.backend_xid from pg_stat_activity a
         where a.backend_xid is not null and a.pid <> pg_backend_pid() and a.backend_type <> 'autovacuum worker'
           and (a.datid is null or a.datid = 0 or a.datname = current_database())
        union all
        select p.transaction from pg_prepared_xacts p where p.database = current_database()
        union all
        select s.xmin from pg_replication_slots s where s.xmin is not null) h
 order by age(h.x) desc
 limit 1
