namespace Ledger.Rules.Households;

/// <summary>The command types of household streams (docs/ENTRIES.md §household).</summary>
public static class HouseholdCommandTypes
{
    public const string AwardPoints = "AwardPoints";
    public const string ReserveRedemption = "ReserveRedemption";
    public const string FulfilRedemption = "FulfilRedemption";
    public const string CancelRedemption = "CancelRedemption";
    public const string CastBallot = "CastBallot";
}

/// <summary>The entry types of household streams (docs/ENTRIES.md §household).</summary>
public static class HouseholdEntryTypes
{
    public const string CrowdfundingPaid = "CrowdfundingPaid";
    public const string CrowdfundingRefunded = "CrowdfundingRefunded";
    public const string PointsAwarded = "PointsAwarded";
    public const string RedemptionReserved = "RedemptionReserved";
    public const string RedemptionFulfilled = "RedemptionFulfilled";
    public const string RedemptionCancelled = "RedemptionCancelled";
    public const string BallotIssued = "BallotIssued";
    public const string BallotCast = "BallotCast";
    public const string BallotCounted = "BallotCounted";
}

/// <summary>What earns points in the community points bank 社区积分银行 (seeds 002–004).</summary>
public enum Activity
{
    /// <summary>志愿服务, counted in hours.</summary>
    VolunteerService,

    /// <summary>垃圾分类.</summary>
    WasteSorting,

    /// <summary>议事会: taking part in a residents' council.</summary>
    CouncilParticipation,

    /// <summary>社区资源银行: donating idle goods or skills.</summary>
    ResourceDonation,
}

public enum RedemptionStatus
{
    Reserved,
    Fulfilled,
    Cancelled,
}
