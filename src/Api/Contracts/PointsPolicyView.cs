namespace Ledger.Api.Contracts;

/// <summary>
/// The points policy 积分规则, public (docs/ENTRIES.md "Points policy"): every version
/// proposed, approved or not, and the one in force now.
/// </summary>
/// <param name="InForce">The version pricing awards now; null when none is (awards are then taken as before a policy existed).</param>
/// <param name="Versions">Every version, oldest first.</param>
public sealed record PointsPolicyView(long? InForce, IReadOnlyList<PolicyVersionView> Versions);

/// <summary>One version of the points policy.</summary>
/// <param name="Version">1, 2, 3 …: what an award's policyVersion names.</param>
/// <param name="EffectiveFrom">When it takes effect, if approved: awards recorded from this instant on are priced by it, until a later version takes effect.</param>
/// <param name="Approved">Whether a resident supervisor approved it; an unapproved version is never in force.</param>
/// <param name="ProposedBy">The volunteer coordinator who proposed it.</param>
/// <param name="Rates">Its rates, by activity.</param>
public sealed record PolicyVersionView(long Version, string EffectiveFrom, bool Approved, string ProposedBy, IReadOnlyList<PointsRateView> Rates);

/// <summary>What one activity earns under a version.</summary>
/// <param name="Activity">VolunteerService 志愿服务, WasteSorting 垃圾分类, CouncilParticipation 议事会 or ResourceDonation 社区资源银行.</param>
/// <param name="PointsPerUnit">Points for one unit.</param>
/// <param name="Unit">Hour, Day, Meeting or Item.</param>
/// <param name="CapPoints">At most this many points of the activity per household and period; null when uncapped.</param>
/// <param name="CapPeriod">Month, Quarter or Year, calendar periods in China Standard Time; null when uncapped.</param>
public sealed record PointsRateView(string Activity, long PointsPerUnit, string Unit, long? CapPoints, string? CapPeriod);
