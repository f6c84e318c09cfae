-- compatible-from: 17 (the claims of limited and keyed queues gain parameters with defaults, and claim_keyed a column:
-- runtimes of schemas 17 and 18 call them with their old arguments, which read their queues from the head as before,
-- and read the columns they know by name.)
-- Claims of limited and keyed queues from floors: while a long transaction elsewhere keeps vacuum from removing the
-- index entries of claimed jobs, claim_limited and claim_keyed read each queue (and each key) from its head and
-- walked every entry kept there (a fair claim of 20 keys: 2,748 buffers unpinned, 94,101 after 50,000 pinned jobs).
-- With floors they start past them, as ClaimJobsFrom does for plain queues. New parameters, with defaults, which
-- create or replace cannot add: the old functions are dropped here and defined again from claim.sql after the
-- migrations, in the same transaction (an overload beside them would make every old call ambiguous).
drop function if exists {schema}.claim_limited(text, text[], integer, text, float8, integer, text[], integer[],
                                               float8[], text[], float8);
drop function if exists {schema}.claim_keyed(text, text[], integer, text, float8, integer, integer, integer, float8,
                                             boolean, boolean, text[], integer[], float8);
