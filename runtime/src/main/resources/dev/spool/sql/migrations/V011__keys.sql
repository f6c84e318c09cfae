-- Keys: a job may carry a key (a tenant, an account, a document) that a queue can limit (running jobs and
-- starts per key, across all workers), share fairly (round robin between keys) or run one at a time in
-- order. Plain jobs have no key and are in none of the indexes below, so they pay nothing for them.
alter table {schema}.jobs add column key text;
alter table {schema}.jobs add constraint jobs_key_length check (key is null or length(key) between 1 and 255);

-- The keyed claim reaches the keys that have due jobs by a skip scan of this index, in key order.
create index jobs_key_claim on {schema}.jobs (queue, key, priority, run_at, id) where state = 'available' and key is not null;
-- Running jobs of a key (key concurrency) and a key's first open job (serial order).
create index jobs_key_running on {schema}.jobs (queue, key) where state = 'running' and key is not null;
create index jobs_key_open on {schema}.jobs (queue, key, id) where state in ('available', 'running') and key is not null;

-- Where each keyed queue's round robin stands; locking its row makes that queue's keyed claims take turns.
create table {schema}.key_cursors (
  queue    text primary key,
  last_key text
);
