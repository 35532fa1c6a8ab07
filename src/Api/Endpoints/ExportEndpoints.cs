using Ledger.Api.Export;
using Ledger.Api.Hosting;
using Ledger.Grains.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ledger.Api.Endpoints;

public static class ExportEndpoints
{
    public const string ZipContentType = "application/zip";

    public static void MapExportEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/export", GetExport)
            .WithName("GetExport")
            .WithSummary("The whole ledger as a zip of entries.jsonl, checkpoints.jsonl and manifest.json (docs/FORMAT.md §9), for a resident supervisor or an auditor.")
            .WithDescription($"A signed read by one of: {string.Join(", ", Access.Exporters.Order())}. Check it with the verifier, trusting only the root key.")
            .WithTags("Export")
            .RequireSignedRead(Access.Exporters)
            .Produces(StatusCodes.Status200OK, contentType: ZipContentType)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary>
    /// The zip is written to a temporary file first, then sent: the answer is either a whole
    /// export with its length, or a problem — never a 200 that stops half-way. The file is
    /// deleted when the response is done with it. A checkpoint is signed over every entry
    /// first, so the export lies under its newest checkpoint — unless the log's loop stopped
    /// on a broken invariant, which signs nothing more (the export then says what is uncovered).
    /// The configured witnesses are asked to cosign that checkpoint, for Witness:ExportWaitSeconds
    /// at most; one that does not answer in time is named in the server's log.
    /// </summary>
    static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> GetExport(
        LedgerDatabase database, LedgerStartup startup, LogIntegrationService logLoop, WitnessCosigner witnesses, TimeProvider clock, CancellationToken cancellationToken)
    {
        var file = new FileStream(Path.Combine(Path.GetTempPath(), $"ledger-export-{Guid.NewGuid():N}.zip"),
            LedgerExport.PrivateFileOptions(FileAccess.ReadWrite, FileOptions.DeleteOnClose | FileOptions.Asynchronous));
        try
        {
            await LedgerExport.WriteZipAsync(database, logLoop.StoppedBecause is null ? startup.Log : null, witnesses, file, clock.GetUtcNow(), cancellationToken);
            file.Position = 0;
            return TypedResults.Stream(file, ZipContentType, "ledger-export.zip");
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }
}
