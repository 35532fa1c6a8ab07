using Ledger.Rules.Projects;
using Ledger.Rules.Registry;
using Ledger.Verifier.Verification;
using Xunit.Abstractions;

namespace Ledger.Tests.Tampering;

/// <summary>
/// Issue 8, the verifier's hash-only depth: every entry's hash, every chain, the log's
/// positions, the manifest, the root key and every signed checkpoint — and no signature, key,
/// role or rule. It catches whatever changes bytes that a hash, a chain or a pinned checkpoint
/// covers; what only the signatures and the rules catch passes it, and its report says so.
/// </summary>
[Collection(DemoExportCollection.Name)]
public sealed class HashOnlyTests(DemoExport demo, ITestOutputHelper log)
{
    /// <summary>The findings of the checks a hash-only audit makes.</summary>
    static readonly FindingKind[] HashOnlyKinds =
    [
        FindingKind.EntryMalformed, FindingKind.HashMismatch, FindingKind.SequenceBroken, FindingKind.ChainBroken, FindingKind.ManifestMismatch,
        FindingKind.RootKeyMismatch, FindingKind.LogBroken, FindingKind.CheckpointInvalid, FindingKind.CheckpointMismatch,
    ];

    [Fact]
    public void TheUntamperedDemoExportIsValidAndTheReportSaysWhatWasNotChecked()
    {
        var report = demo.AuditPristine(demo.RootKeyId, AuditDepth.HashOnly, demo.LogKey);

        Assert.True(report.Valid, string.Join("\n", report.Findings));
        Assert.Equal(AuditDepth.HashOnly, report.Depth);
        Assert.Equal(demo.Lines.Count, report.EntryCount);
        Assert.Equal(demo.AuditPristine(demo.RootKeyId).StreamCount, report.StreamCount);
        Assert.Equal(demo.RootKeyId, report.RootKeyId);
        Assert.True(report.RootKeyPinned);
        Assert.True(report.CheckpointCount >= 1);
        Assert.Empty(report.Projects);
        Assert.Empty(report.Households);
        var text = report.ToText(ReportLanguage.English);
        Assert.Contains("no signature, key, role, idempotency key or rule was checked", text);
        Assert.Contains("VALID: every hash, chain and checkpoint checks out; signatures and rules were not checked (--hash-only).", text);
        Assert.StartsWith("记录完整：", report.ToText());
    }

    [Fact]
    public void AnAmountChangedWithoutReChainingBreaksTheLinkOfTheNextEntry()
    {
        var tampering = demo.Tamper();
        var edited = tampering.EntryAt(tampering.IndexOf(DemoExport.FacadeStream, ProjectEntryTypes.ReceiptRecorded));
        tampering.Edit(DemoExport.FacadeStream, ProjectEntryTypes.ReceiptRecorded, e => e["body"]!["amountFen"] = 25_000_000, rechain: false);

        var report = tampering.Audit("hash-only amount changed", AuditDepth.HashOnly);

        Assert.Contains(report.Findings, f => f.Kind == FindingKind.ChainBroken && f.Stream == DemoExport.FacadeStream && f.Sequence == edited.Sequence + 1);
    }

    [Fact]
    public void ADeletedEntryLeavesAGapInItsStream()
    {
        var tampering = demo.Tamper();
        var index = tampering.IndexOf(DemoExport.FacadeStream, ProjectEntryTypes.DisbursementApproved);
        var deleted = tampering.EntryAt(index);
        tampering.RemoveAt(index);

        var report = tampering.Audit("hash-only entry deleted", AuditDepth.HashOnly);

        var finding = Assert.Single(report.Findings, f => f.Kind == FindingKind.SequenceBroken);
        Assert.Equal(DemoExport.FacadeStream, finding.Stream);
        Assert.Equal(deleted.Sequence + 1, finding.Sequence);
    }

    [Fact]
    public void AStreamReChainedWithItsManifestRewrittenIsCaughtByTheCheckpointUnderThePinnedLogKey()
    {
        var tampering = demo.Tamper().KeepCheckpoints()
            .Edit(DemoExport.ElevatorStream, ProjectEntryTypes.ReceiptRecorded, e => e["body"]!["amountFen"] = 1);

        var report = tampering.Audit("hash-only re-chained", AuditDepth.HashOnly, demo.LogKey);

        Assert.NotEmpty(report.Findings);
        Assert.All(report.Findings, f => Assert.Equal(FindingKind.CheckpointMismatch, f.Kind));
    }

    /// <summary>Hash-only reads three top-level members without parsing the entry: a line it cannot read them from, or reads them twice from, is malformed.</summary>
    [Theory]
    [InlineData("not an object")]
    [InlineData("the members only inside another member")]
    [InlineData("previousHash in uppercase hex")]
    [InlineData("a second sequence")]
    [InlineData("bytes after the object")]
    public void ALineThatIsNotAnObjectWithAStreamASequenceAndAPreviousHashIsMalformed(string what)
    {
        var tampering = demo.Tamper();
        var index = tampering.IndexOf(DemoExport.FacadeStream, ProjectEntryTypes.ReceiptRecorded);
        var line = System.Text.Encoding.UTF8.GetString(tampering.LineAt(index));
        var previousHash = tampering.EntryAt(index).PreviousHash.ToString();
        var tampered = what switch
        {
            "not an object" => "[1]",
            "the members only inside another member" => $"{{\"body\":{line}}}",
            "previousHash in uppercase hex" => line.Replace(previousHash, previousHash.ToUpperInvariant(), StringComparison.Ordinal),
            "a second sequence" => line.Replace(",\"signedCommand\":", ",\"sequence\":99,\"signedCommand\":", StringComparison.Ordinal),
            "bytes after the object" => line + " {}",
            _ => throw new ArgumentOutOfRangeException(nameof(what)),
        };
        tampering.SetLine(index, System.Text.Encoding.UTF8.GetBytes(tampered));

        var report = tampering.Audit($"hash-only {what}", AuditDepth.HashOnly);

        Assert.Contains(report.Findings, f => f.Kind == FindingKind.EntryMalformed && f.LogPosition == index);
    }

    [Theory]
    [InlineData("the registry's genesis forged with another root key, the registry re-chained")]
    [InlineData("the root key replaced in the manifest")]
    [InlineData("the untouched export audited against another pinned root key")]
    public void ARootKeyOtherThanThePinnedOneIsCaught(string tampering)
    {
        var report = TamperSuiteTests.All.Single(t => t.Name == tampering).Apply(demo).Audit(tampering, AuditDepth.HashOnly);

        Assert.Contains(report.Findings, f => f.Kind == FindingKind.RootKeyMismatch && f.Stream == RegistryRules.Stream);
    }

    [Fact]
    public void ARuleViolationWithEveryHashReChainedPassesHashOnlyButNotTheFullAudit()
    {
        const string name = "a payment beyond the unlocked tranche, every signature valid";
        var tampering = TamperSuiteTests.All.Single(t => t.Name == name).Apply(demo);

        var hashOnly = tampering.Audit(name, AuditDepth.HashOnly);
        var full = tampering.Audit(name);

        Assert.True(hashOnly.Valid, string.Join("\n", hashOnly.Findings));
        Assert.Contains(full.Findings, f => f.Kind == FindingKind.RuleViolation && f.Found.Contains(nameof(Rules.ResultCode.BeyondTrancheCap), StringComparison.Ordinal));
    }

    /// <summary>
    /// Over the whole tamper suite: hash-only reports only what its checks find, and finds the
    /// export invalid exactly when the full audit finds a broken hash, chain, manifest, root key
    /// or checkpoint — the two depths share those checks.
    /// </summary>
    [Theory]
    [MemberData(nameof(TamperSuiteTests.Names), MemberType = typeof(TamperSuiteTests))]
    public void HashOnlyFindsATamperingExactlyWhenTheFullAuditFindsSomethingItChecks(string tampering)
    {
        var export = TamperSuiteTests.All.Single(t => t.Name == tampering).Apply(demo);

        var hashOnly = export.Audit(tampering, AuditDepth.HashOnly);
        var full = export.Audit(tampering);

        log.WriteLine($"{tampering}: hash-only {string.Join(", ", hashOnly.Findings.Select(f => f.Kind))}; full {string.Join(", ", full.Findings.Select(f => f.Kind))}");
        Assert.All(hashOnly.Findings, f => Assert.Contains(f.Kind, HashOnlyKinds));
        Assert.Equal(full.Findings.Any(f => HashOnlyKinds.Contains(f.Kind)), !hashOnly.Valid);
    }
}
