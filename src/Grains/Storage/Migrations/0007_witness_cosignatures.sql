-- 0007: the witnesses' cosignatures of checkpoints (docs/FORMAT.md §10.7, issue 15 item 1).
-- The server submits each new checkpoint to the witnesses it is configured with (C2SP
-- tlog-witness, src/Api/Hosting/WitnessSubmissionService.cs) and keeps the line each answers
-- with, after checking it verifies. The log's note in checkpoint stays exactly as the log key
-- signed it; a checkpoint is served, exported and bundled as that note followed by these lines.
CREATE TABLE witness_cosignature (
    tree_size      bigint      NOT NULL,
    -- The witness's verifier key (name+keyid+base64(0x04 || key)), as configured.
    witness_key    text        NOT NULL,
    -- One signed-note signature line: an em dash, a space, the witness's name, a space, the
    -- base64 of key ID, timestamp and signature, and a line feed.
    signature_line text        NOT NULL,
    received_at    timestamptz NOT NULL,

    CONSTRAINT witness_cosignature_pk PRIMARY KEY (tree_size, witness_key),
    CONSTRAINT witness_cosignature_of_a_checkpoint FOREIGN KEY (tree_size) REFERENCES checkpoint (tree_size),
    CONSTRAINT witness_cosignature_key_spelling CHECK (witness_key ~ '^[^+[:space:][:cntrl:]]+\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$'),
    -- The line's name is the key's name, and it is one line of standard base64 of 4 + 8 + 64 bytes.
    -- IS TRUE: substring() is null when the pattern is not found, and a null CHECK passes.
    CONSTRAINT witness_cosignature_line_spelling CHECK ((
        signature_line = E'\u2014 ' || split_part(witness_key, '+', 1) || ' '
            || substring(signature_line FROM '[A-Za-z0-9+/]{102}==' || E'\n$')) IS TRUE)
);

-- Cosignatures, like checkpoints, are never updated or deleted (refuse_entry_change is 0001's).
CREATE TRIGGER witness_cosignature_append_only
    BEFORE UPDATE OR DELETE ON witness_cosignature
    FOR EACH ROW EXECUTE FUNCTION refuse_entry_change();

CREATE TRIGGER witness_cosignature_no_truncate
    BEFORE TRUNCATE ON witness_cosignature
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_entry_change();
