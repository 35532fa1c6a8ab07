-- 0003: the global Merkle log (DESIGN.md 3, docs/FORMAT.md §10).
-- The entries' log positions (0001) are the leaves of one RFC 6962 / RFC 9162 tree; the leaf
-- at position i is SHA-256(0x00 || entry hash of the entry at position i). This migration
-- stores that tree's nodes, how far it has been built, the log's signing key, and the signed
-- checkpoints. Everything here is append-only, like the entries: a checkpoint once published
-- must stay provable forever, and a rewrite of history must be visible, not possible.

-- Every complete perfect subtree of the tree: MTH(D[idx·2^level : (idx + 1)·2^level]) in
-- RFC 9162 §2.1.1 notation. Level 0 holds the leaf hashes. A node is written once, when its
-- last leaf is integrated, and never changes, since the log only grows at its end: the root at
-- any size and every inclusion or consistency proof is assembled from O(log n) of these rows.
CREATE TABLE merkle_node (
    level smallint NOT NULL,
    idx   bigint   NOT NULL,
    hash  bytea    NOT NULL,

    CONSTRAINT merkle_node_pk PRIMARY KEY (level, idx),
    -- A tree of at most 2^63 − 1 leaves has levels 0 … 62.
    CONSTRAINT merkle_node_level_in_range CHECK (level BETWEEN 0 AND 62),
    CONSTRAINT merkle_node_idx_not_negative CHECK (idx >= 0),
    CONSTRAINT merkle_node_hash_is_sha256 CHECK (octet_length(hash) = 32)
);

-- How many leaves (log positions 0 … size − 1) the nodes above cover. The integrator advances
-- it in the transaction that inserts the new nodes, under an advisory lock, so that several
-- server processes never integrate the same positions twice (src/Grains/Log/LogIntegrator.cs).
CREATE TABLE merkle_head (
    singleton boolean PRIMARY KEY DEFAULT true,
    size      bigint  NOT NULL,
    CONSTRAINT merkle_head_is_single_row CHECK (singleton),
    CONSTRAINT merkle_head_size_not_negative CHECK (size >= 0)
);
INSERT INTO merkle_head (singleton, size) VALUES (true, 0);

-- The log's identity: its verifier key in C2SP vkey text, <origin>+<key ID>+<base64 key>
-- (docs/FORMAT.md §10.3). The first server to start records its key; a server holding another
-- key integrates but does not sign, so every checkpoint of the log verifies under this one key.
CREATE TABLE log_key (
    singleton    boolean     PRIMARY KEY DEFAULT true,
    verifier_key text        NOT NULL,
    recorded_at  timestamptz NOT NULL,
    CONSTRAINT log_key_is_single_row CHECK (singleton),
    -- name + 8 lowercase hex digits + base64 of 0x01 || 32-byte Ed25519 key (33 bytes, 44 characters).
    CONSTRAINT log_key_spelling CHECK (verifier_key ~ '^[^+[:space:][:cntrl:]]+\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$')
);

-- Every signed checkpoint: the C2SP tlog-checkpoint body of the tree at tree_size, signed as a
-- C2SP signed note by the log key, kept exactly as signed (the note is what verifiers check;
-- the other columns repeat what is inside it so the database can check and index it).
CREATE TABLE checkpoint (
    tree_size bigint      NOT NULL,
    root_hash bytea       NOT NULL,
    note      text        NOT NULL,
    signed_at timestamptz NOT NULL,

    CONSTRAINT checkpoint_pk PRIMARY KEY (tree_size),
    -- The empty tree is never signed: a checkpoint is made only when the log has grown.
    CONSTRAINT checkpoint_tree_size_positive CHECK (tree_size > 0),
    CONSTRAINT checkpoint_root_hash_is_sha256 CHECK (octet_length(root_hash) = 32),
    -- The note's second and third lines are the tree size and the base64 root
    -- (tlog-checkpoint "Note text"); they must say what the columns say.
    CONSTRAINT checkpoint_note_matches_columns CHECK (
        split_part(note, E'\n', 2) = tree_size::text
        AND decode(split_part(note, E'\n', 3), 'base64') = root_hash)
);

-- Nodes, the key and checkpoints are never updated or deleted (refuse_entry_change is 0001's).
CREATE TRIGGER merkle_node_append_only
    BEFORE UPDATE OR DELETE ON merkle_node
    FOR EACH ROW EXECUTE FUNCTION refuse_entry_change();

CREATE TRIGGER merkle_node_no_truncate
    BEFORE TRUNCATE ON merkle_node
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_entry_change();

CREATE TRIGGER log_key_append_only
    BEFORE UPDATE OR DELETE ON log_key
    FOR EACH ROW EXECUTE FUNCTION refuse_entry_change();

CREATE TRIGGER log_key_no_truncate
    BEFORE TRUNCATE ON log_key
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_entry_change();

CREATE TRIGGER checkpoint_append_only
    BEFORE UPDATE OR DELETE ON checkpoint
    FOR EACH ROW EXECUTE FUNCTION refuse_entry_change();

CREATE TRIGGER checkpoint_no_truncate
    BEFORE TRUNCATE ON checkpoint
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_entry_change();

-- The integrated size only ever grows (refuse_log_shrink is 0001's, on a column named size).
CREATE TRIGGER merkle_head_only_grows
    BEFORE UPDATE ON merkle_head
    FOR EACH ROW EXECUTE FUNCTION refuse_log_shrink();

CREATE TRIGGER merkle_head_no_delete
    BEFORE DELETE OR TRUNCATE ON merkle_head
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_entry_change();

-- Checkpoints are signed only at growing sizes, never beyond what is integrated. The signer
-- holds the integration lock when it inserts, so this check is not raced by another signer.
CREATE FUNCTION refuse_checkpoint_out_of_order() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.tree_size <= coalesce((SELECT max(tree_size) FROM checkpoint), 0) THEN
        RAISE EXCEPTION 'checkpoints are signed at growing tree sizes: % is not above the latest', NEW.tree_size
            USING ERRCODE = 'LA001';
    END IF;
    IF NEW.tree_size > (SELECT size FROM merkle_head) THEN
        RAISE EXCEPTION 'a checkpoint of % leaves is beyond the integrated tree', NEW.tree_size
            USING ERRCODE = 'LA001';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER checkpoint_sizes_grow
    BEFORE INSERT ON checkpoint
    FOR EACH ROW EXECUTE FUNCTION refuse_checkpoint_out_of_order();
