using Ledger.Bodies;
using Ledger.Canonical;
using Ledger.Checkpoints;
using Ledger.Entries;
using Ledger.Merkle;
using Ledger.Rules;
using Ledger.Rules.Registry;
using Ledger.Signing;

namespace Ledger.Verifier.Verification;

/// <summary>
/// Audits a ledger end to end (issue 6), trusting only the core's rules and the root key:
/// every entry's bytes and hash, every stream's chain, every signature against the registry
/// as it stood when the entry was recorded, and every command replayed through the same pure
/// rules the server runs — so a payment beyond its tranche, an approval by the wrong person,
/// a missing side of a payment or a negative balance shows up, even with valid signatures.
/// Feed it the entries in global log order, then <see cref="Finish"/>.
/// A hash-only audit feeds it links instead (<see cref="Add(SourcedEntry, in EntryLink)"/>):
/// the same checks of the log, the chains, the manifest and the checkpoints, and no replay.
/// </summary>
public sealed class LedgerAudit(string? pinnedRootKeyId)
{
    /// <summary>
    /// How many findings of one kind are listed; the rest are counted. A million junk lines
    /// made a report of a million findings (300 MB, 2.46 GB of memory): the first hundred say
    /// as much as all of them (issue 15).
    /// </summary>
    public const int MaxFindingsPerKind = 100;

    readonly List<Finding> findings = [];
    readonly Dictionary<FindingKind, long> findingsByKind = [];
    long findingCount;
    readonly Dictionary<string, StreamHead> heads = new(StringComparer.Ordinal);
    readonly Dictionary<string, StreamState> states = new(StringComparer.Ordinal);
    readonly HashSet<(string PersonId, string IdempotencyKey)> idempotencyKeys = [];
    readonly List<(SourcedEntry Source, Entry Entry)> group = [];
    PreparedEntry? groupFirst;
    // The global log's Merkle tree over every entry read (FORMAT.md §10.1), to recompute the
    // root of every signed checkpoint.
    readonly MerkleTree log = new();
    long entryCount;
    // The largest tree size of a checkpoint the log key signed (and, with witnesses, the quorum
    // cosigned), from the source or pinned: the entries beyond it are under no signature.
    long? newestSignedSize;
    // The witnesses whose cosignatures make a checkpoint count (--witness, --quorum), or null.
    WitnessQuorum? witnesses;
    // The newest of the source's checkpoints the log signed, if it falls short of the quorum: its size and cosignatures.
    (long Size, string Cosignatures)? newestShortOfQuorum;
    // The greatest recorded time of the entries read so far, which no later entry may go back
    // from by more than the skew (FORMAT.md §4.5); null before the first entry that parses.
    DateTimeOffset? greatestRecordedAt;
    // The log keys the registry names, each with the log position of its LogKeyNamed: a
    // checkpoint of size n is valid only under the newest named before position n (FORMAT.md §10.3).
    readonly List<(long Position, NoteVerifierKey Key)> namedLogKeys = [];
    // A hash-only audit's stream ids, decoded here to find their heads without a string per entry.
    char[] streamName = new char[64];

    /// <summary>The findings listed: at most <see cref="MaxFindingsPerKind"/> of each kind, in the order they were found.</summary>
    public IReadOnlyList<Finding> Findings => findings;

    /// <summary>Every finding, listed or not: an audit is valid only if this is 0.</summary>
    public long FindingCount => findingCount;

    /// <summary>Per kind, how many findings were found beyond those listed.</summary>
    public IReadOnlyDictionary<FindingKind, long> FindingsNotListed =>
        findingsByKind.Where(k => k.Value > MaxFindingsPerKind).ToDictionary(k => k.Key, k => k.Value - MaxFindingsPerKind);

    public IReadOnlyDictionary<string, StreamState> States => states;

    /// <summary>Checks one entry as it arrives in log order; a command is replayed once all its entries have arrived.</summary>
    public void Add(PreparedEntry prepared)
    {
        var sourced = prepared.Source;
        AppendToLog(sourced, LogLeaf.Of(prepared.Hash));
        if (prepared.Entry is not { } entry)
        {
            FlushGroup();
            Report(FindingKind.EntryMalformed, null, null, sourced.LogPosition, "the entry is canonical JSON of a format-1 entry (FORMAT.md §2, §4)", "a valid entry", prepared.ParseError!);
            return;
        }
        CheckLink(sourced, entry.Stream, entry.Sequence, entry.PreviousHash.Bytes, entry.Hash.Bytes);
        CheckRecordedTime(sourced, entry);
        NoteNamedLogKey(sourced, entry);
        if (groupFirst is not null && !SameCommand(groupFirst, prepared))
        {
            FlushGroup();
        }
        groupFirst ??= prepared;
        group.Add((sourced, entry));
    }

    /// <summary>
    /// Hash-only: checks one line as <see cref="Add(PreparedEntry)"/> checks its place in the
    /// log, its hash and its link, and replays nothing. The registry's entry 0 alone is read in
    /// full, for the root key that --root-key pins and the manifest names.
    /// </summary>
    internal void Add(SourcedEntry sourced, in EntryLink link)
    {
        AppendToLog(sourced, link.LeafHash);
        if (link.Error is { } error)
        {
            Report(FindingKind.EntryMalformed, null, null, sourced.LogPosition, "the entry is a JSON object with a stream, a sequence and a previous hash (FORMAT.md §4.1)",
                "such an object", error);
            return;
        }
        var stream = StreamName(sourced.Bytes.AsSpan(link.Stream));
        var opensRegistry = stream is RegistryRules.Stream && link.Sequence == 0 && !heads.ContainsKey(RegistryRules.Stream);
        CheckLink(sourced, stream, link.Sequence, link.PreviousHash, link.Hash);
        if (opensRegistry)
        {
            OpenRegistry(sourced);
        }
        else if (stream is RegistryRules.Stream && link.NamesLogKey)
        {
            // A LogKeyNamed is read in full for the log key it names.
            try
            {
                NoteNamedLogKey(sourced, Entry.Parse(sourced.Bytes));
            }
            catch (Exception e) when (Untrusted.IsAboutTheInput(e))
            {
                // A malformed registry entry names no key; the chain's checks report the line.
            }
        }
    }

    /// <summary>
    /// Keeps the key a LogKeyNamed names, at its log position. Whether the registrar was entitled
    /// to name it is the replay's to say, like any command: a forged naming is a finding there.
    /// </summary>
    void NoteNamedLogKey(SourcedEntry sourced, Entry entry)
    {
        if (entry.Stream != RegistryRules.Stream || entry.Type != RegistryEntryTypes.LogKeyNamed)
        {
            return;
        }
        try
        {
            if (NoteVerifierKey.Parse(entry.BodyAs<LogKeyNamedBody>().VerifierKey.Value) is { IsValid: true, Key: { } key })
            {
                namedLogKeys.Add((sourced.LogPosition, key));
            }
        }
        catch (Exception e) when (Untrusted.IsAboutTheInput(e))
        {
            // A body that cannot be read names no key; the replay reports the entry.
        }
    }

    /// <summary>The log key a checkpoint of <paramref name="treeSize"/> is valid under: the newest named among its first entries; null if none.</summary>
    NoteVerifierKey? NamedKeyFor(long treeSize) =>
        namedLogKeys.LastOrDefault(k => k.Position < treeSize) is { Key: { } key } ? key : null;

    /// <summary>Replays the last command and checks the manifest and the root key; returns the findings.</summary>
    /// <param name="manifestProblem">Why the source's manifest is not exactly a manifest, if it is not.</param>
    public IReadOnlyList<Finding> Finish(Manifest? manifest, string? readChecksum, string? manifestProblem = null)
    {
        FlushGroup();
        if (manifestProblem is not null)
        {
            Report(FindingKind.ManifestMalformed, null, null, null, "manifest.json is the canonical JSON of a format-1 manifest, then one line feed (FORMAT.md §9)",
                "such a manifest", manifestProblem);
        }
        var registry = Registry;
        if (!registry.IsOpen)
        {
            Report(FindingKind.RootKeyMismatch, RegistryRules.Stream, 0, null, "the registry's entry 0 opens it with the root key", "RegistryOpened", "no registry");
        }
        else if (pinnedRootKeyId is not null && registry.RootKeyId != pinnedRootKeyId)
        {
            Report(FindingKind.RootKeyMismatch, RegistryRules.Stream, 0, null, "the root key is the one pinned with --root-key", pinnedRootKeyId, registry.RootKeyId!);
        }
        if (manifest is not null)
        {
            CheckManifest(manifest, readChecksum, registry);
        }
        return findings;
    }

    public long EntryCount => entryCount;

    /// <summary>
    /// Checks the global log's signed checkpoints (FORMAT.md §10.6): each signed by the log key —
    /// the pinned one if given, else the one the source names, reported as not pinned — with its
    /// origin the key's name, at growing sizes, within the entries read, and with the root of
    /// exactly those first entries; successive checkpoints consistent. Then the checkpoints
    /// pinned with --checkpoint, under the same key: the entries must hold each one's tree. With
    /// witnesses, a checkpoint counts (pins, covers entries) only if the quorum of them cosigned it
    /// (FORMAT.md §10.7), and the newest one the log signed falling short is a finding. Last,
    /// the entries after the newest checkpoint that counts, which no signature covers:
    /// a finding in a finished source (an export), a figure in a live one (a database, whose
    /// newest entries wait for the next checkpoint). Call after the last entry.
    /// </summary>
    public CheckpointSummary CheckCheckpoints(IEnumerable<SourcedCheckpoint> checkpoints, string? sourceLogKey, string? pinnedLogKey,
        IReadOnlyList<PinnedCheckpoint>? pinnedCheckpoints = null, bool live = false, WitnessQuorum? witnessQuorum = null)
    {
        witnesses = witnessQuorum;
        // Named keys may be several (rotation): then each must be named, not equal (below).
        var named = namedLogKeys.Count > 0;
        if (!named && pinnedLogKey is not null && sourceLogKey is not null && pinnedLogKey != sourceLogKey)
        {
            Report(FindingKind.CheckpointInvalid, null, null, null, "the log key is the one pinned with --log-key", pinnedLogKey, sourceLogKey);
        }
        var keyText = pinnedLogKey ?? sourceLogKey;
        NoteVerifierKeyParse? parsedKey = keyText is null ? null : NoteVerifierKey.Parse(keyText);
        if (parsedKey is { IsValid: false } invalid)
        {
            Report(FindingKind.CheckpointInvalid, null, null, null, "the log key is a vkey (FORMAT.md §10.3)", "a valid vkey", $"{invalid.Result}: {keyText}");
        }
        var key = parsedKey is { IsValid: true, Key: { } valid } ? valid : null;
        if (named)
        {
            foreach (var (what, text) in new[] { ("the log key pinned with --log-key", pinnedLogKey), ("the manifest's logVerifierKey", sourceLogKey) })
            {
                if (text is not null && !namedLogKeys.Any(k => k.Key.Format() == text))
                {
                    Report(FindingKind.LogKeyNotNamed, null, null, null, $"{what} is a log key the registry names (LogKeyNamed, FORMAT.md §10.3)",
                        string.Join(" or ", namedLogKeys.Select(k => k.Key.Format()).Distinct()), text);
                }
            }
        }
        var count = 0;
        long? latest = null;
        (long Size, byte[] Root)? previous = null;
        foreach (var sourced in checkpoints)
        {
            count++;
            if (sourced.Problem is { } problem)
            {
                Report(FindingKind.CheckpointInvalid, null, null, null, "every line of checkpoints.jsonl is the canonical JSON of a checkpoint, then a line feed (FORMAT.md §9.2)",
                    "a checkpoint line", problem);
                continue;
            }
            latest = Math.Max(latest ?? sourced.TreeSize, sourced.TreeSize);
            var checkingKey = named ? NamedKeyFor(sourced.TreeSize) : key;
            if (named && checkingKey is null)
            {
                Report(FindingKind.CheckpointNotUnderNamedKey, null, null, null, $"checkpoint {sourced.TreeSize} is signed by the log key named among its first {sourced.TreeSize} entries (FORMAT.md §10.3)",
                    "a LogKeyNamed before it", $"the first at log position {namedLogKeys[0].Position}");
            }
            if (checkingKey is not null)
            {
                try
                {
                    previous = CheckCheckpoint(sourced, checkingKey, previous, named ? FindingKind.CheckpointNotUnderNamedKey : FindingKind.CheckpointInvalid);
                }
                catch (Exception e) when (Untrusted.IsAboutTheInput(e))
                {
                    Report(FindingKind.CheckpointInvalid, null, null, null, $"checkpoint {sourced.TreeSize} can be checked", "a checkpoint", $"{e.GetType().Name}: {e.Message}");
                }
            }
        }
        if (!named && count > 0)
        {
            Report(FindingKind.LogKeyNotNamed, null, null, null, "the registry names the log key that signs the checkpoints (LogKeyNamed, FORMAT.md §10.3)",
                "a LogKeyNamed entry", "none");
        }
        if (!named && keyText is null && count > 0)
        {
            Report(FindingKind.CheckpointInvalid, null, null, null, "checkpoints come with the log key that signed them", "a log verifier key", "none");
        }
        if (pinnedLogKey is not null && key is not null && count == 0 && entryCount > 0)
        {
            Report(FindingKind.CheckpointInvalid, null, null, null, "a ledger under a pinned log key carries its signed checkpoints", "at least one checkpoint", "none");
        }
        if (newestShortOfQuorum is { } shortfall)
        {
            Report(FindingKind.CheckpointShortOfQuorum, null, null, null,
                $"the newest checkpoint the log key signed, of {shortfall.Size}, is cosigned by {witnesses!.Quorum} of the witnesses given (FORMAT.md §10.7)",
                $"{witnesses.Quorum} valid cosignatures", shortfall.Cosignatures);
        }
        foreach (var pinned in pinnedCheckpoints ?? [])
        {
            CheckPinnedCheckpoint(pinned, named ? NamedKeyForNote(pinned.Note) : key);
        }
        // Under a quorum, entries are covered only by a checkpoint that met it: with none, by nothing.
        var coveredSize = witnesses is null ? newestSignedSize : newestSignedSize ?? 0;
        var beyond = coveredSize is { } covered && entryCount > covered ? entryCount - covered : 0;
        if (beyond > 0 && !live)
        {
            Report(FindingKind.EntriesBeyondCheckpoint, null, null, coveredSize,
                witnesses is null
                    ? "every entry is under the newest checkpoint signed by the log key (FORMAT.md §9.2)"
                    : $"every entry is under the newest checkpoint signed by the log key and cosigned by {witnesses.Quorum} of the witnesses given (FORMAT.md §9.2, §10.7)",
                $"{entryCount} entries under a checkpoint", $"{beyond} entries after the checkpoint of {coveredSize}, at log positions {coveredSize} … {entryCount - 1}");
        }
        return new CheckpointSummary(count, latest, pinnedCheckpoints?.Count ?? 0, beyond);
    }

    /// <summary>The named key for the tree size a note claims (checked when the note is verified under it); the newest named if the note does not parse.</summary>
    NoteVerifierKey NamedKeyForNote(string note) =>
        SignedNote.Parse(System.Text.Encoding.UTF8.GetBytes(note)) is { IsValid: true, Note: { } parsed }
            && Checkpoint.Parse(parsed.Text) is { IsValid: true, Checkpoint: { } checkpoint }
            && NamedKeyFor(checkpoint.TreeSize) is { } key
            ? key
            : namedLogKeys[^1].Key;

    /// <summary>Checks one checkpoint against the log and the one before it that checked out; returns the newest that checked out.</summary>
    /// <param name="unsigned">The finding when the key does not sign it.</param>
    (long Size, byte[] Root)? CheckCheckpoint(SourcedCheckpoint sourced, NoteVerifierKey key, (long Size, byte[] Root)? previous, FindingKind unsigned)
    {
        var where = $"checkpoint {sourced.TreeSize}";
        if (Verified(sourced.Note, key, where, sourced.TreeSize, pinned: false, unsigned) is not { } checkpoint)
        {
            return previous;
        }
        if (previous is { } before && checkpoint.TreeSize <= before.Size)
        {
            Report(FindingKind.CheckpointInvalid, null, null, null, "checkpoints come in growing tree sizes", $"a size above {before.Size}", $"{checkpoint.TreeSize}");
            return previous;
        }
        if (checkpoint.TreeSize > entryCount)
        {
            Report(FindingKind.CheckpointMismatch, null, null, checkpoint.TreeSize - 1, $"{where} covers entries that are present",
                $"at least {checkpoint.TreeSize} entries", $"{entryCount}");
            return previous;
        }
        var root = log.Root(checkpoint.TreeSize);
        if (!root.AsSpan().SequenceEqual(checkpoint.RootHash))
        {
            Report(FindingKind.CheckpointMismatch, null, null, null, $"{where}'s root is the root of the first {checkpoint.TreeSize} entries (FORMAT.md §10.2)",
                Convert.ToHexStringLower(checkpoint.RootHash), Convert.ToHexStringLower(root));
            return previous;
        }
        if (previous is { } earlier && MerkleProof.VerifyConsistency(earlier.Size, checkpoint.TreeSize,
                log.ConsistencyProof(earlier.Size, checkpoint.TreeSize), earlier.Root, checkpoint.RootHash) != MerkleProofResult.Valid)
        {
            Report(FindingKind.CheckpointMismatch, null, null, null, $"{where} is consistent with checkpoint {earlier.Size}", "consistent", "inconsistent");
        }
        return (checkpoint.TreeSize, checkpoint.RootHash.ToArray());
    }

    /// <summary>
    /// A checkpoint people saw: signed by the log key, and its tree the tree of the first that
    /// many entries. Consistency with the source's own checkpoints follows, since all their
    /// roots are recomputed from the same entries.
    /// </summary>
    void CheckPinnedCheckpoint(PinnedCheckpoint pinned, NoteVerifierKey? key)
    {
        var where = $"the checkpoint pinned with --checkpoint {pinned.Origin}";
        if (key is null)
        {
            Report(FindingKind.CheckpointInvalid, null, null, null, $"{where} is signed by the log key", "a log key to check it with (--log-key, or the source's)", "none");
            return;
        }
        if (Verified(pinned.Note, key, where, listedSize: null, pinned: true, FindingKind.CheckpointInvalid) is not { } checkpoint)
        {
            return;
        }
        if (checkpoint.TreeSize > entryCount)
        {
            Report(FindingKind.PinnedCheckpointNotContained, null, null, entryCount, $"{where}: the source holds the {checkpoint.TreeSize} entries it signs",
                $"at least {checkpoint.TreeSize} entries", $"{entryCount}");
            return;
        }
        var root = log.Root(checkpoint.TreeSize);
        if (!root.AsSpan().SequenceEqual(checkpoint.RootHash))
        {
            Report(FindingKind.PinnedCheckpointNotContained, null, null, null, $"{where}: its root is the root of the source's first {checkpoint.TreeSize} entries (FORMAT.md §10.2)",
                Convert.ToHexStringLower(checkpoint.RootHash), Convert.ToHexStringLower(root));
        }
    }

    /// <summary>
    /// The checkpoint a note holds if the log key signed it for the key's origin (at
    /// <paramref name="listedSize"/>, if the source lists one); else null, reported. A note the
    /// log key signed (and, with witnesses, the quorum cosigned) counts towards what is covered,
    /// whatever its root: a wrong root is a finding of its own. A pinned note short of the quorum
    /// is reported and pins nothing; a source's is still checked against the entries.
    /// </summary>
    Checkpoint? Verified(string note, NoteVerifierKey key, string where, long? listedSize, bool pinned, FindingKind unsigned)
    {
        var verification = SignedNote.Verify(System.Text.Encoding.UTF8.GetBytes(note), [key]);
        if (!verification.IsValid || !verification.VerifiedBy.Contains(key))
        {
            var signers = verification.Note is { } unverified ? $" (signed by {string.Join(", ", unverified.Signatures)})" : "";
            Report(unsigned, null, null, null, $"{where} is signed by the log key {key}", "a valid signature", $"{verification.Result}{signers}");
            return null;
        }
        var parsed = Checkpoint.Parse(verification.Note!.Text);
        if (!parsed.IsValid || parsed.Checkpoint!.Origin != key.Name || (listedSize is { } listed && parsed.Checkpoint.TreeSize != listed))
        {
            Report(FindingKind.CheckpointInvalid, null, null, null,
                listedSize is null ? $"{where} is a checkpoint of the log key's origin" : $"{where} is a checkpoint of the log key's origin at the size it is listed under",
                listedSize is null ? key.Name : $"{key.Name}, size {listedSize}",
                parsed.IsValid ? $"{parsed.Checkpoint!.Origin}, size {parsed.Checkpoint.TreeSize}" : parsed.Result.ToString());
            return null;
        }
        var size = parsed.Checkpoint.TreeSize;
        if (ShortOfQuorum(verification.Note, where) is { } cosignatures)
        {
            if (pinned)
            {
                Report(FindingKind.CheckpointShortOfQuorum, null, null, null, $"{where} is cosigned by {witnesses!.Quorum} of the witnesses given (FORMAT.md §10.7)",
                    $"{witnesses.Quorum} valid cosignatures", cosignatures);
                return null;
            }
            if (size > (newestShortOfQuorum?.Size ?? -1))
            {
                newestShortOfQuorum = (size, cosignatures);
            }
            return parsed.Checkpoint;
        }
        if (!pinned && size > (newestShortOfQuorum?.Size ?? -1))
        {
            newestShortOfQuorum = null;
        }
        newestSignedSize = Math.Max(newestSignedSize ?? 0, size);
        return parsed.Checkpoint;
    }

    /// <summary>
    /// Null if the note's cosignatures meet the quorum (or no witnesses were given); else what they
    /// are, e.g. "1 of 2: witness.example/a Valid, witness.example/b NoCosignature". A line by a
    /// given witness that does not verify is a finding of its own: somebody wrote a cosignature
    /// the witness never made (signed-note.md "Signatures": a known key's signature MUST verify).
    /// </summary>
    string? ShortOfQuorum(SignedNote note, string where)
    {
        if (witnesses is null)
        {
            return null;
        }
        var cosignatures = Cosignature.Verify(note, witnesses.Witnesses);
        foreach (var forged in cosignatures.Where(c => c.Result is not (CosignatureResult.Valid or CosignatureResult.NoCosignature)))
        {
            Report(FindingKind.CheckpointInvalid, null, null, null, $"{where}'s cosignature by the witness {forged.Witness} verifies (FORMAT.md §10.7)",
                "a valid cosignature", forged.Result.ToString());
        }
        var count = Cosignature.CountWitnesses(cosignatures);
        return count >= witnesses.Quorum
            ? null
            : $"{count} of {witnesses.Witnesses.Count}: {string.Join(", ", cosignatures.Select(c => $"{c.Witness.Name} {c.Result}"))}";
    }

    public RegistryState Registry => (RegistryState?)states.GetValueOrDefault(RegistryRules.Stream) ?? RegistryState.Empty;

    public int StreamCount => heads.Count;

    /// <summary>Checks that the entry is next in the global log, and appends its leaf to the log's tree.</summary>
    void AppendToLog(SourcedEntry sourced, ReadOnlySpan<byte> leafHash)
    {
        if (sourced.LogPosition != entryCount)
        {
            Report(FindingKind.LogBroken, null, null, sourced.LogPosition, "log positions are 0, 1, 2 … without gaps",
                entryCount.ToString(System.Globalization.CultureInfo.InvariantCulture), sourced.LogPosition.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        entryCount++;
        // The leaf is the entry hash of the bytes as they are, parsable or not: a checkpoint
        // signed over the real entry then disagrees with a damaged one.
        log.Append(leafHash);
    }

    /// <summary>Checks an entry's line, its stored hash and its link to its stream's previous entry, which it then becomes.</summary>
    void CheckLink(SourcedEntry sourced, ReadOnlySpan<char> stream, long sequence, ReadOnlySpan<byte> previousHash, ReadOnlySpan<byte> hash)
    {
        if (sourced.Unterminated)
        {
            Report(FindingKind.EntryMalformed, stream.ToString(), sequence, sourced.LogPosition, "every line of entries.jsonl ends with a line feed (FORMAT.md §9.1)",
                "a line feed after the entry", "the end of the file");
        }
        if (sourced.StoredHash is { } stored && !hash.SequenceEqual(stored))
        {
            Report(FindingKind.HashMismatch, stream.ToString(), sequence, sourced.LogPosition, "the stored hash is the hash of the stored bytes (FORMAT.md §4.2)",
                Convert.ToHexStringLower(hash), Convert.ToHexStringLower(stored));
        }
        var byName = heads.GetAlternateLookup<ReadOnlySpan<char>>();
        if (!byName.TryGetValue(stream, out var head))
        {
            head = new StreamHead();
            byName[stream] = head;
        }
        if (sequence != head.Sequence + 1)
        {
            Report(FindingKind.SequenceBroken, stream.ToString(), sequence, sourced.LogPosition, "a stream's sequence numbers are 0, 1, 2 … in log order",
                (head.Sequence + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), sequence.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        else if (!previousHash.SequenceEqual(head.Hash))
        {
            Report(FindingKind.ChainBroken, stream.ToString(), sequence, sourced.LogPosition, "previousHash is the hash of the stream's previous entry (FORMAT.md §4.3)",
                Convert.ToHexStringLower(head.Hash), Convert.ToHexStringLower(previousHash));
        }
        head.Entries++;
        head.Sequence = sequence;
        hash.CopyTo(head.Hash);
    }

    /// <summary>Checks that the entry's recorded time does not go back along the log beyond the skew, then takes it into the greatest.</summary>
    void CheckRecordedTime(SourcedEntry sourced, Entry entry)
    {
        if (RecordedTimeOrder.GoesBack(greatestRecordedAt, entry.RecordedAt))
        {
            Report(FindingKind.RecordedTimeWentBack, entry, sourced,
                $"recordedAt is at most {RecordedTimeOrder.MaxSkew.TotalSeconds:0} s before the greatest recorded time before it in the log (FORMAT.md §4.5)",
                $"{LedgerTime.Format(greatestRecordedAt!.Value - RecordedTimeOrder.MaxSkew)} or later", LedgerTime.Format(entry.RecordedAt));
        }
        if (greatestRecordedAt is not { } greatest || entry.RecordedAt > greatest)
        {
            greatestRecordedAt = entry.RecordedAt;
        }
    }

    /// <summary>A stream id's UTF-8 bytes as characters, in a buffer reused from line to line.</summary>
    ReadOnlySpan<char> StreamName(ReadOnlySpan<byte> utf8)
    {
        if (streamName.Length < utf8.Length)
        {
            streamName = new char[utf8.Length];
        }
        return streamName.AsSpan(0, System.Text.Encoding.UTF8.GetChars(utf8, streamName));
    }

    /// <summary>Hash-only's one entry read in full: the registry's entry 0, folded into the registry so that <see cref="Finish"/> checks its root key.</summary>
    void OpenRegistry(SourcedEntry sourced)
    {
        Entry genesis;
        try
        {
            genesis = Entry.Parse(sourced.Bytes);
        }
        catch (Exception e) when (Untrusted.IsAboutTheInput(e))
        {
            Report(FindingKind.EntryMalformed, RegistryRules.Stream, 0, sourced.LogPosition, "the registry's entry 0, which names the root key, is canonical JSON of a format-1 entry (FORMAT.md §2, §4)",
                "a valid entry", e.Message);
            return;
        }
        try
        {
            states[RegistryRules.Stream] = RegistryState.Empty.Apply(genesis);
        }
        catch (Exception e) when (Untrusted.IsAboutTheInput(e))
        {
            // Left unopened: Finish reports that no registry names the root key.
        }
    }

    /// <summary>Replays one command: authentication and authorization as of its log position, then its rule.</summary>
    void FlushGroup()
    {
        if (group.Count == 0)
        {
            return;
        }
        var (firstSource, first) = group[0];
        var signed = first.SignedCommand;
        var command = signed.Command;
        var findingsBefore = findingCount;
        foreach (var (source, entry) in group.Where(g => g.Entry.RecordedAt != first.RecordedAt))
        {
            Report(FindingKind.RecordedTimeInconsistent, entry, source, "the entries of one command share one recorded time",
                LedgerTime.Format(first.RecordedAt), LedgerTime.Format(entry.RecordedAt));
        }
        if (!idempotencyKeys.Add((command.PersonId, command.IdempotencyKey)))
        {
            Report(FindingKind.CommandReplayed, first, firstSource, "each command of a person has its own idempotency key",
                "a new idempotency key", $"\"{command.IdempotencyKey}\" of {command.PersonId} again");
        }
        var registry = Registry;
        try
        {
            if (Commands.Find(command.Type) is not { } rule)
            {
                Report(FindingKind.RuleViolation, first, firstSource, "the command type exists (docs/ENTRIES.md)", "a known command type", command.Type);
            }
            else if (Authorization.Authenticate(registry, signed, VerifiedInAdvance(groupFirst!)) is { } unauthenticated)
            {
                Report(KindOf(unauthenticated.Code), first, firstSource, "the command is signed by a key registered to its person (FORMAT.md §8)",
                    "a valid signature by a registered key", $"{unauthenticated.Code}: {unauthenticated.Message}");
            }
            else
            {
                Replay(rule, signed, registry);
            }
        }
        catch (Exception e) when (Untrusted.IsAboutTheInput(e))
        {
            // The rules throw only on a state they say cannot be, or on numbers no command
            // carries: entries the server could not have written.
            Report(FindingKind.RuleViolation, first, firstSource, $"the rules decide {command.Type} as the ledger stood (docs/ENTRIES.md)",
                "a decision", $"{e.GetType().Name}: {e.Message}");
        }
        Apply(findingCount > findingsBefore);
        group.Clear();
        groupFirst = null;
    }

    void Replay(CommandRule rule, SignedCommand signed, RegistryState registry)
    {
        var (firstSource, first) = group[0];
        IReadOnlyList<string> streams;
        try
        {
            streams = Commands.StreamsOf(rule, signed.Command);
        }
        catch (FormatException e)
        {
            Report(FindingKind.RuleViolation, first, firstSource, "the command names the streams it writes", "a well-formed body", e.Message);
            return;
        }
        var context = new DecisionContext(registry, streams.ToDictionary(s => s, StateOf, StringComparer.Ordinal), signed.Command, first.RecordedAt);
        switch (Commands.Decide(rule, context))
        {
            case Decision.Refuse refused:
                Report(KindOf(refused.Code), first, firstSource, $"the rules accept {signed.Command.Type} as the ledger stood (docs/ENTRIES.md)",
                    "accepted", $"{refused.Code}: {refused.Message}");
                break;
            case Decision.Accept accepted:
                CompareWithDecision(accepted.Entries);
                break;
        }
    }

    void CompareWithDecision(IReadOnlyList<NewEntry> decided)
    {
        var (firstSource, first) = group[0];
        if (decided.Count != group.Count)
        {
            Report(FindingKind.EntriesDisagreeWithRules, first, firstSource, $"{first.SignedCommand.Command.Type} writes the entries its rule decides",
                string.Join(", ", decided.Select(d => $"{d.Type} on {d.Stream}")), string.Join(", ", group.Select(g => $"{g.Entry.Type} on {g.Entry.Stream}")));
            return;
        }
        for (var i = 0; i < decided.Count; i++)
        {
            var (source, entry) = group[i];
            var expectedBody = CanonicalJson.Encode(decided[i].Body);
            var foundBody = CanonicalJson.Encode(entry.Body);
            if (decided[i].Stream != entry.Stream || decided[i].Type != entry.Type || !expectedBody.AsSpan().SequenceEqual(foundBody))
            {
                Report(FindingKind.EntriesDisagreeWithRules, entry, source, $"the entry is what the rule of {entry.SignedCommand.Command.Type} decides",
                    $"{decided[i].Type} on {decided[i].Stream} {System.Text.Encoding.UTF8.GetString(expectedBody)}",
                    $"{entry.Type} on {entry.Stream} {System.Text.Encoding.UTF8.GetString(foundBody)}");
            }
        }
    }

    /// <summary>
    /// Folds the command's entries into the states, as the server did, so that later commands
    /// are judged against the ledger as it was written. An entry the state cannot take is
    /// reported (unless the command was already found wrong) and left out.
    /// </summary>
    void Apply(bool commandFoundWrong)
    {
        foreach (var (source, entry) in group)
        {
            try
            {
                states[entry.Stream] = StateOf(entry.Stream).Apply(entry);
            }
            catch (Exception e) when (Untrusted.IsAboutTheInput(e))
            {
                if (!commandFoundWrong)
                {
                    Report(FindingKind.EntriesDisagreeWithRules, entry, source, "the entry applies to its stream's state", "an applicable entry", e.Message);
                }
            }
        }
    }

    void CheckManifest(Manifest manifest, string? readChecksum, RegistryState registry)
    {
        void Expect(string what, string expected, string found)
        {
            if (expected != found)
            {
                Report(FindingKind.ManifestMismatch, null, null, null, $"the manifest's {what} matches the entries", expected, found);
            }
        }
        string Text(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Expect("format", "1", Text(manifest.Format));
        Expect("entryCount", Text(entryCount), Text(manifest.EntryCount));
        Expect("logSize", Text(entryCount), Text(manifest.LogSize));
        Expect("streamCount", Text(heads.Count), Text(manifest.StreamCount));
        if (readChecksum is not null)
        {
            Expect("entriesSha256", readChecksum, manifest.EntriesSha256);
        }
        foreach (var stream in heads.Keys.Union(manifest.Streams.Keys).Order(StringComparer.Ordinal))
        {
            var found = manifest.Streams.TryGetValue(stream, out var claimed) ? $"{claimed.Entries} entries, head {claimed.HeadHash}" : "absent";
            var expected = heads.TryGetValue(stream, out var head) ? $"{head.Entries} entries, head {Convert.ToHexStringLower(head.Hash)}" : "absent";
            Expect($"stream {stream}", expected, found);
        }
        if (registry.IsOpen)
        {
            var root = registry.Keys[registry.RootKeyId!];
            if (manifest.RootKeyId != registry.RootKeyId || manifest.RootPublicKey != Hex.Encode(root.PublicKey.Bytes))
            {
                Report(FindingKind.RootKeyMismatch, RegistryRules.Stream, 0, null, "the manifest names the root key of the registry's entry 0",
                    $"{registry.RootKeyId} {Hex.Encode(root.PublicKey.Bytes)}", $"{manifest.RootKeyId} {manifest.RootPublicKey}");
            }
        }
    }

    StreamState StateOf(string stream) => states.GetValueOrDefault(stream) ?? StreamState.Initial(stream);

    static bool SameCommand(PreparedEntry a, PreparedEntry b) =>
        a.Entry!.SignedCommand.Signature.AsSpan().SequenceEqual(b.Entry!.SignedCommand.Signature)
        && a.CommandBytes.AsSpan().SequenceEqual(b.CommandBytes);

    /// <summary>The signature check made in parallel, if it was made under the key the registry names now; else made here.</summary>
    static Func<VerificationKey, SignedCommand, bool> VerifiedInAdvance(PreparedEntry first) =>
        (key, signed) => first.CheckedKey is { } checkedKey && checkedKey.Equals(key)
            ? first.SignatureValid
            : key.Verify(first.CommandBytes, signed.Signature);

    static FindingKind KindOf(ResultCode code) => code switch
    {
        ResultCode.UnknownKey => FindingKind.KeyUnknown,
        ResultCode.BadSignature => FindingKind.SignatureInvalid,
        ResultCode.KeyRevoked => FindingKind.KeyRevoked,
        ResultCode.CommandStale or ResultCode.CommandFromFuture => FindingKind.IssuedOutsideWindow,
        ResultCode.RoleMissing => FindingKind.RoleMissing,
        _ => FindingKind.RuleViolation,
    };

    void Report(FindingKind kind, Entry entry, SourcedEntry source, string check, string expected, string found) =>
        Report(kind, entry.Stream, entry.Sequence, source.LogPosition, check, expected, found);

    void Report(FindingKind kind, string? stream, long? sequence, long? logPosition, string check, string expected, string found)
    {
        findingCount++;
        var ofKind = findingsByKind[kind] = findingsByKind.GetValueOrDefault(kind) + 1;
        if (ofKind <= MaxFindingsPerKind)
        {
            findings.Add(new Finding(kind, stream, sequence, logPosition, check, expected, found));
        }
    }

    /// <summary>A stream as read so far: how many entries it has, and the sequence and hash of the last, which the next must follow.</summary>
    sealed class StreamHead
    {
        public long Entries;
        public long Sequence = -1;

        /// <summary>The zero hash (FORMAT.md §4.3) until the stream's first entry.</summary>
        public readonly byte[] Hash = new byte[Hashing.Hash.Size];
    }
}

/// <summary>
/// The checkpoints as audited: how many the source holds and the largest size among them, how
/// many were pinned with --checkpoint, and how many entries follow the newest checkpoint the log key signed.
/// </summary>
public sealed record CheckpointSummary(int Count, long? LatestTreeSize, int PinnedCount, long EntriesBeyond);
