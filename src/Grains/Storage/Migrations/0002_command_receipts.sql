-- 0002: command receipts, the idempotency record of every accepted command.
-- A retried command (same person, same idempotency key) must return the first result and
-- write nothing; the same key with another request is refused. The primary key decides it,
-- inside the transaction that appends the command's entries: not a check-then-insert.
-- Everything here can be derived from the entries (each carries its signed command); the
-- table is an index, append-only like them.
CREATE TABLE command_receipt (
    person_id          text   NOT NULL,
    idempotency_key    text   NOT NULL,
    -- SHA-256 of the command's type and body: what "the same request" means.
    request_hash       bytea  NOT NULL,
    first_log_position bigint NOT NULL,
    entry_count        integer NOT NULL,

    CONSTRAINT command_receipt_pk PRIMARY KEY (person_id, idempotency_key),
    CONSTRAINT command_receipt_request_hash_is_sha256 CHECK (octet_length(request_hash) = 32),
    CONSTRAINT command_receipt_entry_count_positive CHECK (entry_count > 0),
    CONSTRAINT command_receipt_first_entry FOREIGN KEY (first_log_position) REFERENCES entry (log_position)
);

CREATE TRIGGER command_receipt_append_only
    BEFORE UPDATE OR DELETE ON command_receipt
    FOR EACH ROW EXECUTE FUNCTION refuse_entry_change();

CREATE TRIGGER command_receipt_no_truncate
    BEFORE TRUNCATE ON command_receipt
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_entry_change();
