using System.Text.Json.Nodes;
using Ledger.Entries;
using Ledger.Grains.Hosting;
using Ledger.Grains.Storage;
using Ledger.Rules;
using Ledger.Rules.Registry;
using Ledger.Tests.Storage;
using Ledger.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;

namespace Ledger.Tests.Hosting;

/// <summary>
/// Grain hosts on a real database (issue 3): single writers per stream, two hosts on one
/// database, idempotent retries, the registry as it stood, and replay.
/// </summary>
public sealed class GrainHostTests : IAsyncLifetime
{
    readonly MigratedDatabase migrated = new();
    readonly ManualClock clock = new(RegistryOnHost.Start);
    NpgsqlDataSource reader = null!;
    EntryStore store = null!;
    TestSilo silo = null!;
    TestSilo otherSilo = null!;
    LedgerGrains host = null!;
    LedgerGrains otherHost = null!;

    public async Task InitializeAsync()
    {
        await migrated.InitializeAsync();
        // Two silos of one cluster stand for two server processes: no shared pool or state.
        silo = await TestSilo.StartAsync(migrated.Database.ConnectionString, clock);
        otherSilo = await TestSilo.StartAsync(migrated.Database.ConnectionString, clock);
        host = silo.Grains;
        otherHost = otherSilo.Grains;
        reader = NpgsqlDataSource.Create(migrated.Database.ConnectionString);
        store = new EntryStore(reader);
        await RegistryOnHost.OpenAsync(host, clock.GetUtcNow());
    }

    public async Task DisposeAsync()
    {
        await otherSilo.DisposeAsync();
        await silo.DisposeAsync();
        await reader.DisposeAsync();
        await migrated.DisposeAsync();
    }

    [Fact]
    public void ASiloKeepsTheAddressesOfAtMostDirectoryCacheSizeGrains()
    {
        // Orleans' own bound would keep about 230 MiB of addresses of grains long deactivated
        // (docs/GRAINS.md "Memory").
        var directory = silo.Services.GetRequiredService<IOptions<GrainDirectoryOptions>>().Value;

        Assert.Equal(new GrainOptions().DirectoryCacheSize, directory.CacheSize);
        Assert.True(directory.CacheSize < GrainDirectoryOptions.DEFAULT_CACHE_SIZE, $"{directory.CacheSize}");
    }

    [Fact]
    public async Task OneThousandConcurrentCommandsFromTwoHostsMakeOneLinearChain()
    {
        var people = Enumerable.Range(0, 1_000).Select(i => new TestSigner($"resident-{i}")).ToList();
        var commands = people.Select(p => RegistryOnHost.Register(p, clock.GetUtcNow(), "Auditor")).ToList();

        var outcomes = await Task.WhenAll(commands.Select((command, i) =>
            ClientRetry.ExecuteAsync(i % 2 == 0 ? host : otherHost, command)));

        Assert.All(outcomes, o => Assert.False(Assert.IsType<CommandOutcome.Accepted>(o).Replayed));
        var chain = await store.ReadStreamAsync(RegistryRules.Stream, 0, default);
        Assert.Equal(1 + people.Count, chain.Count);
        for (var i = 1; i < chain.Count; i++)
        {
            Assert.True(chain[i].Entry.Follows(chain[i - 1].Entry));
        }
        var registered = chain.Skip(1).Select(s => s.Entry.SignedCommand.Command.IdempotencyKey).Order().ToList();
        Assert.Equal(commands.Select(c => c.Command.IdempotencyKey).Order(), registered);
        var acknowledged = outcomes.Select(o => ((CommandOutcome.Accepted)o).Entries.Single().Hash).ToHashSet();
        Assert.Equal(chain.Skip(1).Select(s => s.Entry.Hash).ToHashSet(), acknowledged);
    }

    [Fact]
    public async Task ACommandRetriedTenTimesWritesOneEntry()
    {
        var command = RegistryOnHost.Register(new TestSigner("retried"), clock.GetUtcNow(), "Auditor");

        var sequential = new List<CommandOutcome>();
        for (var i = 0; i < 5; i++)
        {
            sequential.Add(await host.ExecuteAsync(command, default));
        }
        var concurrent = await Task.WhenAll(Enumerable.Range(0, 5).Select(i => (i % 2 == 0 ? host : otherHost).ExecuteAsync(command, default)));

        var accepted = sequential.Concat(concurrent).Select(o => Assert.IsType<CommandOutcome.Accepted>(o)).ToList();
        Assert.Single(accepted, a => !a.Replayed);
        Assert.Single(accepted.Select(a => a.Entries.Single()).Distinct());
        var chain = await store.ReadStreamAsync(RegistryRules.Stream, 0, default);
        Assert.Single(chain, s => s.Entry.SignedCommand.Command.IdempotencyKey == command.Command.IdempotencyKey);
    }

    [Fact]
    public async Task ARetryReSignedLaterWithTheSameKeyAndBodyGetsTheFirstResult()
    {
        var person = new TestSigner("re-signed");
        var first = RegistryOnHost.Register(person, clock.GetUtcNow(), "Auditor");
        var firstOutcome = Assert.IsType<CommandOutcome.Accepted>(await host.ExecuteAsync(first, default));
        clock.Advance(TimeSpan.FromMinutes(1));

        var again = RegistryOnHost.Register(person, clock.GetUtcNow(), "Auditor");
        var againOutcome = Assert.IsType<CommandOutcome.Accepted>(await otherHost.ExecuteAsync(again, default));

        Assert.True(againOutcome.Replayed);
        Assert.Equal(firstOutcome.Entries, againOutcome.Entries);
    }

    [Fact]
    public async Task TheSameIdempotencyKeyWithAnotherBodyIsRefusedAndWritesNothing()
    {
        var first = RegistryOnHost.Registrar.Sign(RegistryCommandTypes.RegisterPerson, RegisterBody(new TestSigner("key-owner")), clock.GetUtcNow(), "shared-key");
        Assert.IsType<CommandOutcome.Accepted>(await host.ExecuteAsync(first, default));
        var sizeBefore = await store.LogSizeAsync(default);

        var other = RegistryOnHost.Registrar.Sign(RegistryCommandTypes.RegisterPerson, RegisterBody(new TestSigner("someone-else")), clock.GetUtcNow(), "shared-key");
        var outcome = Assert.IsType<CommandOutcome.Refused>(await host.ExecuteAsync(other, default));

        Assert.Equal(ResultCode.IdempotencyKeyReused, outcome.Code);
        Assert.Equal(sizeBefore, await store.LogSizeAsync(default));
    }

    [Fact]
    public async Task AHostWithAStaleRegistryRefusesAKeyRevokedByAnotherHost()
    {
        var deputy = new TestSigner("deputy-registrar");
        Assert.IsType<CommandOutcome.Accepted>(await host.ExecuteAsync(RegistryOnHost.Register(deputy, clock.GetUtcNow(), "Registrar"), default));
        // The other host learns of the deputy by serving one of its commands.
        Assert.IsType<CommandOutcome.Accepted>(await otherHost.ExecuteAsync(
            RegistryOnHost.Register(new TestSigner("before-revocation"), clock.GetUtcNow(), "Auditor") with { }, default));
        Assert.IsType<CommandOutcome.Accepted>(await otherHost.ExecuteAsync(
            deputy.Sign(RegistryCommandTypes.RegisterPerson, RegisterBody(new TestSigner("by-deputy")), clock.GetUtcNow()), default));

        Assert.IsType<CommandOutcome.Accepted>(await host.ExecuteAsync(
            RegistryOnHost.Registrar.Sign(RegistryCommandTypes.RevokeKey, new JsonObject
            {
                ["keyId"] = deputy.KeyId,
                ["personId"] = deputy.PersonId,
                ["reason"] = "key lost",
            }, clock.GetUtcNow()), default));

        var outcome = await otherHost.ExecuteAsync(
            deputy.Sign(RegistryCommandTypes.RegisterPerson, RegisterBody(new TestSigner("after-revocation")), clock.GetUtcNow()), default);

        Assert.Equal(ResultCode.KeyRevoked, Assert.IsType<CommandOutcome.Refused>(outcome).Code);
    }

    [Fact]
    public async Task ReplayingEveryStoredEntryReproducesTheGrainsState()
    {
        for (var i = 0; i < 20; i++)
        {
            var person = new TestSigner($"replayed-{i}");
            Assert.IsType<CommandOutcome.Accepted>(await (i % 2 == 0 ? host : otherHost).ExecuteAsync(
                RegistryOnHost.Register(person, clock.GetUtcNow(), "Auditor"), default));
            if (i % 3 == 0)
            {
                AssertAccepted(await host.ExecuteAsync(
                    RegistryOnHost.Registrar.Sign(RegistryCommandTypes.GrantRole, new JsonObject
                    {
                        ["householdId"] = $"h-{i}",
                        ["personId"] = person.PersonId,
                        ["role"] = "Resident",
                    }, clock.GetUtcNow()), default));
            }
        }

        var states = new Dictionary<string, StreamState>();
        await foreach (var stored in store.ReadAllAsync(0, default))
        {
            var stream = stored.Entry.Stream;
            states[stream] = (states.GetValueOrDefault(stream) ?? StreamState.Initial(stream)).Apply(stored.Entry);
        }

        foreach (var (stream, replayed) in states)
        {
            var live = (RegistryState)await host.ReadStateAsync(stream, default);
            var fromReplay = (RegistryState)replayed;
            Assert.Equal(live.Sequence, fromReplay.Sequence);
            Assert.Equal(live.RootKeyId, fromReplay.RootKeyId);
            Assert.Equal(live.People.OrderBy(p => p.Key).Select(p => (p.Key, p.Value.DisplayName, string.Join(",", p.Value.Roles), p.Value.HouseholdId)),
                fromReplay.People.OrderBy(p => p.Key).Select(p => (p.Key, p.Value.DisplayName, string.Join(",", p.Value.Roles), p.Value.HouseholdId)));
            Assert.Equal(live.Keys.OrderBy(k => k.Key).Select(k => (k.Key, k.Value.PersonId, k.Value.Revoked)),
                fromReplay.Keys.OrderBy(k => k.Key).Select(k => (k.Key, k.Value.PersonId, k.Value.Revoked)));
        }
    }

    [Fact]
    public async Task ACommandOutsideTheIssueWindowIsRefusedAndWritesNothing()
    {
        var sizeBefore = await store.LogSizeAsync(default);
        var stale = RegistryOnHost.Register(new TestSigner("late"), clock.GetUtcNow() - Authorization.IssueWindow - TimeSpan.FromMilliseconds(1), "Auditor");
        var future = RegistryOnHost.Register(new TestSigner("early"), clock.GetUtcNow() + Authorization.IssueWindow + TimeSpan.FromMilliseconds(1), "Auditor");

        Assert.Equal(ResultCode.CommandStale, Assert.IsType<CommandOutcome.Refused>(await host.ExecuteAsync(stale, default)).Code);
        Assert.Equal(ResultCode.CommandFromFuture, Assert.IsType<CommandOutcome.Refused>(await host.ExecuteAsync(future, default)).Code);
        Assert.Equal(sizeBefore, await store.LogSizeAsync(default));
    }

    [Fact]
    public async Task ABadSignatureIsRefusedBeforeAnythingIsRead()
    {
        var command = RegistryOnHost.Register(new TestSigner("forged"), clock.GetUtcNow(), "Auditor");
        var signature = command.Signature.ToArray();
        signature[0] ^= 1;

        var outcome = await host.ExecuteAsync(command with { Signature = signature }, default);

        Assert.Equal(ResultCode.BadSignature, Assert.IsType<CommandOutcome.Refused>(outcome).Code);
    }

    static void AssertAccepted(CommandOutcome outcome) =>
        Assert.True(outcome is CommandOutcome.Accepted, $"refused: {outcome}");

    static JsonObject RegisterBody(TestSigner person) => new()
    {
        ["displayName"] = person.PersonId,
        ["personId"] = person.PersonId,
        ["publicKey"] = person.PublicKeyHex,
        ["roles"] = new JsonArray("Auditor"),
    };
}
