using System.Globalization;
using System.Net;
using System.Text;
using Ledger.Checkpoints;
using Ledger.Grains.Log;
using Npgsql;

namespace Ledger.Api.Hosting;

/// <summary>
/// Submits the newest checkpoint to every configured witness that has not cosigned it yet
/// (C2SP tlog-witness "add-checkpoint", docs/WITNESS.md), with the consistency proof from the
/// size that witness cosigned last, learnt from its 409 answer when not known; checks each
/// cosignature verifies under the witness's key and keeps it (migration 0007), so the checkpoint
/// routes, the export and the offline bundle carry it. One round at a time: the server's loop,
/// an export and the stop share one instance.
/// </summary>
public sealed class WitnessCosigner(WitnessSettings settings, TimeProvider clock, ILogger logger) : IDisposable
{
    readonly IReadOnlyList<(CosignatureVerifierKey Key, Uri AddCheckpoint)> witnesses = [.. settings.Witnesses.Select(w =>
        (CosignatureVerifierKey.Parse(w.VerifierKey).Key!, new Uri(w.Url.TrimEnd('/') + "/add-checkpoint")))];

    // Per witness: the size it cosigned last, as far as this process knows (0 until it says).
    readonly Dictionary<CosignatureVerifierKey, long> cosignedSizes = [];
    readonly SemaphoreSlim oneRoundAtATime = new(1, 1);
    readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public bool HasWitnesses => witnesses.Count > 0;

    /// <summary>How long an export, or the server's stop, waits for the witnesses (<c>Witness:ExportWaitSeconds</c>).</summary>
    public TimeSpan ExportWait { get; } = TimeSpan.FromSeconds(settings.ExportWaitSeconds);

    /// <summary>
    /// One round: the newest checkpoint to each witness that has not cosigned it, except those
    /// <paramref name="skip"/> names.
    /// </summary>
    /// <returns>The witnesses asked that gave no cosignature (each failure logged).</returns>
    public async Task<IReadOnlyList<CosignatureVerifierKey>> SubmitLatestAsync(NpgsqlDataSource dataSource, Func<CosignatureVerifierKey, bool> skip,
        CancellationToken cancellationToken)
    {
        await oneRoundAtATime.WaitAsync(cancellationToken);
        try
        {
            var log = new MerkleLog(dataSource);
            if (await log.LatestCheckpointAsync(cancellationToken) is not { } latest)
            {
                return [];
            }
            var cosigners = await log.CosignersAsync(latest.TreeSize, cancellationToken);
            var failed = new List<CosignatureVerifierKey>();
            foreach (var (key, url) in witnesses)
            {
                if (cosigners.Contains(key.Format()) || skip(key))
                {
                    continue;
                }
                if (await CosignAsync(log, latest, key, url, cancellationToken) is { } line)
                {
                    await log.AddCosignatureAsync(latest.TreeSize, key.Format(), line, clock.GetUtcNow(), cancellationToken);
                }
                else
                {
                    failed.Add(key);
                }
            }
            return failed;
        }
        finally
        {
            oneRoundAtATime.Release();
        }
    }

    /// <summary>
    /// Has the newest checkpoint cosigned by every witness that will within <see cref="ExportWait"/>,
    /// for an export or the server's stop: each witness is asked now, whatever pause the loop keeps.
    /// </summary>
    /// <returns>The names of the witnesses that have not cosigned the newest checkpoint (logged), empty if all have.</returns>
    public async Task<IReadOnlyList<string>> CosignLatestNowAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        if (!HasWitnesses)
        {
            return [];
        }
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(ExportWait);
        try
        {
            await SubmitLatestAsync(dataSource, _ => false, bounded.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Out of time: whoever has not answered is named below.
        }
        var log = new MerkleLog(dataSource);
        if (await log.LatestCheckpointAsync(cancellationToken) is not { } latest)
        {
            return [];
        }
        var cosigners = await log.CosignersAsync(latest.TreeSize, cancellationToken);
        var missing = witnesses.Where(w => !cosigners.Contains(w.Key.Format())).Select(w => w.Key.Name).ToList();
        if (missing.Count > 0)
        {
            logger.LogWarning("the checkpoint of {TreeSize} entries lacks the cosignature of {Witnesses} after waiting {Seconds} s for them",
                latest.TreeSize, string.Join(", ", missing), ExportWait.TotalSeconds);
        }
        return missing;
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

    public void Dispose()
    {
        http.Dispose();
        oneRoundAtATime.Dispose();
    }
}
