namespace Ledger.Verifier.Verification;

/// <summary>
/// What the verifier found wrong, as a stable, explicitly numbered kind (STYLE.md 8); new
/// kinds are appended, values never renumbered. docs/VERIFIER.md explains each.
/// </summary>
public enum FindingKind
{
    /// <summary>An entry's bytes are not a well-formed, canonical format-1 entry.</summary>
    EntryMalformed = 1,

    /// <summary>A stored hash is not the hash of the stored bytes (database mode).</summary>
    HashMismatch = 2,

    /// <summary>A stream's sequence numbers skip or repeat.</summary>
    SequenceBroken = 3,

    /// <summary>An entry's previous hash is not the hash of its stream's previous entry.</summary>
    ChainBroken = 4,

    /// <summary>The manifest's counts, heads or checksum disagree with the entries.</summary>
    ManifestMismatch = 5,

    /// <summary>The registry's entry 0 does not name the root key, or the root key is not the pinned one.</summary>
    RootKeyMismatch = 6,

    /// <summary>The command's key was not registered to its person when it was recorded.</summary>
    KeyUnknown = 7,

    /// <summary>The command's signature does not verify under its key.</summary>
    SignatureInvalid = 8,

    /// <summary>The command's key was revoked before it was recorded.</summary>
    KeyRevoked = 9,

    /// <summary>The command was recorded outside the 5-minute window around its issue time.</summary>
    IssuedOutsideWindow = 10,

    /// <summary>The signer did not hold a role the command needs when it was recorded.</summary>
    RoleMissing = 11,

    /// <summary>Replaying the rules refuses the command: money beyond a tranche, a double payment, a negative balance …</summary>
    RuleViolation = 12,

    /// <summary>The entries of a command are not what its rule decides: a side missing, an amount changed, an extra entry.</summary>
    EntriesDisagreeWithRules = 13,

    /// <summary>Two commands of one person carry the same idempotency key: a command was replayed.</summary>
    CommandReplayed = 14,

    /// <summary>The entries of one command do not share one recorded time.</summary>
    RecordedTimeInconsistent = 15,

    /// <summary>The global log's positions skip or repeat.</summary>
    LogBroken = 16,

    /// <summary>A checkpoint is not a checkpoint signed by the log key, or the log key is not the pinned one (FORMAT.md §10.3).</summary>
    CheckpointInvalid = 17,

    /// <summary>A signed checkpoint's root is not the root of the entries: history changed, cut or hidden after it was signed.</summary>
    CheckpointMismatch = 18,

    /// <summary>manifest.json is not the canonical JSON of a format-1 manifest followed by one line feed: pretty-printed, a byte-order mark, CRLF, not a manifest at all.</summary>
    ManifestMalformed = 19,

    /// <summary>A checkpoint pinned with --checkpoint, one people saw, is not in the source: fewer entries than its tree size, or another root at that size — history cut back or changed after it was seen.</summary>
    PinnedCheckpointNotContained = 20,

    /// <summary>Entries after the newest checkpoint signed by the log key: no signature covers them.</summary>
    EntriesBeyondCheckpoint = 21,

    /// <summary>An entry's recorded time is more than the skew before the greatest recorded time before it in the log (FORMAT.md §4.5).</summary>
    RecordedTimeWentBack = 22,

    /// <summary>With --witness: the newest checkpoint the log key signed, or one pinned with --checkpoint, has fewer valid cosignatures than the quorum from distinct witnesses given (FORMAT.md §10.7).</summary>
    CheckpointShortOfQuorum = 23,

    /// <summary>A checkpoint is not signed by the log key the registry names for its size: the newest LogKeyNamed among the entries it covers (FORMAT.md §10.3).</summary>
    CheckpointNotUnderNamedKey = 24,

    /// <summary>The log has checkpoints, or names a log key (manifest, --log-key), that no LogKeyNamed of the registry names: nothing the registrar signed says which key signs the log.</summary>
    LogKeyNotNamed = 25,
}

/// <summary>One finding: where, which check, what was expected and what was found.</summary>
public sealed record Finding(FindingKind Kind, string? Stream, long? Sequence, long? LogPosition, string Check, string Expected, string Found)
{
    public override string ToString() =>
        $"{Kind} at {Stream ?? "-"}#{Sequence?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"} (log {LogPosition?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}): {Check}; expected {Expected}; found {Found}";
}
