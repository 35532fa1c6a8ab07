using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Ledger.Canonical;
using Ledger.Client;
using Ledger.Entries;
using Ledger.Rules;
using Ledger.Rules.Households;
using Ledger.Rules.Registry;
using Ledger.Signing;
using Ledger.Tests.Support;
using Ledger.Verifier.Verification;
using Npgsql;

namespace Ledger.Tests.Cluster;

/// <summary>
/// Issue 14: two server processes (an API and a silo each) on one PostgreSQL form one
/// cluster; one of them is killed with SIGKILL while commands flow through both. No
/// acknowledged command is lost or written twice, the dead silo's grains come back on the
/// other, a retry with the same idempotency key gets the first result, and the verifier
/// finds the ledger valid.
/// </summary>
[Collection(nameof(ClusterProcessCollection))]
public sealed class ClusterOfProcessesTests
{
    const int Households = 20;
    const int Commands = 400;

    [Fact]
    public async Task ASiloKilledUnderLoadLosesNoAcknowledgedCommandAndItsGrainsComeBackOnTheOther()
    {
        var database = new TestDatabase();
        await database.InitializeAsync();
        using var folder = TestFolder.Create();
        var environment = new Dictionary<string, string?> { ["ConnectionStrings__Ledger"] = database.ConnectionString };
        try
        {
            await using var a = await ServerProcess.StartAsync(environment, [.. FastFailover.Arguments, "--data", Path.Combine(folder.Path, "a")]);
            var b = await ServerProcess.StartAsync(environment, [.. FastFailover.Arguments, "--data", Path.Combine(folder.Path, "b")]);
            using var httpA = new HttpClient { BaseAddress = a.Address };
            using var httpB = new HttpClient { BaseAddress = b.Address };
            var clientA = new LedgerClient(httpA, TimeProvider.System);
            var clientB = new LedgerClient(httpB, TimeProvider.System);
            var registrar = PersonKey.Load(Path.Combine(folder.Path, "a", "keys", "registrar.json"));
            var coordinator = new PersonKey("coordinator", SigningKey.FromSeed(SHA256.HashData(Encoding.UTF8.GetBytes("cluster test coordinator"))));
            var registered = await clientB.SendAsync(registrar, RegistryCommandTypes.RegisterPerson, new JsonObject
            {
                ["displayName"] = "志愿服务组织者",
                ["personId"] = coordinator.PersonId,
                ["publicKey"] = Hex.Encode(coordinator.Key.PublicKey.Bytes),
                ["roles"] = new JsonArray(nameof(Role.VolunteerCoordinator)),
            });
            Assert.True(registered.IsSuccess, registered.Body.ToString());
            var awards = Enumerable.Range(0, Commands).Select(n => clientA.Sign(coordinator, HouseholdCommandTypes.AwardPoints, new JsonObject
            {
                ["activity"] = "VolunteerService",
                ["householdId"] = $"c-{n % Households:D2}",
                ["points"] = 10,
                ["quantity"] = 1,
                ["reference"] = $"award-{n}",
            }, idempotencyKey: $"award-{n}")).ToList();
            var acknowledged = new ConcurrentDictionary<int, string>();

            // Half through both processes; then the other half while one of them is killed.
            await SendAsync(Enumerable.Range(0, Commands / 2), n => n % 2 == 0 ? clientA : clientB, awards, acknowledged, retryOn: null, onAcknowledged: _ => { });
            Assert.Equal(Commands / 2, acknowledged.Count);
            var killing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var killed = killing.Task.ContinueWith(_ => b.KillAsync()).Unwrap();
            await SendAsync(Enumerable.Range(Commands / 2, Commands / 2), n => n % 2 == 0 ? clientA : clientB, awards, acknowledged, retryOn: clientA,
                onAcknowledged: count =>
                {
                    if (count == Commands / 2 + 40)
                    {
                        killing.TrySetResult();
                    }
                });
            await killed;

            // Every command acknowledged once; sent again, each gets its first result.
            Assert.Equal(Commands, acknowledged.Count);
            await Parallel.ForEachAsync(Enumerable.Range(0, Commands), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (n, _) =>
            {
                var again = await clientA.PostAsync(awards[n]);
                Assert.True(again.IsSuccess, again.Body.ToString());
                Assert.True(again.Body.GetProperty("replayed").GetBoolean());
                Assert.Equal(acknowledged[n], Acknowledgement(again));
            });
            // In the ledger exactly once each, at the place acknowledged; the audit is clean.
            await using var reader = NpgsqlDataSource.Create(database.ConnectionString);
            await using var count = reader.CreateCommand("SELECT count(*) FROM entry WHERE stream_id LIKE 'household/%'");
            Assert.Equal((long)Commands, (long)(await count.ExecuteScalarAsync())!);
            foreach (var place in acknowledged.Values)
            {
                var (stream, sequence, hash, position) = Parse(place);
                await using var find = reader.CreateCommand("SELECT count(*) FROM entry WHERE stream_id = $1 AND sequence = $2 AND hash = $3 AND log_position = $4");
                find.Parameters.Add(new() { Value = stream });
                find.Parameters.Add(new() { Value = sequence });
                find.Parameters.Add(new() { Value = Hex.Decode(hash, 32) });
                find.Parameters.Add(new() { Value = position });
                Assert.Equal(1L, (long)(await find.ExecuteScalarAsync())!);
            }
            var report = Audit.Run(new DatabaseSource(database.ConnectionString), registrar.KeyId);
            Assert.True(report.Valid, string.Join("\n", report.Findings));
        }
        finally
        {
            await database.DisposeAsync();
        }
    }

    /// <summary>
    /// Sends each command through its process, eight at a time. A command that gets no answer
    /// or a 503 (its process was killed, or its grain's silo is being declared dead) is sent
    /// again, the same signed command, through <paramref name="retryOn"/>, until it is answered.
    /// </summary>
    static async Task SendAsync(IEnumerable<int> indexes, Func<int, LedgerClient> through, List<SignedCommand> awards,
        ConcurrentDictionary<int, string> acknowledged, LedgerClient? retryOn, Action<int> onAcknowledged)
    {
        await Parallel.ForEachAsync(indexes, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (n, _) =>
        {
            var client = through(n);
            // Bounded: membership declares a dead silo within seconds, and every attempt
            // through the living process waits for its answer (at most the response timeout).
            for (var attempt = 0; attempt < 200; attempt++)
            {
                LedgerResponse? response = null;
                try
                {
                    response = await client.PostAsync(awards[n]);
                }
                catch (HttpRequestException) when (retryOn is not null)
                {
                }
                if (response is { IsSuccess: true })
                {
                    Assert.True(acknowledged.TryAdd(n, Acknowledgement(response)));
                    onAcknowledged(acknowledged.Count);
                    return;
                }
                Assert.True(retryOn is not null && (response is null || response.Status == HttpStatusCode.ServiceUnavailable),
                    $"award {n}: {response?.Status} {response?.Body}");
                client = retryOn;
                if (response is not null)
                {
                    // A back-off, not a wait for an event: the living process answered 503 at
                    // once, while membership still counts the dead silo's missed probes.
                    await Task.Delay(TimeSpan.FromMilliseconds(100));
                }
            }
            Assert.Fail($"award {n} was never acknowledged");
        });
    }

    static string Acknowledgement(LedgerResponse response) =>
        $"{response.Body.GetProperty("stream").GetString()} {response.Body.GetProperty("sequence").GetInt64()} "
        + $"{response.Body.GetProperty("hash").GetString()} {response.Body.GetProperty("logPosition").GetInt64()}";

    static (string Stream, long Sequence, string Hash, long Position) Parse(string acknowledgement)
    {
        var parts = acknowledgement.Split(' ');
        return (parts[0], long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), parts[2],
            long.Parse(parts[3], System.Globalization.CultureInfo.InvariantCulture));
    }
}

[CollectionDefinition(nameof(ClusterProcessCollection), DisableParallelization = true)]
public sealed class ClusterProcessCollection;
