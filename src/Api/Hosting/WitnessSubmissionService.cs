using System.Globalization;
using System.Net;
using System.Text;
using Ledger.Checkpoints;
using Ledger.Grains.Log;
using Microsoft.Extensions.Options;

namespace Ledger.Api.Hosting;

/// <summary>
/// Submits the newest checkpoint to every configured witness that has not cosigned it yet
/// (C2SP tlog-witness "add-checkpoint", docs/WITNESS.md), with the consistency proof from the
/// size that witness cosigned last, learnt from its 409 answer when not known; checks each
/// cosignature verifies under the witness's key and keeps it (migration 0007), so the checkpoint
/// routes, the export and the offline bundle carry it. A witness that fails is tried again on
/// a later tick, after a pause that doubles up to a minute: a witness down never holds up the log.
/// </summary>
public sealed class WitnessSubmissionService(IOptions<WitnessSettings> settings, LedgerStartup startup, TimeProvider clock, ILogger<WitnessSubmissionService> logger)
    : BackgroundService
{
    static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);
    static readonly TimeSpan LongestPause = TimeSpan.FromMinutes(1);

    readonly IReadOnlyList<(CosignatureVerifierKey Key, Uri AddCheckpoint)> witnesses = [.. settings.Value.Witnesses.Select(w =>
        (CosignatureVerifierKey.Parse(w.VerifierKey).Key!, new Uri(w.Url.TrimEnd('/') + "/add-checkpoint")))];

    // Per witness: the size it cosigned last, as far as this process knows (0 until it says), and when to try it again.
    readonly Dictionary<CosignatureVerifierKey, long> cosignedSizes = [];
    readonly Dictionary<CosignatureVerifierKey, (DateTimeOffset At, TimeSpan Pause)> retries = [];
    readonly SemaphoreSlim oneRoundAtATime = new(1, 1);
    readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(10) };

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (witnesses.Count == 0)
        {
            return;
        }
        using var timer = new PeriodicTimer(Tick, clock);
        try
        {
            do
            {
                try
                {
                    await SubmitLatestAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "submitting the latest checkpoint to the witnesses failed; retrying: {Message}", e.Message);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One round: the newest checkpoint to each witness that has not cosigned it and is not pausing. Tests call it.</summary>
    public async Task SubmitLatestAsync(CancellationToken cancellationToken)
    {
        await oneRoundAtATime.WaitAsync(cancellationToken);
        try
        {
            var log = new MerkleLog(startup.Database.DataSource);
            if (await log.LatestCheckpointAsync(cancellationToken) is not { } latest)
            {
                return;
            }
            var cosigners = await log.CosignersAsync(latest.TreeSize, cancellationToken);
            foreach (var (key, url) in witnesses)
            {
                if (cosigners.Contains(key.Format()) || (retries.TryGetValue(key, out var retry) && retry.At > clock.GetUtcNow()))
                {
                    continue;
                }
                var line = await CosignAsync(log, latest, key, url, cancellationToken);
                if (line is null)
                {
                    var pause = retries.TryGetValue(key, out var last) ? TimeSpan.FromTicks(Math.Min(last.Pause.Ticks * 2, LongestPause.Ticks)) : Tick;
                    retries[key] = (clock.GetUtcNow() + pause, pause);
                    continue;
                }
                retries.Remove(key);
                await log.AddCosignatureAsync(latest.TreeSize, key.Format(), line, clock.GetUtcNow(), cancellationToken);
            }
        }
        finally
        {
            oneRoundAtATime.Release();
        }
    }

    /// <summary>The witness's verified cosignature line of <paramref name="checkpoint"/>, or null (logged) if it gives none.</summary>
    async Task<string?> CosignAsync(MerkleLog log, StoredCheckpoint checkpoint, CosignatureVerifierKey witness, Uri url, CancellationToken cancellationToken)
    {
        var note = Encoding.UTF8.GetBytes(checkpoint.Note);
        // Twice at most: the second time from the size its 409 answer named.
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var oldSize = cosignedSizes.GetValueOrDefault(witness);
            if (oldSize > checkpoint.TreeSize)
            {
                // It cosigned a newer checkpoint (another server process of this log submitted it).
                return null;
            }
            IReadOnlyList<byte[]> proof = oldSize == 0 || oldSize == checkpoint.TreeSize
                ? []
                : (await log.ConsistencyProofAsync(oldSize, checkpoint.TreeSize, cancellationToken)).Proof;
            using var content = new ByteArrayContent(AddCheckpointRequest.Format(oldSize, proof, note));
            HttpResponseMessage response;
            string body;
            try
            {
                response = await http.PostAsync(url, content, cancellationToken);
                body = await response.Content.ReadAsStringAsync(cancellationToken);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning("the witness {Witness} at {Url} could not be reached: {Message}", witness.Name, url, e.Message);
                return null;
            }
            using (response)
            {
                if (response.StatusCode == HttpStatusCode.Conflict
                    && long.TryParse(body.TrimEnd('\n'), NumberStyles.None, CultureInfo.InvariantCulture, out var cosignedSize))
                {
                    cosignedSizes[witness] = cosignedSize;
                    continue;
                }
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    logger.LogWarning("the witness {Witness} refused the checkpoint of {TreeSize} from {OldSize}: {Status} {Body}",
                        witness.Name, checkpoint.TreeSize, oldSize, (int)response.StatusCode, body.TrimEnd('\n'));
                    return null;
                }
            }
            var cosigned = SignedNote.AddSignatureLines(note, Encoding.UTF8.GetBytes(body));
            var parsed = cosigned.IsValid ? SignedNote.Parse(cosigned.Note) : default;
            if (!parsed.IsValid || !Cosignature.Verify(parsed.Note, witness).IsValid)
            {
                logger.LogWarning("the witness {Witness} answered the checkpoint of {TreeSize} with no valid cosignature: {Body}", witness.Name, checkpoint.TreeSize, body);
                return null;
            }
            cosignedSizes[witness] = checkpoint.TreeSize;
            return parsed.Note.Signatures.First(s => s.KeyName == witness.Name && s.KeyId == witness.KeyId).Line;
        }
        return null;
    }

    public override void Dispose()
    {
        http.Dispose();
        oneRoundAtATime.Dispose();
        base.Dispose();
    }
}
