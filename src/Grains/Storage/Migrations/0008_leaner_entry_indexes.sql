-- 0008: the same guarantees on entry with less written per appended entry (issue 16 item 4,
-- docs/STORAGE.md "Write amplification"). 0001 kept two unique B-tree indexes on random
-- 32-byte hashes, (hash) and (stream_id, sequence, hash), the second only so that the chain's
-- foreign key could reference it; the key's check also locked each predecessor row, a WAL
-- record and a dirtied page of its own. Every appended entry thus wrote two index leaves at
-- random places in large indexes, each a full page image after every checkpoint.

-- The chain link, checked once per appending statement instead of by a foreign key: every
-- appended entry after the first of its stream must find its predecessor, (stream_id,
-- sequence − 1), with the hash it names (one index probe each, by the primary key or the hash
-- index below, whichever the planner picks). Entries are append-only
-- (0001), so a predecessor seen once stays as seen: no row lock is needed, and one never
-- committed (another writer's) is not seen, so an entry linking to it is refused as before.
-- The error is the one the foreign key raised, same SQLSTATE and constraint name, so that
-- src/Grains/Storage/StorageErrors.cs reads it unchanged.
CREATE FUNCTION refuse_unlinked_entry() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    unlinked record;
BEGIN
    SELECT a.stream_id, a.sequence INTO unlinked
    FROM appended a
    WHERE a.sequence > 0
      AND NOT EXISTS (
          SELECT 1 FROM entry p
          WHERE p.stream_id = a.stream_id AND p.sequence = a.sequence - 1 AND p.hash = a.previous_hash)
    ORDER BY a.log_position
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'the entry % of % does not link to the entry before it in its stream', unlinked.sequence, unlinked.stream_id
            USING ERRCODE = 'foreign_key_violation',
                  CONSTRAINT = 'entry_links_to_previous',
                  TABLE = 'entry',
                  DETAIL = format('Key (stream_id, sequence)=(%s, %s) does not name the hash of (stream_id, sequence - 1).', unlinked.stream_id, unlinked.sequence);
    END IF;
    RETURN NULL;
END;
$$;

ALTER TABLE entry DROP CONSTRAINT entry_links_to_previous;
ALTER TABLE entry DROP CONSTRAINT entry_stream_sequence_hash_unique;
ALTER TABLE entry DROP COLUMN previous_sequence;

-- Named so that it fires before entry_recorded_time_order (statement triggers fire in name order).
CREATE TRIGGER entry_links_to_previous
    AFTER INSERT ON entry
    REFERENCING NEW TABLE AS appended
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_unlinked_entry();

-- Lookups by hash and the hash's uniqueness from one hash index: an index tuple holds the
-- hash's 4-byte hash code, not its 32 bytes, and a PostgreSQL hash index cannot be UNIQUE, so
-- uniqueness is an exclusion constraint on it (SQLSTATE 23P01 instead of 23505).
ALTER TABLE entry DROP CONSTRAINT entry_hash_unique;
ALTER TABLE entry ADD CONSTRAINT entry_hash_unique EXCLUDE USING hash (hash WITH =);
