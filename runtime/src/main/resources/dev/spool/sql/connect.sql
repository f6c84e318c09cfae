-- Queries of connection setup.

-- A multi-host URL with target_session_attrs=read-write takes the first server that answers "off", as
-- libpq does: a standby (or a server set read-only) answers "on".
-- name: SessionReadOnly
show transaction_read_only
