namespace Ledger.Bench.Load;

/// <summary>
/// The final check: every acknowledged command is in the ledger. Each entry an
/// acknowledgement names — the command's main entry and any other it wrote — must be stored at
/// that stream and sequence with that hash and log position. An acknowledgement is sent only
/// after the commit (docs/API.md), so anything missing is a lost write.
/// </summary>
public sealed record LedgerCheck(
    int Commands,
    int Entries,
    int Replayed,
    IReadOnlyList<AcknowledgedEntry> Missing,
    IReadOnlyList<(AcknowledgedEntry Acknowledged, StoredPosition Stored)> Mismatched)
{
    public bool Complete => Commands > 0 && Missing.Count == 0 && Mismatched.Count == 0;

    public static LedgerCheck Compare(IReadOnlyList<Acknowledgement> acknowledgements,
        IReadOnlyDictionary<(string Stream, long Sequence), StoredPosition> stored)
    {
        var missing = new List<AcknowledgedEntry>();
        var mismatched = new List<(AcknowledgedEntry, StoredPosition)>();
        var entries = 0;
        foreach (var entry in acknowledgements.SelectMany(a => a.Entries))
        {
            entries++;
            if (!stored.TryGetValue((entry.Stream, entry.Sequence), out var found))
            {
                missing.Add(entry);
            }
            else if (found.Hash != entry.Hash || found.LogPosition != entry.LogPosition)
            {
                mismatched.Add((entry, found));
            }
        }
        return new LedgerCheck(acknowledgements.Count, entries, acknowledgements.Count(a => a.Replayed), missing, mismatched);
    }

    /// <param name="logGrowth">Entries the global log grew by from before the load to after it.</param>
    public void Write(TextWriter output, long logGrowth)
    {
        if (Complete)
        {
            output.WriteLine($"ledger check: all {Commands:N0} acknowledged commands are in the ledger — each of their {Entries:N0} entries "
                + "stored at the acknowledged stream and sequence with the acknowledged hash and log position");
        }
        else
        {
            output.WriteLine($"ledger check: FAILED — of {Commands:N0} acknowledged commands ({Entries:N0} entries), {Missing.Count:N0} entries missing, "
                + $"{Mismatched.Count:N0} stored with another hash or log position");
            foreach (var entry in Missing.Take(10))
            {
                output.WriteLine($"  missing: {entry.Stream}#{entry.Sequence} {entry.Hash} at {entry.LogPosition}");
            }
            foreach (var (entry, stored) in Mismatched.Take(10))
            {
                output.WriteLine($"  mismatched: {entry.Stream}#{entry.Sequence} acknowledged {entry.Hash} at {entry.LogPosition}, stored {stored.Hash} at {stored.LogPosition}");
            }
        }
        if (Replayed > 0)
        {
            output.WriteLine($"  {Replayed:N0} acknowledgements were replays of an earlier result: the load never reuses an idempotency key");
        }
        output.WriteLine(logGrowth == Entries
            ? $"log size: grew by {logGrowth:N0} entries during the load, exactly the acknowledged ones"
            : $"log size: grew by {logGrowth:N0} entries during the load, {Entries:N0} acknowledged here "
                + "(the difference: commands whose answer never arrived, or other clients of the server)");
    }
}
