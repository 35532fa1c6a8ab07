using BenchmarkDotNet.Attributes;
using Ledger.Entries;
using Ledger.Rules;
using Ledger.Rules.Households;
using Ledger.Rules.Projects;

namespace Ledger.Bench.Micro;

/// <summary>
/// A rule decision on prepared states, as a grain makes it once the signature has been checked:
/// Commands.Decide (authorization by the registry, then the command's rule) for a crowdfunding
/// payment (PayShare: a household and a project stream) and for a points award (AwardPoints: a
/// household with a hundred earlier awards); and the decision with its entries linked, which
/// adds Entry.Create for each entry written.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class RuleBenchmarks
{
    PreparedCommunity community = null!;
    (CommandRule Rule, DecisionContext Context, SignedCommand Signed, IReadOnlyDictionary<string, Entry?> Heads) payShare;
    (CommandRule Rule, DecisionContext Context, SignedCommand Signed, IReadOnlyDictionary<string, Entry?> Heads) awardPoints;

    [GlobalSetup]
    public void Setup()
    {
        community = PreparedCommunity.Create();
        payShare = Prepare(community.Sign(PreparedCommunity.ResidentOf(PreparedCommunity.Household), ProjectCommandTypes.PayShare,
            PreparedCommunity.PayShareBody(100)));
        awardPoints = Prepare(community.Sign("coordinator", HouseholdCommandTypes.AwardPoints,
            PreparedCommunity.AwardPointsBody("council-2026-03")));
    }

    [Benchmark]
    public Decision DecidePayShare() => Commands.Decide(payShare.Rule, payShare.Context);

    [Benchmark]
    public Decision DecideAwardPoints() => Commands.Decide(awardPoints.Rule, awardPoints.Context);

    [Benchmark]
    public IReadOnlyList<Entry> DecideAndLinkPayShare() => DecideAndLink(payShare);

    [Benchmark]
    public IReadOnlyList<Entry> DecideAndLinkAwardPoints() => DecideAndLink(awardPoints);

    static IReadOnlyList<Entry> DecideAndLink((CommandRule Rule, DecisionContext Context, SignedCommand Signed, IReadOnlyDictionary<string, Entry?> Heads) prepared) =>
        Commands.Decide(prepared.Rule, prepared.Context) is Decision.Accept accepted
            ? EntryChain.Link(accepted.Entries, prepared.Heads, prepared.Signed, prepared.Context.Now)
            : throw new InvalidOperationException("the prepared command was refused");

    (CommandRule, DecisionContext, SignedCommand, IReadOnlyDictionary<string, Entry?>) Prepare(SignedCommand signed)
    {
        var rule = Commands.Find(signed.Command.Type)!;
        var context = community.Context(signed.Command);
        if (Commands.Decide(rule, context) is not Decision.Accept)
        {
            throw new InvalidOperationException($"the prepared {signed.Command.Type} is refused: the benchmark would time a refusal");
        }
        return (rule, context, signed, community.Heads(signed.Command));
    }
}
