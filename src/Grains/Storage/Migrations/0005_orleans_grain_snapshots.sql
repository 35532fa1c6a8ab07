-- 0005: the stream grains' snapshots (docs/GRAINS.md "Snapshots"), kept by Orleans' AdoNet
-- grain storage (Microsoft.Orleans.Persistence.AdoNet 10.4.2) on the ledger's database, so
-- that a grain activated again reads its folded state and only the entries after it. Orleans'
-- packages do not ship this script; this is our reading of dotnet/orleans
-- src/AdoNet/Orleans.Persistence.AdoNet/PostgreSQL-Persistence.sql with its 3.6.0 upgrade
-- (modifiedon as timestamptz) already folded in.
--
-- A snapshot is a cache, never a source of truth (DESIGN.md 8): the grain checks it against
-- the entries before using it and drops it otherwise. Nothing here constrains or touches the
-- entries; a lost, stale or garbled row costs a full replay of the stream, nothing more.
--
-- The provider reads ReadFromStorageKey, WriteToStorageKey and ClearStorageKey (and
-- DeleteStorageKey, if present) from orleansquery (0004) when the silo starts, and binds
-- parameters by name (@GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
-- @GrainIdExtensionString, @ServiceId, @GrainStateVersion, @PayloadBinary): the keys, the
-- parameter names and the result columns it reads (payloadbinary, version,
-- newgrainstateversion) are its contract and must not change. Its rule for writes: each row
-- carries a version; a write names the version it read and returns the new one, or the old
-- one when another writer got there first (the provider then throws, and the grain logs it).

-- One row per grain and provider state. A string-keyed grain (all of ours) has its key in
-- grainidextensionstring and zeros in grainidn0/grainidn1; the two hashes are the provider's
-- Jenkins hashes of key and type, used only to narrow the index.
CREATE TABLE orleansstorage (
    grainidhash            integer        NOT NULL,
    grainidn0              bigint         NOT NULL,
    grainidn1              bigint         NOT NULL,
    graintypehash          integer        NOT NULL,
    graintypestring        varchar(512)   NOT NULL,
    grainidextensionstring varchar(512)   NULL,
    serviceid              varchar(150)   NOT NULL,
    -- The serialized StreamSnapshot; null once cleared.
    payloadbinary          bytea          NULL,
    modifiedon             timestamptz    NOT NULL,
    version                integer        NULL,

    CONSTRAINT orleans_storage_version_positive CHECK (version IS NULL OR version > 0)
);

-- The provider finds a row by its hashes and then compares the full key; several grains may
-- share a hash, so this cannot be unique. One row per grain is kept by the write function's
-- insert, which happens only when no row of that grain exists.
CREATE INDEX orleans_storage_grain ON orleansstorage (grainidhash, graintypehash);

-- Writes a grain's state. With a version (the grain read a row), updates the row only if its
-- version is still that one; without (the grain read none), inserts only if the grain has no
-- row yet. Returns the new version, or the given one when nothing was written, which the
-- provider reports as a conflict (two activations during a failover, say).
CREATE FUNCTION writetostorage(
    _grainidhash integer, _grainidn0 bigint, _grainidn1 bigint, _graintypehash integer,
    _graintypestring varchar, _grainidextensionstring varchar, _serviceid varchar,
    _grainstateversion integer, _payloadbinary bytea)
    RETURNS TABLE (newgrainstateversion integer) LANGUAGE plpgsql AS $func$
DECLARE
    new_version integer := _grainstateversion;
    changed     integer := 0;
BEGIN
    IF _grainstateversion IS NOT NULL THEN
        UPDATE orleansstorage
        SET payloadbinary = _payloadbinary, modifiedon = now(), version = version + 1
        WHERE grainidhash = _grainidhash AND _grainidhash IS NOT NULL
          AND graintypehash = _graintypehash AND _graintypehash IS NOT NULL
          AND grainidn0 = _grainidn0 AND _grainidn0 IS NOT NULL
          AND grainidn1 = _grainidn1 AND _grainidn1 IS NOT NULL
          AND graintypestring = _graintypestring AND _graintypestring IS NOT NULL
          AND ((_grainidextensionstring IS NOT NULL AND grainidextensionstring IS NOT NULL
                AND grainidextensionstring = _grainidextensionstring)
               OR (_grainidextensionstring IS NULL AND grainidextensionstring IS NULL))
          AND serviceid = _serviceid AND _serviceid IS NOT NULL
          AND version IS NOT NULL AND version = _grainstateversion;
        GET DIAGNOSTICS changed = ROW_COUNT;
        IF changed > 0 THEN
            new_version := _grainstateversion + 1;
        END IF;
    ELSE
        INSERT INTO orleansstorage (grainidhash, grainidn0, grainidn1, graintypehash, graintypestring,
                                    grainidextensionstring, serviceid, payloadbinary, modifiedon, version)
        SELECT _grainidhash, _grainidn0, _grainidn1, _graintypehash, _graintypestring,
               _grainidextensionstring, _serviceid, _payloadbinary, now(), 1
        WHERE NOT EXISTS (
            SELECT 1 FROM orleansstorage
            WHERE grainidhash = _grainidhash AND _grainidhash IS NOT NULL
              AND graintypehash = _graintypehash AND _graintypehash IS NOT NULL
              AND grainidn0 = _grainidn0 AND _grainidn0 IS NOT NULL
              AND grainidn1 = _grainidn1 AND _grainidn1 IS NOT NULL
              AND graintypestring = _graintypestring AND _graintypestring IS NOT NULL
              AND ((_grainidextensionstring IS NOT NULL AND grainidextensionstring IS NOT NULL
                    AND grainidextensionstring = _grainidextensionstring)
                   OR (_grainidextensionstring IS NULL AND grainidextensionstring IS NULL))
              AND serviceid = _serviceid AND _serviceid IS NOT NULL);
        GET DIAGNOSTICS changed = ROW_COUNT;
        IF changed > 0 THEN
            new_version := 1;
        END IF;
    END IF;
    RETURN QUERY SELECT new_version;
END
$func$;

INSERT INTO orleansquery (querykey, querytext) VALUES
('WriteToStorageKey', '
    SELECT * FROM writetostorage(@GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
        @GrainIdExtensionString, @ServiceId, @GrainStateVersion, @PayloadBinary);
'),
-- The provider reads payloadbinary and version by name; the second column is unused.
('ReadFromStorageKey', '
    SELECT payloadbinary, now(), version
    FROM orleansstorage
    WHERE grainidhash = @GrainIdHash
      AND graintypehash = @GrainTypeHash AND @GrainTypeHash IS NOT NULL
      AND grainidn0 = @GrainIdN0 AND @GrainIdN0 IS NOT NULL
      AND grainidn1 = @GrainIdN1 AND @GrainIdN1 IS NOT NULL
      AND graintypestring = @GrainTypeString AND graintypestring IS NOT NULL
      AND ((@GrainIdExtensionString IS NOT NULL AND grainidextensionstring IS NOT NULL
            AND grainidextensionstring = @GrainIdExtensionString)
           OR (@GrainIdExtensionString IS NULL AND grainidextensionstring IS NULL))
      AND serviceid = @ServiceId AND @ServiceId IS NOT NULL;
'),
-- Clearing keeps the row and its version, with no payload, so that versions keep increasing.
('ClearStorageKey', '
    UPDATE orleansstorage
    SET payloadbinary = NULL, version = version + 1
    WHERE grainidhash = @GrainIdHash AND @GrainIdHash IS NOT NULL
      AND graintypehash = @GrainTypeHash AND @GrainTypeHash IS NOT NULL
      AND grainidn0 = @GrainIdN0 AND @GrainIdN0 IS NOT NULL
      AND grainidn1 = @GrainIdN1 AND @GrainIdN1 IS NOT NULL
      AND graintypestring = @GrainTypeString AND @GrainTypeString IS NOT NULL
      AND ((@GrainIdExtensionString IS NOT NULL AND grainidextensionstring IS NOT NULL
            AND grainidextensionstring = @GrainIdExtensionString)
           OR (@GrainIdExtensionString IS NULL AND grainidextensionstring IS NULL))
      AND serviceid = @ServiceId AND @ServiceId IS NOT NULL
      AND version IS NOT NULL AND version = @GrainStateVersion AND @GrainStateVersion IS NOT NULL
    RETURNING version AS newgrainstateversion;
');
