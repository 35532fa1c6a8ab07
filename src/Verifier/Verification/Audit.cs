namespace Ledger.Verifier.Verification;

/// <summary>Runs a whole audit of a source: the one entry point of the command line and the tests.</summary>
public static class Audit
{
    /// <param name="pinnedRootKeyId">The root key's fingerprint to trust, or null to report the one found.</param>
    /// <param name="progress">Told the number of entries read so far, every few thousand.</param>
    /// <param name="pinnedLogKey">The log's verifier key to trust (vkey text), or null to use and report the one the source names.</param>
    /// <param name="depth">Whether to check signatures and replay the rules, or only the hashes.</param>
    /// <exception cref="UnreadableInputException">The source cannot be read at all.</exception>
    public static AuditReport Run(ILedgerSource source, string? pinnedRootKeyId, IProgress<long>? progress = null, string? pinnedLogKey = null,
        AuditDepth depth = AuditDepth.Full)
    {
        var audit = new LedgerAudit(pinnedRootKeyId);
        void ReportProgress()
        {
            if (audit.EntryCount % 4096 == 0)
            {
                progress?.Report(audit.EntryCount);
            }
        }
        try
        {
            if (depth == AuditDepth.HashOnly)
            {
                foreach (var batch in LinkPreparation.Prepare(source.Entries()))
                {
                    for (var i = 0; i < batch.Count; i++)
                    {
                        audit.Add(batch.SourceAt(i), in batch.LinkAt(i));
                        ReportProgress();
                    }
                }
            }
            else
            {
                foreach (var entry in EntryPreparation.Prepare(source.Entries()))
                {
                    audit.Add(entry);
                    ReportProgress();
                }
            }
        }
        catch (IOException e)
        {
            throw new UnreadableInputException($"{source.Description} could not be read: {e.Message}", e);
        }
        progress?.Report(audit.EntryCount);
        audit.Finish(source.Manifest, source.ReadChecksum);
        var checkpoints = source.Checkpoints();
        // Read once: a database answers it with a query of its own, and the key reported must be the key checked.
        var sourceLogKey = source.LogVerifierKey;
        audit.CheckCheckpoints(checkpoints, sourceLogKey, pinnedLogKey);
        return AuditReport.From(source, audit, pinnedRootKeyId) with
        {
            Depth = depth,
            LogVerifierKey = pinnedLogKey ?? sourceLogKey,
            LogKeyPinned = pinnedLogKey is not null,
            CheckpointCount = checkpoints.Count,
            LatestCheckpointSize = checkpoints.Count == 0 ? null : checkpoints.Max(c => c.TreeSize),
        };
    }
}
