namespace Ledger.Grains.Log;

/// <summary>
/// A signed checkpoint as stored: the tree size and root it commits to, and the C2SP signed
/// note exactly as signed (docs/FORMAT.md §10.3), which is what verifiers check — as read by
/// <see cref="MerkleLog"/>, followed by the witnesses' cosignature lines (§10.7).
/// </summary>
public sealed record StoredCheckpoint(long TreeSize, byte[] RootHash, string Note, DateTimeOffset SignedAt);

/// <summary>What <see cref="LogIntegrator.SignCheckpointAsync"/> did, and the latest checkpoint after it (null if none yet).</summary>
/// <param name="IntegratedSize">The integrated tree's size when the decision was made.</param>
public sealed record CheckpointOutcome(CheckpointDecision Decision, StoredCheckpoint? Latest, long IntegratedSize)
{
    /// <summary>Whether every integrated entry is under the latest checkpoint, whoever signed it.</summary>
    public bool Covered => IntegratedSize == (Latest?.TreeSize ?? 0);
}

/// <summary>Why a checkpoint was or was not signed. Shown in logs and tests: never renumber.</summary>
public enum CheckpointDecision
{
    /// <summary>A new checkpoint of the integrated tree was signed and stored.</summary>
    Signed = 0,

    /// <summary>The integrated tree has not grown since the latest checkpoint (or is empty): nothing to sign.</summary>
    NotGrown = 1,

    /// <summary>The tree has grown, but the latest checkpoint is younger than the checkpoint interval.</summary>
    NotDue = 2,

    /// <summary>This process holds no log key: another process signs.</summary>
    NotTheLogKey = 3,

    /// <summary>
    /// The tree has grown, but the newest LogKeyNamed among its entries does not name this
    /// process's key, or none does yet: the registrar has not named it (docs/FORMAT.md §10.3).
    /// </summary>
    NotNamed = 4,
}
