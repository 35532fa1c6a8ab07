using System.Globalization;
using System.Text;
using Ledger.Checkpoints;
using Ledger.Entries;
using Ledger.Grains.Log;
using Ledger.Grains.Storage;
using Ledger.Rules.Projects;
using Microsoft.AspNetCore.Http.HttpResults;
using QRCoder;

namespace Ledger.Api.Endpoints;

/// <summary>
/// The QR code of a project's public notice 公示 (docs/API.md "The public notice's QR code"):
/// a signed checkpoint of the global log (origin, tree size, root, the checkpoint's own three
/// lines) and the project stream's head under it (stream, sequence, entry hash), so that a
/// resident can compare the notice-board copy with the online ledger. The server draws it from
/// its own records at the sizes asked for, never from text a client supplies.
/// </summary>
public static class NoticeEndpoints
{
    /// <summary>The first line of every notice payload: names the format and its version.</summary>
    public const string PayloadHeader = "CommunityLedger/v1/notice";

    public static void MapNoticeEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/projects/{projectId}/notice-qr", GetNoticeQrCode)
            .WithName("GetNoticeQrCode")
            .WithSummary("The public notice's QR code, as SVG: the checkpoint at treeSize and the project's entry at sequence under it.")
            .WithDescription("Public. The code holds seven lines: \"" + PayloadHeader + "\", the checkpoint's origin, tree size and root "
                + "(its note's first three lines), the stream, the sequence and the entry hash. 404 unless a checkpoint was signed at "
                + "exactly treeSize and the entry is in it.")
            .WithTags("Projects")
            .Produces<string>(StatusCodes.Status200OK, "image/svg+xml")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary>The public notice's QR code, as SVG: the checkpoint signed at treeSize and the project's entry at sequence under it.</summary>
    /// <param name="projectId">The project id, e.g. "b3-elevator".</param>
    /// <param name="treeSize">The size of a signed checkpoint, in decimal digits.</param>
    /// <param name="sequence">The sequence of an entry of the project's stream under that checkpoint (the head the notice shows).</param>
    /// <param name="database">The ledger's database.</param>
    /// <param name="log">The Merkle log.</param>
    /// <param name="cancellationToken">Cancelled when the client goes away.</param>
    public static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetNoticeQrCode(
        string projectId, string? treeSize, string? sequence, LedgerDatabase database, MerkleLog log, CancellationToken cancellationToken)
    {
        if (!Names.IsIdentifier(projectId) || treeSize is null || sequence is null
            || !long.TryParse(treeSize, NumberStyles.None, CultureInfo.InvariantCulture, out var size) || size < 1
            || !long.TryParse(sequence, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return Problems.Create(StatusCodes.Status400BadRequest, Problems.MalformedRequest,
                "projectId is an identifier, treeSize a tree size ≥ 1 and sequence a sequence number ≥ 0, in decimal digits");
        }
        var checkpoint = await log.CheckpointAsync(size, cancellationToken);
        if (checkpoint is null)
        {
            return NotFound($"no checkpoint was signed at tree size {size}");
        }
        var stream = ProjectRules.StreamOf(projectId);
        var entries = await database.Entries.ReadStreamAsync(stream, number, 1, cancellationToken);
        if (entries.Count == 0 || entries[0].LogPosition >= size)
        {
            return NotFound($"stream {stream} has no entry {number} in the tree of {size} entries");
        }
        var note = SignedNote.Parse(Encoding.UTF8.GetBytes(checkpoint.Note));
        Invariant.Holds(note.IsValid, $"the stored checkpoint at {size} is a signed note");
        var parsed = Checkpoint.Parse(note.Note!.Text);
        Invariant.Holds(parsed.IsValid && parsed.Checkpoint!.TreeSize == size, $"the stored checkpoint at {size} is a checkpoint of that size");
        var payload = Payload(parsed.Checkpoint!, stream, number, entries[0].Entry.Hash.ToString());
        return TypedResults.Text(Svg(payload), "image/svg+xml", Encoding.UTF8);
    }

    /// <summary>
    /// The text the code holds, lines joined by a line feed, no final one: the header, the
    /// checkpoint's three lines exactly as in its note (origin, tree size, root in base64), then
    /// the stream, the sequence and the entry hash in lowercase hex.
    /// </summary>
    public static string Payload(Checkpoint checkpoint, string stream, long sequence, string entryHash) =>
        string.Join('\n', PayloadHeader, checkpoint.Origin, checkpoint.TreeSize.ToString(CultureInfo.InvariantCulture),
            Convert.ToBase64String(checkpoint.RootHash), stream, sequence.ToString(CultureInfo.InvariantCulture), entryHash);

    /// <summary>
    /// QR code, byte mode, error correction level M (15 % of the code can be lost to a fold or a
    /// stain on a notice board), 4 modules of quiet zone, drawn as one SVG path.
    /// </summary>
    public static string Svg(string payload)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(payload, QRCodeGenerator.ECCLevel.M, forceUtf8: true);
        return new SvgQRCode(data).GetGraphic(4);
    }

    static ProblemHttpResult NotFound(string message) =>
        Problems.Create(StatusCodes.Status404NotFound, Problems.NotFound, message);
}
