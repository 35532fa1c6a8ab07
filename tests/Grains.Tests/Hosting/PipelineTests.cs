using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;
using Ledger.Entries;
using Ledger.Grains.Hosting;
using Ledger.Grains.Storage;
using Ledger.Hashing;
using Ledger.Rules;
using Ledger.Rules.Projects;
using Ledger.Tests.Domain;
using Ledger.Tests.Storage;
using Ledger.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Concurrency;
using Xunit.Abstractions;

namespace Ledger.Tests.Hosting;

/// <summary>
/// A busy project pipelined (issue 16 item 3, docs/STORAGE.md "A busy stream pipelined"): its
/// grain decides each command on the tentative state while earlier ones commit, many per
/// transaction, and acknowledges it only once committed; a refused command leaves the tentative
/// state alone, and a failed commit leaves no later command acknowledged on a state that did not
/// happen. The commit is held back by a gate the test opens: a transaction of its own holding the
/// global log's lock, which every append takes first (docs/STORAGE.md "One append").
/// </summary>
public sealed class PipelineTests(ITestOutputHelper output)
{
    const string ProjectId = "pipelined";
    static readonly string ProjectStream = ProjectRules.StreamOf(ProjectId);
    static readonly IReadOnlyList<string> Households = ["p-1", "p-2", "p-3", "p-4"];

    /// <summary>
    /// The acceptance test: a seeded run of receipts and payments, some of which the rules refuse
    /// (beyond the plan, beyond a household's share), sent to the project's grain all at once
    /// leaves the project's and the households' streams byte for byte as the same signed
    /// commands sent one by one, each command with the same answer.
    /// </summary>
    [Fact]
    public async Task PipelinedCommandsWithRefusalsLeaveTheStreamsAsTheSameCommandsSentOneByOne()
    {
        const int seed = 1616;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var community = new TestLedger.People();
        var setUp = community.ProjectWithCampaign(RegistryOnHost.Start);
        var commands = Enumerable.Range(0, 60).Select(i => SeededCommand(community, random, i)).ToList();

        await using var sequential = await TestLedger.StartAsync(community, setUp);
        var oneByOne = new List<CommandOutcome>();
        foreach (var command in commands)
        {
            oneByOne.Add(await sequential.Project.Execute(command.AsImmutable()));
        }
        await using var pipelined = await TestLedger.StartAsync(community, setUp);
        // Sent in order, none awaited: the grain's calls interleave, its decisions keep the order.
        var sent = commands.Select(command => pipelined.Project.Execute(command.AsImmutable())).ToList();
        var allAtOnce = await Task.WhenAll(sent);

        // Not a vacuous run: refusals between acceptances.
        Assert.Contains(oneByOne, o => o is CommandOutcome.Refused { Code: ResultCode.ReceiptBeyondPlan });
        Assert.Contains(oneByOne, o => o is CommandOutcome.Refused { Code: ResultCode.PaymentBeyondShare });
        Assert.Contains(oneByOne.SkipWhile(o => o is CommandOutcome.Accepted).SkipWhile(o => o is CommandOutcome.Refused), o => o is CommandOutcome.Accepted);
        Assert.Equal(oneByOne, allAtOnce, OutcomeComparer.Instance);
        foreach (var stream in Households.Select(Ledger.Rules.Households.HouseholdRules.StreamOf).Prepend(ProjectStream))
        {
            var expected = await sequential.Store.ReadStreamAsync(stream, 0, default);
            var actual = await pipelined.Store.ReadStreamAsync(stream, 0, default);
            Assert.Equal(expected.Select(Row), actual.Select(Row));
        }
    }

    /// <summary>
    /// Another process (a silo of another cluster, standing for a stale duplicate activation)
    /// records a receipt the pipelined grain does not know of. Its next command is decided on the
    /// head it knows and three more on top of it, all held at the gate; the database refuses the
    /// first, so none of the four is acknowledged on that state: each is decided again on the
    /// stream as it stands, where two still fit the plan and two are refused.
    /// </summary>
    [Fact]
    public async Task AFailedCommitLeavesNoLaterCommandAcknowledgedOnTheStateThatDidNotHappen()
    {
        var community = new TestLedger.People();
        await using var ledger = await TestLedger.StartAsync(community, community.ProjectWithCampaign(RegistryOnHost.Start));
        await using var intruder = await TestSilo.StartAsync(ledger.ConnectionString, ledger.Clock, clusterId: "intruder");
        Assert.IsType<CommandOutcome.Accepted>(await intruder.Grains.ExecuteAsync(Receipt(community, 3_000_000, "intruder"), default));
        var receipts = Enumerable.Range(0, 4).Select(i => Receipt(community, 1_000_000, $"pipelined-{i}")).ToList();

        List<Task<CommandOutcome>> sent;
        await using (var gate = await ledger.CloseGateAsync())
        {
            var decided = ledger.Counters.AwaitingCommit(receipts.Count);
            sent = receipts.Select(command => ledger.Project.Execute(command.AsImmutable())).ToList();
            // All four decided while the first still waits for its commit: three on its entry.
            await decided;
            Assert.All(sent, s => Assert.False(s.IsCompleted));
        }
        var outcomes = await Task.WhenAll(sent);

        var stream = await ledger.Store.ReadStreamAsync(ProjectStream, 0, default);
        Assert.Equal(["ProjectOpened", "CampaignStarted", "ReceiptRecorded", "ReceiptRecorded", "ReceiptRecorded"], stream.Select(s => s.Entry.Type));
        Assert.Equal("intruder", stream[2].Entry.SignedCommand.Command.IdempotencyKey);
        var accepted = outcomes.OfType<CommandOutcome.Accepted>().ToList();
        Assert.Equal(2, accepted.Count);
        Assert.All(outcomes.OfType<CommandOutcome.Refused>(), r => Assert.Equal(ResultCode.ReceiptBeyondPlan, r.Code));
        // Every acknowledgement names an entry as stored: decided on the stream as it stands.
        Assert.Equal(stream.Skip(3).Select(s => (s.Entry.Sequence, s.Entry.Hash)),
            accepted.Select(a => a.Entries.Single()).OrderBy(e => e.Sequence).Select(e => (e.Sequence, e.Hash)));
        var state = (ProjectState)await ledger.Grains.ReadStateAsync(ProjectStream, default);
        Assert.Equal(5_000_000, state.ReceivedFen(FundingSource.GovernmentSubsidy));
        Assert.Equal(0, ledger.Counters.Awaiting);
    }

    /// <summary>
    /// A receipt refused on the tentative state (a large receipt in flight leaves no room in the
    /// plan) is not answered until that receipt is settled: here its commit fails (another process
    /// wrote first) and it is refused on the stream as it stands, where the smaller one fits.
    /// </summary>
    [Fact]
    public async Task ACommandRefusedOnATentativeStateIsDecidedAgainOnTheStateThatHappened()
    {
        var community = new TestLedger.People();
        await using var ledger = await TestLedger.StartAsync(community, community.ProjectWithCampaign(RegistryOnHost.Start));
        await using var intruder = await TestSilo.StartAsync(ledger.ConnectionString, ledger.Clock, clusterId: "intruder");
        Assert.IsType<CommandOutcome.Accepted>(await intruder.Grains.ExecuteAsync(Receipt(community, 100_000, "intruder"), default));
        var large = Receipt(community, 4_950_000, "large");
        var small = Receipt(community, 1_000_000, "small");

        Task<CommandOutcome> largeSent, smallSent;
        await using (var gate = await ledger.CloseGateAsync())
        {
            var decided = ledger.Counters.AwaitingCommit(1);
            largeSent = ledger.Project.Execute(large.AsImmutable());
            await decided;
            // Refused on the large receipt in flight: the grain waits for its commit.
            var waiting = ledger.Counters.PipelineWaits(1);
            smallSent = ledger.Project.Execute(small.AsImmutable());
            await waiting;
            Assert.False(smallSent.IsCompleted);
        }

        Assert.Equal(ResultCode.ReceiptBeyondPlan, Assert.IsType<CommandOutcome.Refused>(await largeSent).Code);
        var accepted = Assert.IsType<CommandOutcome.Accepted>(await smallSent).Entries.Single();
        var stream = await ledger.Store.ReadStreamAsync(ProjectStream, 0, default);
        Assert.Equal(["intruder", "small"], stream.Skip(2).Select(s => s.Entry.SignedCommand.Command.IdempotencyKey));
        Assert.Equal((stream[^1].Entry.Sequence, stream[^1].Entry.Hash), (accepted.Sequence, accepted.Hash));
    }

    /// <summary>Twenty commands on one project, decided while the first waits at the gate, go into one transaction.</summary>
    [Fact]
    public async Task ManyCommandsOfOneStreamGoIntoOneTransaction()
    {
        var community = new TestLedger.People();
        await using var ledger = await TestLedger.StartAsync(community, community.ProjectWithCampaign(RegistryOnHost.Start));
        var receipts = Enumerable.Range(0, 20).Select(i => Receipt(community, 100_000, $"batched-{i}")).ToList();
        var transactionsBefore = ledger.Counters.Transactions;

        List<Task<CommandOutcome>> sent;
        await using (var gate = await ledger.CloseGateAsync())
        {
            var decided = ledger.Counters.AwaitingCommit(receipts.Count);
            sent = receipts.Select(command => ledger.Project.Execute(command.AsImmutable())).ToList();
            await decided;
        }
        var outcomes = await Task.WhenAll(sent);

        var sequences = outcomes.Select(o => Assert.IsType<CommandOutcome.Accepted>(o).Entries.Single().Sequence).ToList();
        Assert.Equal(Enumerable.Range(2, receipts.Count).Select(i => (long)i), sequences);
        // The first command's transaction, which waited at the gate, and one for the other nineteen
        // (or one for all twenty, had the committer not yet taken the first when the rest came).
        Assert.InRange(ledger.Counters.Transactions - transactionsBefore, 1, 2);
        Assert.Equal(receipts.Count + 2, (await ledger.Store.ReadStreamAsync(ProjectStream, 0, default)).Count);
    }

    /// <summary>A command sent again while the first is still tentative gets the first's result and writes nothing.</summary>
    [Fact]
    public async Task ACommandReplayedWhileTheFirstIsTentativeGetsTheFirstResult()
    {
        var community = new TestLedger.People();
        await using var ledger = await TestLedger.StartAsync(community, community.ProjectWithCampaign(RegistryOnHost.Start));
        var receipt = Receipt(community, 100_000, "replayed");
        var other = Receipt(community, 200_000, "other");

        List<Task<CommandOutcome>> sent;
        await using (var gate = await ledger.CloseGateAsync())
        {
            var decided = ledger.Counters.AwaitingCommit(2);
            sent = [ledger.Project.Execute(receipt.AsImmutable()), ledger.Project.Execute(other.AsImmutable())];
            await decided;
            sent.Add(ledger.Project.Execute(receipt.AsImmutable()));
        }
        var outcomes = (await Task.WhenAll(sent)).Select(o => Assert.IsType<CommandOutcome.Accepted>(o)).ToList();

        Assert.False(outcomes[0].Replayed);
        Assert.True(outcomes[2].Replayed);
        Assert.Equal(outcomes[0].Entries, outcomes[2].Entries);
        Assert.Equal(4, (await ledger.Store.ReadStreamAsync(ProjectStream, 0, default)).Count);
    }

    static SignedCommand SeededCommand(TestLedger.People community, Random random, int i)
    {
        if (random.Next(3) == 0)
        {
            // The plan has 5,000,000 fen of subsidy: about nine of these fit.
            return Receipt(community, random.Next(1, 11) * 100_000, $"seeded-{i}");
        }
        // Each household's share is 600,000 fen: about five of these each.
        var household = Households[random.Next(Households.Count)];
        return community.Residents[household].Sign(ProjectCommandTypes.PayShare, new JsonObject
        {
            ["projectId"] = ProjectId,
            ["householdId"] = household,
            ["amountFen"] = random.Next(1, 5) * 50_000,
            ["reference"] = $"payment-{i}",
        }, RegistryOnHost.Start, $"seeded-{i}");
    }

    static SignedCommand Receipt(TestLedger.People community, long amountFen, string key) =>
        community.Officer.Sign(ProjectCommandTypes.RecordReceipt, new JsonObject
        {
            ["projectId"] = ProjectId,
            ["source"] = nameof(FundingSource.GovernmentSubsidy),
            ["amountFen"] = amountFen,
            ["documentHash"] = Hash.Of([], System.Text.Encoding.UTF8.GetBytes(key)).ToString(),
        }, RegistryOnHost.Start, key);

    static (long Sequence, Hash Hash, long LogPosition, string Canonical) Row(StoredEntry stored) =>
        (stored.Entry.Sequence, stored.Entry.Hash, stored.LogPosition, Convert.ToHexString(stored.Entry.CanonicalBytes));

    /// <summary>Outcomes compared by value, acknowledgements entry by entry.</summary>
    sealed class OutcomeComparer : IEqualityComparer<CommandOutcome>
    {
        public static readonly OutcomeComparer Instance = new();

        public bool Equals(CommandOutcome? x, CommandOutcome? y) => (x, y) switch
        {
            (CommandOutcome.Accepted a, CommandOutcome.Accepted b) => a.Replayed == b.Replayed && a.Entries.SequenceEqual(b.Entries),
            (CommandOutcome.Refused a, CommandOutcome.Refused b) => a == b,
            _ => false,
        };

        public int GetHashCode(CommandOutcome obj) => 0;
    }

    /// <summary>One server on a database of its own, its community registered and the project opened with a campaign.</summary>
    sealed class TestLedger : IAsyncDisposable
    {
        readonly MigratedDatabase migrated;

        TestLedger(MigratedDatabase migrated, TestSilo silo, ManualClock clock)
        {
            this.migrated = migrated;
            Silo = silo;
            Clock = clock;
            Counters = new CommitCounters(silo.Services.GetRequiredService<IMeterFactory>());
        }

        public TestSilo Silo { get; }

        public ManualClock Clock { get; }

        public CommitCounters Counters { get; }

        public LedgerGrains Grains => Silo.Grains;

        public EntryStore Store => migrated.Store;

        public string ConnectionString => migrated.Database.ConnectionString;

        /// <summary>The project's grain, called directly: its calls arrive in the order they are made.</summary>
        public IStreamGrain Project => Coordinator.GrainOf(Silo.GrainFactory, ProjectStream);

        /// <summary>Starts the server and sends it <paramref name="setUp"/>, the same signed commands for every ledger of a test.</summary>
        public static async Task<TestLedger> StartAsync(People people, IReadOnlyList<SignedCommand> setUp)
        {
            var migrated = new MigratedDatabase();
            await migrated.InitializeAsync();
            var clock = new ManualClock(RegistryOnHost.Start);
            var silo = await TestSilo.StartAsync(migrated.Database.ConnectionString, clock);
            var ledger = new TestLedger(migrated, silo, clock);
            foreach (var command in people.Registrations(clock.GetUtcNow()).Concat(setUp))
            {
                var outcome = await silo.Grains.ExecuteAsync(command, default);
                Assert.True(outcome is CommandOutcome.Accepted, $"{command.Command.Type}: {outcome}");
            }
            return ledger;
        }

        /// <summary>
        /// Holds the global log's lock in a transaction of the test's own: every append waits
        /// at its first statement until the gate is disposed (rolled back).
        /// </summary>
        public async Task<IAsyncDisposable> CloseGateAsync()
        {
            var connection = await migrated.Database.DataSource.OpenConnectionAsync();
            var transaction = await connection.BeginTransactionAsync();
            await using (var lockLog = new NpgsqlCommand("SELECT size FROM log_head FOR UPDATE", connection, transaction))
            {
                await lockLog.ExecuteScalarAsync();
            }
            return new Gate(connection, transaction);
        }

        public async ValueTask DisposeAsync()
        {
            Counters.Dispose();
            await Silo.DisposeAsync();
            await migrated.DisposeAsync();
        }

        sealed class Gate(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
        {
            public async ValueTask DisposeAsync()
            {
                await transaction.RollbackAsync();
                await transaction.DisposeAsync();
                await connection.DisposeAsync();
            }
        }

        /// <summary>The people of these tests, with keys derived from their names: every ledger gets the same signatures.</summary>
        public sealed class People
        {
            public TestSigner Officer { get; } = new("officer-wang");

            public IReadOnlyDictionary<string, TestSigner> Residents { get; } = Households.ToDictionary(h => h, h => new TestSigner($"resident-{h}"));

            public IEnumerable<SignedCommand> Registrations(DateTimeOffset now)
            {
                yield return RegistryOnHost.Registrar.Sign(Ledger.Rules.Registry.RegistryCommandTypes.OpenRegistry, new JsonObject
                {
                    ["displayName"] = "街道管理员",
                    ["publicKey"] = RegistryOnHost.Registrar.PublicKeyHex,
                    ["registrarId"] = RegistryOnHost.Registrar.PersonId,
                }, now, "open");
                yield return RegistryOnHost.Register(Officer, now, nameof(Role.FinanceOfficer));
                foreach (var (household, resident) in Residents)
                {
                    yield return RegistryOnHost.Registrar.Sign(Ledger.Rules.Registry.RegistryCommandTypes.RegisterPerson, new JsonObject
                    {
                        ["displayName"] = $"住户 {household}",
                        ["householdId"] = household,
                        ["personId"] = resident.PersonId,
                        ["publicKey"] = resident.PublicKeyHex,
                        ["roles"] = new JsonArray("Resident"),
                    }, now, $"register-{resident.PersonId}");
                }
            }

            /// <summary>The project of 100,000 yuan, 50,000 of it subsidy, with a flat campaign of 24,000 over the households.</summary>
            public IReadOnlyList<SignedCommand> ProjectWithCampaign(DateTimeOffset now) =>
            [
                Officer.Sign(ProjectCommandTypes.OpenProject, Community.OpenProjectBody(ProjectId, "加装电梯"), now, "open-project"),
                Officer.Sign(ProjectCommandTypes.StartCampaign, Community.FlatCampaignBody(ProjectId, Households), now, "start-campaign"),
            ];
        }
    }

    /// <summary>The grains' and the group committer's counters (<see cref="GrainMetrics"/>) of one silo only, whatever else runs in the process.</summary>
    sealed class CommitCounters : IDisposable
    {
        readonly MeterListener listener = new();
        readonly Dictionary<string, long> totals = [];
        readonly List<(string Instrument, long Total, TaskCompletionSource Reached)> awaited = [];

        public CommitCounters(IMeterFactory scope)
        {
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == GrainMetrics.MeterName && instrument.Meter.Scope == scope)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
            {
                lock (totals)
                {
                    totals[instrument.Name] = totals.GetValueOrDefault(instrument.Name) + value;
                    foreach (var (name, total, reached) in awaited.Where(a => a.Instrument == instrument.Name && a.Total == totals[instrument.Name]))
                    {
                        reached.TrySetResult();
                    }
                }
            });
            listener.Start();
        }

        public long Transactions => Total("ledger.grain.commit_transactions");

        public long Awaiting => Total("ledger.grain.commands_awaiting_commit");

        /// <summary>Completes once <paramref name="count"/> commands are decided and wait for their commit.</summary>
        public Task AwaitingCommit(long count) => WhenTotal("ledger.grain.commands_awaiting_commit", count);

        /// <summary>Completes once the grains have let their commands in flight commit <paramref name="count"/> times.</summary>
        public Task PipelineWaits(long count) => WhenTotal("ledger.grain.pipeline_waits", count);

        long Total(string instrument)
        {
            lock (totals)
            {
                return totals.GetValueOrDefault(instrument);
            }
        }

        Task WhenTotal(string instrument, long total)
        {
            lock (totals)
            {
                var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                awaited.Add((instrument, total, reached));
                if (totals.GetValueOrDefault(instrument) == total)
                {
                    reached.SetResult();
                }
                // A bound, not a wait for time to pass: the grain gets there within it or the test fails.
                return reached.Task.WaitAsync(TimeSpan.FromMinutes(2));
            }
        }

        public void Dispose() => listener.Dispose();
    }
}
