-- 0006: recorded times never go back along the global log by more than 2 seconds
-- (docs/FORMAT.md §4.5, issue 15 "time travel"). Several server processes append to one log,
-- each stamping entries with its own clock, so the database, which gives every entry its log
-- position, is the one place that sees them all in log order. The 2 seconds are the format's
-- skew, src/Ledger/Entries/RecordedTimeOrder.cs MaxSkew; the two must stay equal.

-- The greatest recorded time of the log so far (null while the log is empty): the bound the
-- next appended entry is checked against, kept beside the size so that the check reads one row
-- (the row every append already holds locked) instead of scanning the entries.
ALTER TABLE log_head ADD COLUMN greatest_recorded_at timestamptz;
UPDATE log_head SET greatest_recorded_at = (SELECT max(recorded_at) FROM entry);

-- Runs once per appending statement, after its rows are in: the appended entries are checked
-- in log position order, each against the greatest recorded time before it (the log's, then
-- the earlier entries' of the same statement), and the log's greatest time is advanced. An
-- entry more than 2 seconds behind fails the whole statement, so nothing of its transaction is
-- written (SQLSTATE LA002; src/Grains/Storage/StorageErrors.cs). The appending transaction
-- holds log_head's row lock from its first statement (src/Grains/Storage/EntryStore.cs), so no
-- other append can move the bound meanwhile.
CREATE FUNCTION refuse_recorded_time_going_back() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    greatest_before_batch timestamptz;
    newest                timestamptz;
    behind                record;
BEGIN
    SELECT greatest_recorded_at INTO greatest_before_batch FROM log_head FOR UPDATE;
    SELECT max(recorded_at) INTO newest FROM appended;
    IF newest IS NULL THEN
        -- Nothing was inserted (the registry guard of the append held nothing back).
        RETURN NULL;
    END IF;
    SELECT ordered.log_position, ordered.recorded_at, ordered.greatest_before INTO behind
    FROM (
        SELECT log_position, recorded_at,
               -- greatest() skips nulls: the log's first entry has nothing before it.
               greatest(greatest_before_batch,
                        max(recorded_at) OVER (ORDER BY log_position ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)) AS greatest_before
        FROM appended
    ) AS ordered
    WHERE ordered.recorded_at < ordered.greatest_before - interval '2 seconds'
    ORDER BY ordered.log_position
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'the entry at log position % is recorded at %, more than 2 seconds before the greatest recorded time before it, %',
            behind.log_position, behind.recorded_at, behind.greatest_before
            USING ERRCODE = 'LA002';
    END IF;
    UPDATE log_head SET greatest_recorded_at = greatest(greatest_before_batch, newest);
    RETURN NULL;
END;
$$;

CREATE TRIGGER entry_recorded_time_order
    AFTER INSERT ON entry
    REFERENCING NEW TABLE AS appended
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_recorded_time_going_back();
