-- 0001: the entry table, the global log head, and the append-only guard.
-- docs/FORMAT.md §4 defines an entry; docs/STORAGE.md explains the choices below.

-- Every entry of every stream, exactly as hashed. The canonical bytes are the record; the
-- other columns repeat what is inside them so the database can check and index it.
CREATE TABLE entry (
    log_position   bigint      NOT NULL,
    stream_id      text        NOT NULL,
    sequence       bigint      NOT NULL,
    hash           bytea       NOT NULL,
    previous_hash  bytea       NOT NULL,
    entry_type     text        NOT NULL,
    canonical      bytea       NOT NULL,
    recorded_at    timestamptz NOT NULL,
    -- The sequence an entry links back to, stored so that the foreign key below can name it;
    -- null for entry 0, which links to no entry (MATCH SIMPLE skips the key check on a null).
    previous_sequence bigint GENERATED ALWAYS AS (CASE WHEN sequence > 0 THEN sequence - 1 END) STORED,

    -- One entry per stream position: two writers racing for it cannot both commit (DESIGN.md 7).
    CONSTRAINT entry_pk PRIMARY KEY (stream_id, sequence),
    CONSTRAINT entry_log_position_unique UNIQUE (log_position),
    CONSTRAINT entry_hash_unique UNIQUE (hash),
    -- Referenced by entry_links_to_previous.
    CONSTRAINT entry_stream_sequence_hash_unique UNIQUE (stream_id, sequence, hash),
    CONSTRAINT entry_sequence_not_negative CHECK (sequence >= 0),
    CONSTRAINT entry_log_position_not_negative CHECK (log_position >= 0),
    CONSTRAINT entry_hash_is_sha256 CHECK (octet_length(hash) = 32),
    CONSTRAINT entry_previous_hash_is_sha256 CHECK (octet_length(previous_hash) = 32),
    CONSTRAINT entry_first_links_to_zero CHECK (
        sequence > 0 OR previous_hash = '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea),
    CONSTRAINT entry_stream_id_spelling CHECK (
        stream_id ~ '^(registry|catalog|(project|household)/[A-Za-z0-9][A-Za-z0-9._-]{0,63})$'),
    CONSTRAINT entry_type_spelling CHECK (entry_type ~ '^[A-Z][A-Za-z0-9]{0,63}$'),
    CONSTRAINT entry_canonical_not_empty CHECK (octet_length(canonical) > 0),
    -- Every entry after the first names the hash of the entry before it in its stream, so the
    -- database itself refuses a broken or forked chain.
    CONSTRAINT entry_links_to_previous FOREIGN KEY (stream_id, previous_sequence, previous_hash)
        REFERENCES entry (stream_id, sequence, hash)
);

-- The size of the global log. Every appending transaction increments it in the same statement
-- that inserts its entries, which takes this row's lock until commit: positions are therefore
-- handed out in commit order, with no gap and no duplicate, whatever the number of server
-- processes (DESIGN.md "Known pitfalls": a bigserial would not be commit order).
CREATE TABLE log_head (
    singleton boolean PRIMARY KEY DEFAULT true,
    size      bigint  NOT NULL,
    CONSTRAINT log_head_is_single_row CHECK (singleton),
    CONSTRAINT log_head_size_not_negative CHECK (size >= 0)
);
INSERT INTO log_head (singleton, size) VALUES (true, 0);

-- Entries are never updated or deleted (DESIGN.md 1); corrections are new entries.
CREATE FUNCTION refuse_entry_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger entries are append-only: % refused', TG_OP
        USING ERRCODE = 'LA001';
END;
$$;

CREATE TRIGGER entry_append_only
    BEFORE UPDATE OR DELETE ON entry
    FOR EACH ROW EXECUTE FUNCTION refuse_entry_change();

CREATE TRIGGER entry_no_truncate
    BEFORE TRUNCATE ON entry
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_entry_change();

-- The log head only ever grows.
CREATE FUNCTION refuse_log_shrink() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.size < OLD.size THEN
        RAISE EXCEPTION 'the global log never shrinks' USING ERRCODE = 'LA001';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER log_head_only_grows
    BEFORE UPDATE ON log_head
    FOR EACH ROW EXECUTE FUNCTION refuse_log_shrink();

CREATE TRIGGER log_head_no_delete
    BEFORE DELETE OR TRUNCATE ON log_head
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_entry_change();
