namespace Ledger.Verifier.Verification;

/// <summary>Runs a whole audit of a source: the one entry point of the command line and the tests.</summary>
public static class Audit
{
    /// <summary>Every hash, chain, signature and rule checks out.</summary>
    public const int ValidExitCode = 0;

    /// <summary>The audit ran and found something: its report says what.</summary>
    public const int FindingsExitCode = 1;

    /// <summary>The command line is wrong, or the source cannot be read at all.</summary>
    public const int UnusableExitCode = 2;

    /// <summary>The verifier's exit code for a report: the one mapping the command line and the tests use.</summary>
    public static int ExitCodeOf(AuditReport report) => report.Valid ? ValidExitCode : FindingsExitCode;

    /// <param name="pinnedRootKeyId">The root key's fingerprint to trust, or null to report the one found.</param>
    /// <param name="progress">Told the number of entries read so far, every few thousand.</param>
    /// <param name="pinnedLogKey">The log's verifier key to trust (vkey text), or null to use and report the one the source names.</param>
    /// <param name="depth">Whether to check signatures and replay the rules, or only the hashes.</param>
    /// <param name="pinnedCheckpoints">Checkpoints people saw (--checkpoint), whose trees the source must hold.</param>
    /// <param name="clock">The time the report says it was made at; the system's by default.</param>
    /// <param name="witnesses">The witnesses whose quorum of cosignatures a checkpoint needs to count (--witness, --quorum), or null.</param>
    /// <exception cref="UnreadableInputException">The source cannot be read at all.</exception>
    public static AuditReport Run(ILedgerSource source, string? pinnedRootKeyId, IProgress<long>? progress = null, string? pinnedLogKey = null,
        AuditDepth depth = AuditDepth.Full, IReadOnlyList<PinnedCheckpoint>? pinnedCheckpoints = null, TimeProvider? clock = null,
        WitnessQuorum? witnesses = null)
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
        audit.Finish(source.Manifest, source.ReadChecksum, source.ManifestProblem);
        // Read once: a database answers it with a query of its own, and the key reported must be the key checked.
        var sourceLogKey = source.LogVerifierKey;
        CheckpointSummary checkpoints;
        try
        {
            checkpoints = audit.CheckCheckpoints(source.Checkpoints(), sourceLogKey, pinnedLogKey, pinnedCheckpoints, source.IsLive, witnesses);
        }
        catch (IOException e)
        {
            throw new UnreadableInputException($"{source.Description} could not be read: {e.Message}", e);
        }
        return AuditReport.From(source, audit, pinnedRootKeyId) with
        {
            Depth = depth,
            LogVerifierKey = pinnedLogKey ?? sourceLogKey,
            SourceLogVerifierKey = sourceLogKey,
            LogKeyPinned = pinnedLogKey is not null,
            CheckpointCount = checkpoints.Count,
            LatestCheckpointSize = checkpoints.LatestTreeSize,
            PinnedCheckpointCount = checkpoints.PinnedCount,
            EntriesBeyondCheckpoint = checkpoints.EntriesBeyond,
            Witnesses = witnesses?.Witnesses.Select(w => w.Format()).ToList() ?? [],
            WitnessQuorum = witnesses?.Quorum ?? 0,
            AuditedAt = (clock ?? TimeProvider.System).GetUtcNow(),
        };
    }
}
