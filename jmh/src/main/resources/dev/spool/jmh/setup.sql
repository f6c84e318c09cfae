-- The benchmarks' own housekeeping: a fresh scratch schema per trial. Job operations go only through
-- Spool's named queries. {schema} is filled in by dev.spool.impl.sql.Queries#script.
drop schema if exists {schema} cascade
