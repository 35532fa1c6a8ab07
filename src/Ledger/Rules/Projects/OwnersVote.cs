using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Canonical;

namespace Ledger.Rules.Projects;

/// <summary>
/// What an owners' vote decides, by the Civil Code of the PRC, art. 278: raising money for the
/// building (item 6) and rebuilding it (item 7) need the special majority, other matters the
/// ordinary one.
/// </summary>
public enum VoteMatter
{
    RaiseFunds,
    Rebuild,
    Other,
}

/// <summary>A household's ballot. An abstention takes part in the vote and does not agree.</summary>
public enum BallotChoice
{
    Agree,
    Against,
    Abstain,
}

/// <summary>A threshold as a fraction of integers, so that a boundary is compared exactly: part·d against whole·n.</summary>
public sealed record Fraction(int Numerator, int Denominator)
{
    public const int MaxDenominator = 100;

    public static IReadOnlyList<string> Members { get; } = ["denominator", "numerator"];

    public bool IsValid() => Numerator >= 1 && Numerator <= Denominator && Denominator <= MaxDenominator;

    /// <summary>part ≥ whole × n/d.</summary>
    public bool AtLeast(long part, long whole) => checked(part * Denominator) >= checked(whole * Numerator);

    /// <summary>part &gt; whole × n/d.</summary>
    public bool MoreThan(long part, long whole) => checked(part * Denominator) > checked(whole * Numerator);

    public JsonObject ToJson() => new() { ["denominator"] = Denominator, ["numerator"] = Numerator };

    public static Fraction Read(JsonElement value)
    {
        var fields = JsonFields.Of(value, "a fraction", Members);
        return new(checked((int)fields.Integer("numerator")), checked((int)fields.Integer("denominator")));
    }

    public override string ToString() => $"{Numerator}/{Denominator}";
}

/// <summary>Households and their exclusive floor area (in hundredths of a square metre): the two weights of art. 278.</summary>
public sealed record VoteWeight(long Households, long AreaHundredths)
{
    public static VoteWeight None { get; } = new(0, 0);

    public VoteWeight Plus(long areaHundredths) => new(Households + 1, checked(AreaHundredths + areaHundredths));
}

/// <summary>The counted ballots of a closed vote: households and area that agreed, were against, abstained.</summary>
public sealed record VoteTally(VoteWeight Agree, VoteWeight Against, VoteWeight Abstain)
{
    public static VoteTally Empty { get; } = new(VoteWeight.None, VoteWeight.None, VoteWeight.None);

    /// <summary>Everyone who cast a ballot, abstentions included.</summary>
    public VoteWeight Participating => new(Agree.Households + Against.Households + Abstain.Households,
        checked(Agree.AreaHundredths + Against.AreaHundredths + Abstain.AreaHundredths));

    public VoteTally With(BallotChoice choice, long areaHundredths) => choice switch
    {
        BallotChoice.Agree => this with { Agree = Agree.Plus(areaHundredths) },
        BallotChoice.Against => this with { Against = Against.Plus(areaHundredths) },
        _ => this with { Abstain = Abstain.Plus(areaHundredths) },
    };
}

/// <summary>
/// A project's rules for owners' votes (optional in OpenProject): whether its campaign needs a
/// passed vote first, and the thresholds of art. 278. Participation and the special majority
/// are "at least", the ordinary majority "more than", each both by area and by head.
/// </summary>
public sealed record VotePolicy(bool CampaignRequiresVote, Fraction Participation, Fraction SpecialMajority, Fraction OrdinaryMajority)
{
    public static readonly Fraction DefaultParticipation = new(2, 3);
    public static readonly Fraction DefaultSpecialMajority = new(3, 4);
    public static readonly Fraction DefaultOrdinaryMajority = new(1, 2);

    /// <summary>The thresholds a project without a policy votes by; it needs no vote for its campaign.</summary>
    public static VotePolicy Default { get; } = new(false, DefaultParticipation, DefaultSpecialMajority, DefaultOrdinaryMajority);

    public bool IsValid() => Participation.IsValid() && SpecialMajority.IsValid() && OrdinaryMajority.IsValid()
        && OrdinaryMajority.Numerator < OrdinaryMajority.Denominator;

    /// <summary>
    /// Whether the ballots pass: enough of the scope took part, and enough of those who took
    /// part agreed (abstentions count as taking part and not agreeing), by area and by head.
    /// </summary>
    public bool Passes(VoteMatter matter, VoteWeight scope, VoteTally tally)
    {
        var participating = tally.Participating;
        if (!Participation.AtLeast(participating.Households, scope.Households) || !Participation.AtLeast(participating.AreaHundredths, scope.AreaHundredths))
        {
            return false;
        }
        return matter == VoteMatter.Other
            ? OrdinaryMajority.MoreThan(tally.Agree.Households, participating.Households) && OrdinaryMajority.MoreThan(tally.Agree.AreaHundredths, participating.AreaHundredths)
            : SpecialMajority.AtLeast(tally.Agree.Households, participating.Households) && SpecialMajority.AtLeast(tally.Agree.AreaHundredths, participating.AreaHundredths);
    }

    public JsonObject ToJson() => new()
    {
        ["campaignRequiresVote"] = CampaignRequiresVote,
        ["ordinaryMajority"] = OrdinaryMajority.ToJson(),
        ["participation"] = Participation.ToJson(),
        ["specialMajority"] = SpecialMajority.ToJson(),
    };

    /// <summary>A policy as an entry or a snapshot writes it (with every threshold), or as a command gives it.</summary>
    public static VotePolicy Read(JsonElement value) => VotePolicyTerms.Read(value).WithDefaults();
}

/// <summary>A vote policy as OpenProject gives it: every threshold optional, its default when absent.</summary>
public sealed record VotePolicyTerms(bool CampaignRequiresVote, Fraction? OrdinaryMajority, Fraction? Participation, Fraction? SpecialMajority)
{
    public static IReadOnlyList<string> Members { get; } = ["campaignRequiresVote", "ordinaryMajority", "participation", "specialMajority"];

    public VotePolicy WithDefaults() => new(CampaignRequiresVote, Participation ?? VotePolicy.DefaultParticipation,
        SpecialMajority ?? VotePolicy.DefaultSpecialMajority, OrdinaryMajority ?? VotePolicy.DefaultOrdinaryMajority);

    public static VotePolicyTerms Read(JsonElement value)
    {
        var fields = JsonFields.Of(value, "votePolicy", Members);
        Fraction? Threshold(string name) => fields.Has(name) ? Fraction.Read(fields.Object(name)) : null;
        return new(fields.Boolean("campaignRequiresVote"), Threshold("ordinaryMajority"), Threshold("participation"), Threshold("specialMajority"));
    }
}

/// <summary>
/// An owners' vote of a project: its question, its scope (each household with its floor area
/// as the registry had it when the vote opened), its period [opensAt, closesAt), and once
/// closed its tally and whether it passed.
/// </summary>
public sealed record OwnersVote(
    string VoteId,
    string Question,
    VoteMatter Matter,
    ImmutableSortedDictionary<string, long> ScopeAreas,
    DateTimeOffset OpensAt,
    DateTimeOffset ClosesAt,
    VoteTally? Tally,
    bool Passed)
{
    public VoteWeight Scope => new(ScopeAreas.Count, ScopeAreas.Values.Aggregate(0L, (sum, a) => checked(sum + a)));

    public bool IsClosed => Tally is not null;

    /// <summary>Raising money and rebuilding: the matters a campaign's passed vote must be about.</summary>
    public bool IsSpecialMatter => Matter != VoteMatter.Other;
}
