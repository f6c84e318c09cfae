-- Queries of connection setup.

-- A multi-host URL with target_session_attrs=read-write takes the first server that answers "off", as
-- libpq does: a standby (or a server set read-only) answers "on".
-- name: SessionReadOnly
show transaction_read_only

-- The timeouts an operator set for Spool's role or database (ALTER ROLE/DATABASE ... SET), as a connection
-- without Spool's own startup settings has them: a worker says once what it does about them.
-- name: SessionTimeouts
select current_setting('statement_timeout') as statement_timeout,
       current_setting('idle_in_transaction_session_timeout') as idle_in_transaction_session_timeout
