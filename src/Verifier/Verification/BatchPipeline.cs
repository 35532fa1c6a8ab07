namespace Ledger.Verifier.Verification;

/// <summary>A batch of entries read from a source and prepared (hashed, parsed, checked) as far as it can be without the ledger's state.</summary>
interface IPreparedBatch
{
    /// <summary>How many entries the batch holds; 0 once the source is exhausted.</summary>
    int Count { get; }

    /// <summary>Takes the next entries from the source, one after another as the source reads them, then prepares them on every core.</summary>
    void ReadAndPrepare(IEnumerator<SourcedEntry> source);
}

/// <summary>
/// Two batches take turns: while the audit goes through one in log order on the caller's
/// thread, the next is read and prepared on the other cores. The audit's part is sequential
/// (each entry is checked against the state the entries before it left), so without the
/// overlap one core of two sat idle for as long as it ran (issue 8: the verifier should
/// approach the machine's hash and signature rates).
/// </summary>
static class BatchPipeline
{
    /// <summary>
    /// How many bytes of lines a batch takes at most, however many lines that is: with two
    /// batches in flight, what an audit holds of the input stays bounded even when every line is
    /// as long as a line may be (<see cref="SourceLimits.MaxLineBytes"/>).
    /// </summary>
    public const long MaxBatchBytes = 16 << 20;

    /// <summary>Takes entries into <paramref name="sources"/> until it holds its capacity or <see cref="MaxBatchBytes"/>; returns how many.</summary>
    public static int Fill(SourcedEntry[] sources, IEnumerator<SourcedEntry> source)
    {
        var count = 0;
        long bytes = 0;
        while (count < sources.Length && bytes < MaxBatchBytes && source.MoveNext())
        {
            sources[count++] = source.Current;
            bytes += source.Current.Bytes.Length;
        }
        return count;
    }

    public static IEnumerable<TBatch> InTurns<TBatch>(IEnumerable<SourcedEntry> entries, TBatch first, TBatch second)
        where TBatch : IPreparedBatch
    {
        var (next, audited) = (first, second);
        using var source = entries.GetEnumerator();
        var preparing = ReadAndPrepare(next, source);
        try
        {
            while (true)
            {
                preparing.GetAwaiter().GetResult();
                if (next.Count == 0)
                {
                    yield break;
                }
                (next, audited) = (audited, next);
                preparing = ReadAndPrepare(next, source);
                yield return audited;
            }
        }
        finally
        {
            // An audit that stops early must not dispose of the source while a batch is still
            // being read from it. WaitAny does not throw: a failure was already thrown to the
            // audit, or is of a batch no longer wanted.
            Task.WaitAny(preparing);
        }
    }

    static Task ReadAndPrepare(IPreparedBatch batch, IEnumerator<SourcedEntry> source) => Task.Run(() => batch.ReadAndPrepare(source));
}
