// The witness's HTTP interface: C2SP tlog-witness (https://c2sp.org/tlog-witness) "add-checkpoint"
// and the "Monitor Retrieval Mechanism", with the submission and monitoring prefixes both "/".
using System.Globalization;
using System.Text;
using Ledger.Checkpoints;

namespace Ledger.Witness;

public static class WitnessServer
{
    /// <summary>The content type of a 409's body, the size of the newest checkpoint cosigned (tlog-witness.md).</summary>
    public const string TreeSizeContentType = "text/x.tlog.size";

    const string TextContentType = "text/plain; charset=utf-8";

    /// <summary>The witness as a web application on <paramref name="listenUrl"/>; the caller runs it and disposes it.</summary>
    public static WebApplication Build(string listenUrl, CosignatureSigner signer, IReadOnlyList<WitnessedLog> logs, WitnessState state, TimeProvider clock)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(listenUrl);
        // One line per request is the witness's own (below); ASP.NET's per-request lines only repeat it.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        var app = builder.Build();
        var logger = app.Logger;

        app.MapPost("/add-checkpoint", async (HttpRequest request, CancellationToken cancellationToken) =>
        {
            var body = await ReadBodyAsync(request, cancellationToken);
            if (body is null)
            {
                return Answer(AddCheckpointResult.Malformed, $"the body is larger than {AddCheckpointRequest.MaxBodyBytes} bytes");
            }
            var parse = AddCheckpointRequest.Parse(body);
            if (!parse.IsValid)
            {
                return Answer(AddCheckpointResult.Malformed, parse.Problem);
            }
            var submitted = parse.Request;
            var origin = submitted.Checkpoint.Origin;
            var log = logs.FirstOrDefault(l => l.Origin == origin);
            var (result, answer) = await state.UpdateAsync(origin, latest =>
            {
                var decision = CheckpointWitness.Decide(submitted, log, latest);
                if (decision != AddCheckpointResult.Cosigned)
                {
                    return ((decision, Why(decision, latest)), null);
                }
                var line = signer.SignatureLine(submitted.Note.Text, clock.GetUtcNow().ToUnixTimeSeconds());
                var cosigned = SignedNote.AddSignatureLines(submitted.NoteBytes, Encoding.UTF8.GetBytes(line));
                Invariant.Holds(cosigned.IsValid, "a cosignature line joins the note it cosigns");
                return ((decision, line), new CosignedCheckpoint(submitted.Checkpoint.TreeSize, submitted.Checkpoint.RootHash.ToArray(), cosigned.Note!));
            }, cancellationToken);
            logger.LogInformation("add-checkpoint {Origin} old {OldSize} size {TreeSize}: {Result}", origin, submitted.OldSize, submitted.Checkpoint.TreeSize, result);
            return Answer(result, answer);
        });

        // A monitor's view: the newest checkpoint cosigned, with the log's signature and this witness's.
        app.MapGet("/{originHash}/checkpoint", (string originHash) =>
            state.LatestByOriginHash(originHash) is { } latest
                ? Results.Bytes(latest.Note, TextContentType)
                : Results.Text("this witness has cosigned no checkpoint of that log\n", TextContentType, statusCode: 404));

        return app;
    }

    static string Why(AddCheckpointResult result, CosignedCheckpoint? latest) => result switch
    {
        // The body tlog-witness.md asks for: the size, in decimal, and a newline.
        AddCheckpointResult.OldSizeNotLatest => $"{(latest?.TreeSize ?? 0).ToString(CultureInfo.InvariantCulture)}\n",
        AddCheckpointResult.UnknownLog => "this witness does not follow that log\n",
        AddCheckpointResult.NotSignedByLog => "the checkpoint is not signed by the log's key\n",
        AddCheckpointResult.OldSizeAboveCheckpoint => "the old size is above the checkpoint's size\n",
        AddCheckpointResult.EmptyTreeRootWrong => "a checkpoint of size 0 has the root of the empty tree\n",
        AddCheckpointResult.ProofFromEmptyTree => "no consistency proof is sent from size 0\n",
        AddCheckpointResult.Inconsistent => "the consistency proof does not show this checkpoint extends the one cosigned\n",
        _ => throw new ArgumentOutOfRangeException(nameof(result), result, "a refusal has a reason"),
    };

    static IResult Answer(AddCheckpointResult result, string body) => Results.Text(
        result == AddCheckpointResult.Malformed ? body + "\n" : body,
        // Exactly text/x.tlog.size, without a charset: the content type given is written as it is.
        result == AddCheckpointResult.OldSizeNotLatest ? TreeSizeContentType : TextContentType,
        contentEncoding: null,
        result.StatusCode());

    /// <summary>The body, or null if it is longer than any request can be.</summary>
    static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > AddCheckpointRequest.MaxBodyBytes)
        {
            return null;
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > AddCheckpointRequest.MaxBodyBytes)
            {
                return null;
            }
        }
        return buffer.ToArray();
    }
}
