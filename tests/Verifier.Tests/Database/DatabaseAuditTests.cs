using System.Text.Json.Nodes;
using Ledger.Checkpoints;
using Ledger.Grains.Log;
using Ledger.Rules.Households;
using Ledger.Rules.Projects;
using Ledger.Signing;
using Ledger.Tests.Domain;
using Ledger.Verifier.Verification;
using Npgsql;

namespace Ledger.Tests.Database;

/// <summary>
/// Issue 6, database mode: the verifier reads a live database in one read-only transaction,
/// finds nothing wrong with what the server wrote, and catches what a superuser changed
/// behind the append-only guard.
/// </summary>
public sealed class DatabaseAuditTests
{
    [Fact]
    public async Task ALedgerWrittenByTheServerAuditsCleanAndItsFiguresAreTheServers()
    {
        await using var domain = await SampleLedger.BuildAsync();

        var report = Audit.Run(new DatabaseSource(ConnectionStringOf(domain)), RootKeyIdOf(domain));

        Assert.True(report.Valid, string.Join("\n", report.Findings));
        Assert.Equal(await domain.Store.LogSizeAsync(default), report.EntryCount);
        var project = (ProjectState)await domain.Host.ReadStateAsync(ProjectRules.StreamOf(SampleLedger.ProjectId), default);
        var figures = Assert.Single(report.Projects);
        Assert.Equal(project.TotalReceivedFen, figures.ReceivedFen);
        Assert.Equal(project.TotalPaidFen, figures.PaidFen);
        Assert.Equal(project.AvailableFen, figures.AvailableFen);
        Assert.Equal(600_000, figures.Sources.Single(s => s.Source == "ResidentCrowdfunding").ReceivedFen);
        Assert.All(report.Households.Where(h => h.Shares.Count > 0), h => Assert.Equal(0, h.Shares.Single().DueFen));
    }

    /// <summary>The payment's amount raised in its stored bytes, its stored hash left as it was.</summary>
    const string PaymentRaised = """
        UPDATE entry SET canonical = convert_to(replace(convert_from(canonical, 'UTF8'), '"amountFen":1800000,"bankReference"', '"amountFen":1900000,"bankReference"'), 'UTF8')
        WHERE entry_type = 'DisbursementPaid'
        """;

    [Fact]
    public async Task AnAmountChangedByASuperuserBehindTheGuardIsCaught()
    {
        await using var domain = await SampleLedger.BuildAsync();
        await TamperAsync(domain, PaymentRaised);

        var report = Audit.Run(new DatabaseSource(ConnectionStringOf(domain)), RootKeyIdOf(domain));

        Assert.False(report.Valid);
        Assert.Contains(report.Findings, f => f.Kind == FindingKind.HashMismatch && f.Stream == ProjectRules.StreamOf(SampleLedger.ProjectId));
    }

    [Fact]
    public async Task HashOnlyFindsTheServersLedgerValidAndAnAmountChangedBehindTheGuardCaught()
    {
        await using var domain = await SampleLedger.BuildAsync();
        var untouched = Audit.Run(new DatabaseSource(ConnectionStringOf(domain)), RootKeyIdOf(domain), depth: AuditDepth.HashOnly);
        await TamperAsync(domain, PaymentRaised);

        var tampered = Audit.Run(new DatabaseSource(ConnectionStringOf(domain)), RootKeyIdOf(domain), depth: AuditDepth.HashOnly);

        Assert.True(untouched.Valid, string.Join("\n", untouched.Findings));
        Assert.Equal(await domain.Store.LogSizeAsync(default), untouched.EntryCount);
        Assert.Contains(tampered.Findings, f => f.Kind == FindingKind.HashMismatch && f.Stream == ProjectRules.StreamOf(SampleLedger.ProjectId));
    }

    [Fact]
    public async Task AnEntryDeletedByASuperuserIsCaught()
    {
        await using var domain = await SampleLedger.BuildAsync();
        await TamperAsync(domain, "DELETE FROM entry WHERE entry_type = 'ReceiptRecorded'"
            + " AND sequence = (SELECT min(sequence) FROM entry WHERE entry_type = 'ReceiptRecorded')");

        var report = Audit.Run(new DatabaseSource(ConnectionStringOf(domain)), RootKeyIdOf(domain));

        Assert.Contains(report.Findings, f => f.Kind == FindingKind.LogBroken);
        Assert.Contains(report.Findings, f => f.Kind == FindingKind.SequenceBroken && f.Stream == ProjectRules.StreamOf(SampleLedger.ProjectId));
    }

    [Fact]
    public async Task AnEntryRewrittenWithItsHashRecomputedIsCaughtByTheRules()
    {
        await using var domain = await SampleLedger.BuildAsync();
        // The superuser rewrites the last redemption's points and recomputes its stored hash:
        // the bytes and the hash agree, but the rules do not decide this entry.
        await TamperAsync(domain, """
            UPDATE entry SET canonical = convert_to(replace(convert_from(canonical, 'UTF8'), '"points":200,', '"points":20,'), 'UTF8')
            WHERE entry_type = 'RedemptionReserved';
            UPDATE entry SET hash = sha256(convert_to('CommunityLedger/v1/entry' || chr(10), 'UTF8') || canonical)
            WHERE entry_type = 'RedemptionReserved';
            """);

        var report = Audit.Run(new DatabaseSource(ConnectionStringOf(domain)), RootKeyIdOf(domain));

        Assert.DoesNotContain(report.Findings, f => f.Kind == FindingKind.HashMismatch);
        Assert.Contains(report.Findings, f => f.Kind == FindingKind.EntriesDisagreeWithRules && f.Stream!.StartsWith("household/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnUnpinnedRootKeyIsReportedAndAWrongPinIsAFinding()
    {
        await using var domain = await SampleLedger.BuildAsync();

        var unpinned = Audit.Run(new DatabaseSource(ConnectionStringOf(domain)), null);
        var wrongPin = Audit.Run(new DatabaseSource(ConnectionStringOf(domain)), new string('0', 32));

        Assert.True(unpinned.Valid);
        Assert.False(unpinned.RootKeyPinned);
        Assert.Contains("NOT pinned", unpinned.ToText(ReportLanguage.English));
        Assert.Contains(wrongPin.Findings, f => f.Kind == FindingKind.RootKeyMismatch);
    }

    [Fact]
    public async Task EntriesAndACheckpointWrittenWhileTheAuditReadsAreOutsideItsSnapshot()
    {
        await using var domain = await SampleLedger.BuildAsync();
        using var logKey = SigningKey.FromSeed(new byte[32]);
        var integrator = new LogIntegrator(domain.Admin, new NoteSigner("verifier-test-log", logKey), TimeProvider.System);
        await Ledger.Tests.Hosting.RegistryOnHost.NameLogKeyAsync(domain.Host, integrator.VerifierKey!, domain.Clock.GetUtcNow());
        await integrator.IntegrateAndSignNowAsync(default);
        var sizeBefore = await domain.Store.LogSizeAsync(default);
        // Once the audit's snapshot is taken, the server goes on: a new entry, and a checkpoint
        // over it that the snapshot's entries do not reach.
        var source = new WrittenToAfterTheFirstEntry(new DatabaseSource(ConnectionStringOf(domain)), async () =>
        {
            await domain.Community.AcceptAsync(domain.Host, domain.Community.Coordinator, HouseholdCommandTypes.AwardPoints, new JsonObject
            {
                ["householdId"] = SampleLedger.Households[1],
                ["activity"] = "VolunteerService",
                ["quantity"] = 1,
                ["points"] = 100,
                ["reference"] = "written-during-the-audit",
            });
            await integrator.IntegrateAndSignNowAsync(default);
        });

        var report = Audit.Run(source, RootKeyIdOf(domain), pinnedLogKey: integrator.VerifierKey!.Format());

        Assert.True(report.Valid, string.Join("\n", report.Findings));
        Assert.Equal(sizeBefore, report.EntryCount);
        Assert.Equal(1, report.CheckpointCount);
        Assert.Equal(sizeBefore + 1, await domain.Store.LogSizeAsync(default));
    }

    [Fact]
    public async Task EntriesAfterTheNewestCheckpointOfALiveDatabaseAreCountedAndNotAFinding()
    {
        await using var domain = await SampleLedger.BuildAsync();
        using var logKey = SigningKey.FromSeed(new byte[32]);
        var integrator = new LogIntegrator(domain.Admin, new NoteSigner("verifier-test-log", logKey), TimeProvider.System);
        await Ledger.Tests.Hosting.RegistryOnHost.NameLogKeyAsync(domain.Host, integrator.VerifierKey!, domain.Clock.GetUtcNow());
        await integrator.IntegrateAndSignNowAsync(default);
        // Accepted after the checkpoint, as every entry is for up to a second on a running server.
        await domain.Community.AcceptAsync(domain.Host, domain.Community.Coordinator, HouseholdCommandTypes.AwardPoints, new JsonObject
        {
            ["householdId"] = SampleLedger.Households[2],
            ["activity"] = "VolunteerService",
            ["quantity"] = 1,
            ["points"] = 100,
            ["reference"] = "after-the-checkpoint",
        });

        var report = Audit.Run(new DatabaseSource(ConnectionStringOf(domain)), RootKeyIdOf(domain), pinnedLogKey: integrator.VerifierKey!.Format());

        Assert.True(report.Valid, string.Join("\n", report.Findings));
        Assert.Equal(1, report.EntriesBeyondCheckpoint);
        Assert.Contains("1 entries after the latest checkpoint", report.ToText(ReportLanguage.English));
    }

    /// <summary>A database source that, once its first entry has been read, lets the server write.</summary>
    sealed class WrittenToAfterTheFirstEntry(DatabaseSource database, Func<Task> write) : ILedgerSource
    {
        public string Description => database.Description;

        public Manifest? Manifest => database.Manifest;

        public long EntryCountHint => database.EntryCountHint;

        public string? ReadChecksum => database.ReadChecksum;

        public string? LogVerifierKey => database.LogVerifierKey;

        public string? ManifestProblem => database.ManifestProblem;

        public bool IsLive => database.IsLive;

        public IEnumerable<SourcedCheckpoint> Checkpoints() => database.Checkpoints();

        public IEnumerable<SourcedEntry> Entries()
        {
            var first = true;
            foreach (var entry in database.Entries())
            {
                yield return entry;
                if (first)
                {
                    first = false;
                    write().GetAwaiter().GetResult();
                }
            }
        }
    }

    static string ConnectionStringOf(DomainOnHost domain) => domain.ConnectionString;

    static string RootKeyIdOf(DomainOnHost domain) => Ledger.Tests.Hosting.RegistryOnHost.Registrar.KeyId;

    /// <summary>What a superuser can do: switch the append-only guard (and the chain key) off, change rows, switch it on.</summary>
    static async Task TamperAsync(DomainOnHost domain, string sql)
    {
        await using var command = domain.Admin.CreateCommand($"""
            ALTER TABLE entry DISABLE TRIGGER ALL;
            {sql};
            ALTER TABLE entry ENABLE TRIGGER ALL;
            """);
        await command.ExecuteNonQueryAsync();
    }
}
