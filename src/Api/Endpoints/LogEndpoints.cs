using System.Globalization;
using System.Text;
using Ledger.Api.Contracts;
using Ledger.Api.Hosting;
using Ledger.Checkpoints;
using Ledger.Entries;
using Ledger.Grains.Hosting;
using Ledger.Grains.Log;
using Ledger.Grains.Storage;
using Ledger.Hashing;
using Ledger.Merkle;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Ledger.Api.Endpoints;

/// <summary>
/// The global Merkle log (docs/FORMAT.md §10): signed checkpoints, the log's key, inclusion
/// and consistency proofs, and the offline bundle of one entry. Checkpoints, the key and proofs
/// are public: they hold hashes only. The bundle holds the entry itself, so it is readable by
/// whoever may read that entry's stream (<see cref="Access"/>, as GET /v1/entries).
/// </summary>
public static class LogEndpoints
{
    public static void MapLogEndpoints(this IEndpointRouteBuilder routes)
    {
        var log = routes.MapGroup("/v1/log").WithTags("Log");

        log.MapGet("/checkpoint", GetLatestCheckpoint)
            .WithName("GetLatestCheckpoint")
            .WithSummary("The latest checkpoint of the global log: a C2SP tlog-checkpoint signed as a C2SP signed note by the log key.")
            .WithDescription("Public. text/plain, exactly as signed, followed by the witnesses' cosignature lines received so far "
                + "(docs/FORMAT.md §10.7). 404 before the first checkpoint.")
            .Produces<string>(StatusCodes.Status200OK, "text/plain")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        log.MapGet("/checkpoints/{treeSize}", GetCheckpoint)
            .WithName("GetCheckpoint")
            .WithSummary("The checkpoint signed at exactly this tree size.")
            .WithDescription("Public. text/plain, exactly as signed, followed by the witnesses' cosignature lines received so far. "
                + "404 if no checkpoint was signed at that size.")
            .Produces<string>(StatusCodes.Status200OK, "text/plain")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        log.MapGet("/vkey", GetVerifierKey)
            .WithName("GetLogVerifierKey")
            .WithSummary("The log's verifier key in C2SP vkey text: origin+keyid+base64(0x01 ‖ Ed25519 public key).")
            .WithDescription("Public. text/plain, one line without a line feed. Pin it out of band, like the root key fingerprint.")
            .Produces<string>(StatusCodes.Status200OK, "text/plain")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        log.MapGet("/witnesses", GetWitnesses)
            .WithName("GetWitnesses")
            .WithSummary("The verifier keys of the witnesses this server submits its checkpoints to (docs/WITNESS.md): name+keyid+base64(0x04 ‖ Ed25519 public key).")
            .WithDescription("Public. text/plain, one key per line, each ending in a line feed; empty when none is configured. "
                + "Only the server's word: a verifier pins the witnesses' keys out of band (--witness).")
            .Produces<string>(StatusCodes.Status200OK, "text/plain");

        log.MapGet("/inclusion", GetInclusionProof)
            .WithName("GetInclusionProof")
            .WithSummary("The inclusion proof of an entry, named by stream and sequence or by its hash, in the tree of a given size.")
            .WithDescription("Public. Without treeSize, the size of the latest checkpoint. 404 if the entry is unknown, "
                + "not yet in a tree of that size, or the size is beyond what is integrated.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        log.MapGet("/consistency", GetConsistencyProof)
            .WithName("GetConsistencyProof")
            .WithSummary("The consistency proof that the tree of size 'to' extends the tree of size 'from'.")
            .WithDescription("Public. 1 ≤ from ≤ to; 404 if 'to' is beyond what is integrated.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        log.MapGet("/bundle", GetEntryBundle)
            .WithName("GetEntryBundle")
            .WithSummary("The offline bundle of one entry: the entry as hashed, its leaf index, the latest checkpoint, "
                + "the inclusion proof at that checkpoint's size and the log key (docs/FORMAT.md §10.5).")
            .WithDescription("Readable as the entry's stream is (GET /v1/entries): public for project and catalog streams, "
                + "a signed read otherwise. 404 if the entry is unknown or not yet covered by a checkpoint.")
            .AcceptSignedRead()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary>The latest signed checkpoint.</summary>
    /// <param name="log">The Merkle log.</param>
    /// <param name="cancellationToken">Cancelled when the client goes away.</param>
    public static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetLatestCheckpoint(MerkleLog log, CancellationToken cancellationToken)
    {
        var latest = await log.LatestCheckpointAsync(cancellationToken);
        return latest is null
            ? NotFound("no checkpoint has been signed yet; ask again in a few seconds")
            : Note(latest.Note);
    }

    /// <summary>The checkpoint at one tree size.</summary>
    /// <param name="treeSize">The tree size, a positive decimal integer.</param>
    /// <param name="log">The Merkle log.</param>
    /// <param name="cancellationToken">Cancelled when the client goes away.</param>
    public static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetCheckpoint(
        string treeSize, MerkleLog log, CancellationToken cancellationToken)
    {
        if (!TryParseSize(treeSize, 1, out var size))
        {
            return Malformed("treeSize is a tree size ≥ 1 in decimal digits");
        }
        var checkpoint = await log.CheckpointAsync(size, cancellationToken);
        return checkpoint is null
            ? NotFound($"no checkpoint was signed at tree size {size}")
            : Note(checkpoint.Note);
    }

    /// <summary>The log's verifier key.</summary>
    /// <param name="log">The Merkle log.</param>
    /// <param name="cancellationToken">Cancelled when the client goes away.</param>
    public static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetVerifierKey(MerkleLog log, CancellationToken cancellationToken)
    {
        var key = await log.VerifierKeyAsync(cancellationToken);
        return key is null ? NotFound("the log has no key yet") : TypedResults.Text(key, "text/plain", Encoding.UTF8);
    }

    /// <summary>The configured witnesses' verifier keys, so that the check view can verify their cosignatures in the browser.</summary>
    public static ContentHttpResult GetWitnesses(IOptions<WitnessSettings> settings) =>
        TypedResults.Text(string.Concat(settings.Value.Witnesses.Select(w => w.VerifierKey + "\n")), "text/plain", Encoding.UTF8);

    /// <summary>An entry's inclusion proof.</summary>
    /// <param name="stream">The entry's stream id, with sequence; or give hash instead.</param>
    /// <param name="sequence">The entry's sequence number in its stream.</param>
    /// <param name="hash">The entry hash, 64 lowercase hex digits; instead of stream and sequence.</param>
    /// <param name="treeSize">The tree size to prove inclusion in; the latest checkpoint's when absent.</param>
    /// <param name="database">The ledger's database.</param>
    /// <param name="log">The Merkle log.</param>
    /// <param name="cancellationToken">Cancelled when the client goes away.</param>
    public static async Task<Results<Ok<LogInclusionProof>, ProblemHttpResult>> GetInclusionProof(
        string? stream, string? sequence, string? hash, string? treeSize,
        LedgerDatabase database, MerkleLog log, CancellationToken cancellationToken)
    {
        var (stored, problem) = await FindEntryAsync(stream, sequence, hash, database, log, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        long size;
        StoredCheckpoint? checkpoint = null;
        if (treeSize is null)
        {
            checkpoint = await log.LatestCheckpointAsync(cancellationToken);
            if (checkpoint is null)
            {
                return NotFound("no checkpoint has been signed yet: name a treeSize, or ask again in a few seconds");
            }
            size = checkpoint.TreeSize;
        }
        else if (!TryParseSize(treeSize, 1, out size))
        {
            return Malformed("treeSize is a tree size ≥ 1 in decimal digits");
        }
        if (stored!.LogPosition >= size)
        {
            return NotFound($"the entry is at log position {stored.LogPosition}, so it is not in the tree of {size} entries");
        }
        if (await BeyondIntegratedAsync(log, size, cancellationToken) is { } beyond)
        {
            return beyond;
        }
        var proof = await log.InclusionProofAsync(stored.LogPosition, size, cancellationToken);
        Invariant.Holds(proof.LeafHash.AsSpan().SequenceEqual(LogLeaf.Of(stored.Entry.Hash)),
            $"the stored leaf at {stored.LogPosition} is the leaf of the entry there");
        // The latest checkpoint is the one at its own size; only a named size needs its checkpoint looked up.
        checkpoint ??= await log.CheckpointAsync(size, cancellationToken);
        return TypedResults.Ok(new LogInclusionProof(stored.LogPosition, size, stored.Entry.Hash.ToString(), Hex(proof.LeafHash),
            [.. proof.Proof.Select(Hex)], Hex(proof.RootHash), checkpoint?.Note));
    }

    /// <summary>A consistency proof between two tree sizes.</summary>
    /// <param name="from">The first tree size, at least 1.</param>
    /// <param name="to">The second tree size, at least from.</param>
    /// <param name="log">The Merkle log.</param>
    /// <param name="cancellationToken">Cancelled when the client goes away.</param>
    public static async Task<Results<Ok<LogConsistencyProof>, ProblemHttpResult>> GetConsistencyProof(
        string? from, string? to, MerkleLog log, CancellationToken cancellationToken)
    {
        if (from is null || to is null || !TryParseSize(from, 1, out var fromSize) || !TryParseSize(to, 1, out var toSize) || fromSize > toSize)
        {
            // RFC 9162 §2.1.4 defines no proof from the empty tree: every tree extends it.
            return Malformed("from and to are tree sizes in decimal digits with 1 ≤ from ≤ to");
        }
        if (await BeyondIntegratedAsync(log, toSize, cancellationToken) is { } beyond)
        {
            return beyond;
        }
        var proof = await log.ConsistencyProofAsync(fromSize, toSize, cancellationToken);
        var fromCheckpoint = await log.CheckpointAsync(fromSize, cancellationToken);
        var toCheckpoint = await log.CheckpointAsync(toSize, cancellationToken);
        return TypedResults.Ok(new LogConsistencyProof(fromSize, toSize, [.. proof.Proof.Select(Hex)],
            Hex(proof.FromRootHash), Hex(proof.ToRootHash), fromCheckpoint?.Note, toCheckpoint?.Note));
    }

    /// <summary>The offline bundle of one entry.</summary>
    /// <param name="context">The request, whose reader (<see cref="SignedReadAuthentication"/>) may read a private stream.</param>
    /// <param name="stream">The entry's stream id.</param>
    /// <param name="sequence">The entry's sequence number in its stream.</param>
    /// <param name="database">The ledger's database.</param>
    /// <param name="log">The Merkle log.</param>
    /// <param name="cancellationToken">Cancelled when the client goes away.</param>
    public static async Task<Results<Ok<EntryBundle>, ProblemHttpResult>> GetEntryBundle(
        HttpContext context, string? stream, string? sequence,
        LedgerDatabase database, MerkleLog log, CancellationToken cancellationToken)
    {
        if (stream is null || sequence is null)
        {
            return Malformed("name the entry by stream and sequence");
        }
        var (stored, problem) = await FindEntryAsync(stream, sequence, null, database, log, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        if (await ReadAuthorization.StreamRefusalAsync(context, stream) is { } refused)
        {
            return refused;
        }
        var latest = await log.LatestCheckpointAsync(cancellationToken);
        if (latest is null || stored!.LogPosition >= latest.TreeSize)
        {
            return NotFound("no checkpoint covers this entry yet; ask again in a few seconds");
        }
        var verifierKey = await log.VerifierKeyAsync(cancellationToken);
        Invariant.Holds(verifierKey is not null, "a log with checkpoints has a key");
        var proof = await log.InclusionProofAsync(stored.LogPosition, latest.TreeSize, cancellationToken);
        // What a resident will check, checked here first (STYLE.md 9): a bundle that fails is never handed out.
        var bundle = new OfflineBundle(Encoding.UTF8.GetString(stored.Entry.CanonicalBytes), stored.LogPosition, latest.Note, proof.Proof, verifierKey!);
        var verdict = bundle.Verify(verifierKey);
        Invariant.Holds(verdict.IsValid && verdict.TreeSize == latest.TreeSize,
            $"the bundle of log position {stored.LogPosition} verifies against the checkpoint of {latest.TreeSize} entries ({verdict.Reason})");
        return TypedResults.Ok(new EntryBundle(OfflineBundle.Format, bundle.Entry, bundle.LeafIndex, bundle.Checkpoint,
            [.. bundle.Proof.Select(Hex)], bundle.LogVerifierKey));
    }

    /// <summary>The entry named by stream and sequence, or by hash (exactly one of the two), or the problem to answer.</summary>
    static async Task<(StoredEntry? Entry, ProblemHttpResult? Problem)> FindEntryAsync(
        string? stream, string? sequence, string? hash, LedgerDatabase database, MerkleLog log, CancellationToken cancellationToken)
    {
        long number;
        if (hash is not null)
        {
            if (stream is not null || sequence is not null)
            {
                return (null, Malformed("name the entry either by stream and sequence or by hash, not both"));
            }
            if (!Hash.TryParse(hash, out var entryHash))
            {
                return (null, Malformed("hash is an entry hash: 64 lowercase hex digits"));
            }
            if (await log.LocateAsync(entryHash, cancellationToken) is not { } located)
            {
                return (null, NotFound($"the log holds no entry with hash {hash}"));
            }
            (stream, number) = located;
        }
        else if (stream is null || sequence is null)
        {
            return (null, Malformed("name the entry by stream and sequence, or by hash"));
        }
        else if (!Names.IsStreamId(stream))
        {
            return (null, Malformed("stream must be a stream id (docs/FORMAT.md §5): registry, catalog, project/{id} or household/{id}"));
        }
        else if (!TryParseSize(sequence, 0, out number))
        {
            return (null, Malformed("sequence is a sequence number ≥ 0 in decimal digits"));
        }
        var entries = await database.Entries.ReadStreamAsync(stream, number, 1, cancellationToken);
        return entries.Count == 0
            ? (null, NotFound($"stream {stream} has no entry {number}"))
            : (entries[0], null);
    }

    static async Task<ProblemHttpResult?> BeyondIntegratedAsync(MerkleLog log, long treeSize, CancellationToken cancellationToken)
    {
        var integrated = await log.IntegratedSizeCoveringAsync(treeSize, cancellationToken);
        return treeSize > integrated
            ? NotFound($"the log's tree covers {integrated} entries so far, not {treeSize}; ask again in a few seconds")
            : null;
    }

    static ContentHttpResult Note(string note) => TypedResults.Text(note, "text/plain", Encoding.UTF8);

    static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    /// <summary>A decimal number, digits only, at least <paramref name="min"/>.</summary>
    static bool TryParseSize(string text, long min, out long value) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min;

    static ProblemHttpResult Malformed(string message) =>
        Problems.Create(StatusCodes.Status400BadRequest, Problems.MalformedRequest, message);

    static ProblemHttpResult NotFound(string message) =>
        Problems.Create(StatusCodes.Status404NotFound, Problems.NotFound, message);
}
