using BenchmarkDotNet.Attributes;
using Ledger.Canonical;
using Ledger.Entries;
using Ledger.Rules;
using Ledger.Rules.Households;
using Ledger.Rules.Projects;
using Ledger.Verifier.Verification;

namespace Ledger.Bench.Micro;

/// <summary>
/// Issue 16 item 7, the allocation budget: the bytes the pure path allocates per command on the
/// server and per entry in the verifier, read from the memory diagnoser's "Allocated" column
/// (README "Performance" keeps them, before and after). A command: the signed request's bytes
/// parsed as the API parses them, its signature checked, its rule's decision, and its entries
/// linked (canonical encoding and hash) — for a points award and a crowdfunding payment, on the
/// prepared community's states. An entry: parsed from its canonical bytes as the verifier
/// prepares it, then replayed by the audit in log order with its signature taken as checked
/// (the parallel Ed25519 check allocates nothing of its own), over the community's whole log.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class AllocationBudgetBenchmarks
{
    /// <summary>The prepared community's log: the registry, the project and its campaign, one payment, a hundred awards.</summary>
    const int CommunityEntries = 119;

    PreparedCommunity community = null!;
    byte[] awardPointsRequest = null!;
    byte[] payShareRequest = null!;
    SourcedEntry[] log = null!;

    [GlobalSetup]
    public void Setup()
    {
        community = PreparedCommunity.Create();
        // As LedgerClient posts them: the canonical JSON of the signed command.
        awardPointsRequest = CanonicalJson.Encode(community.Sign("coordinator", HouseholdCommandTypes.AwardPoints,
            PreparedCommunity.AwardPointsBody("budget")).ToJson());
        payShareRequest = CanonicalJson.Encode(community.Sign(PreparedCommunity.ResidentOf(PreparedCommunity.Household), ProjectCommandTypes.PayShare,
            PreparedCommunity.PayShareBody(100)).ToJson());
        log = [.. community.Log.Select((entry, position) => new SourcedEntry(position, entry.CanonicalBytes.ToArray(), StoredHash: null))];
        if (log.Length != CommunityEntries)
        {
            throw new InvalidOperationException($"the prepared community's log has {log.Length} entries: set CommunityEntries to it, so that figures are per entry");
        }
        if (AuditCommunityLog() is { Count: > 0 } findings)
        {
            throw new InvalidOperationException($"the audit of the prepared community finds {findings[0]}: the benchmark would time a finding");
        }
    }

    [Benchmark]
    public IReadOnlyList<Entry> AwardPointsCommand() => Execute(awardPointsRequest);

    [Benchmark]
    public IReadOnlyList<Entry> PayShareCommand() => Execute(payShareRequest);

    /// <summary>Per entry: the audit of the whole log divided by its entries (the audit's own setup amortised over them).</summary>
    [Benchmark(OperationsPerInvoke = CommunityEntries)]
    public IReadOnlyList<Finding> VerifierEntry() => AuditCommunityLog();

    IReadOnlyList<Entry> Execute(byte[] request)
    {
        var signed = SignedCommand.FromJson(CanonicalJson.Parse(request));
        if (Authorization.Authenticate(community.Registry, signed) is { } refused)
        {
            throw new InvalidOperationException($"the prepared command does not authenticate: {refused.Message}");
        }
        var rule = Commands.Find(signed.Command.Type)!;
        return Commands.Decide(rule, community.Context(signed.Command)) is Decision.Accept accepted
            ? EntryChain.Link(accepted.Entries, community.Heads(signed.Command), signed, PreparedCommunity.Now)
            : throw new InvalidOperationException($"the prepared {signed.Command.Type} is refused: the benchmark would time a refusal");
    }

    IReadOnlyList<Finding> AuditCommunityLog()
    {
        var audit = new LedgerAudit(pinnedRootKeyId: null);
        foreach (var source in log)
        {
            var entry = Entry.Parse(source.Bytes);
            var key = community.Registry.Keys[entry.SignedCommand.Command.KeyId].PublicKey;
            audit.Add(new PreparedEntry(source, entry, ParseError: null, entry.Hash, entry.SignedCommand.Command.SignedBytes(), key, SignatureValid: true));
        }
        return audit.Finish(manifest: null, readChecksum: null);
    }
}
