namespace Ledger.Api.Contracts;

/// <summary>
/// A household's own records, read privately by its residents and by the roles that serve
/// households (docs/API.md "Access"): its crowdfunding shares, its points and its history.
/// </summary>
/// <param name="HouseholdId">The household id, e.g. "b2-0301"; its stream is "household/{householdId}".</param>
/// <param name="Sequence">The last entry of the household stream these figures include; −1 when it has none yet.</param>
/// <param name="Shares">Each project whose campaign gives this household a share.</param>
/// <param name="Payments">Its crowdfunding payments and refunds, oldest first.</param>
/// <param name="Points">Its points 社区积分.</param>
/// <param name="Awards">Its awards of points, oldest first.</param>
/// <param name="Redemptions">Its redemptions of catalog items, oldest first.</param>
/// <param name="History">Its entries, exactly as recorded, newest last; without its ballot entries for a reader who may not read its stream (docs/API.md).</param>
public sealed record HouseholdView(
    string HouseholdId,
    long Sequence,
    IReadOnlyList<CampaignShareView> Shares,
    IReadOnlyList<CrowdfundingPaymentView> Payments,
    PointsView Points,
    IReadOnlyList<AwardView> Awards,
    IReadOnlyList<RedemptionView> Redemptions,
    IReadOnlyList<StreamEntryView> History);

/// <summary>A household's share of one project's crowdfunding campaign.</summary>
/// <param name="ProjectId">The project.</param>
/// <param name="ProjectStatus">Open, Closed or Cancelled (a cancelled project refunded what was paid).</param>
/// <param name="ShareFen">The household's share, in fen.</param>
/// <param name="PaidFen">What it has paid, net of refunds, in fen.</param>
/// <param name="DueFen">What it still owes: share − paid, in fen.</param>
public sealed record CampaignShareView(string ProjectId, string ProjectStatus, long ShareFen, long PaidFen, long DueFen);

/// <summary>A crowdfunding payment by the household, or a refund to it.</summary>
/// <param name="Sequence">The entry's sequence in the household stream.</param>
/// <param name="Kind">Payment (CrowdfundingPaid) or Refund (CrowdfundingRefunded).</param>
/// <param name="ProjectId">The project paid or refunding.</param>
/// <param name="AmountFen">The amount, in fen.</param>
/// <param name="Reference">The payer's reference, if one was given (payments only).</param>
/// <param name="RecordedAt">When the ledger recorded it.</param>
public sealed record CrowdfundingPaymentView(long Sequence, string Kind, string ProjectId, long AmountFen, string? Reference, string RecordedAt);

/// <summary>A household's points: the balance is awarded − spent − reserved and never below zero.</summary>
/// <param name="Awarded">Every point awarded.</param>
/// <param name="Reserved">Held by redemptions not yet fulfilled or cancelled.</param>
/// <param name="Spent">Spent on fulfilled redemptions.</param>
/// <param name="Balance">What can still be redeemed.</param>
public sealed record PointsView(long Awarded, long Reserved, long Spent, long Balance);

/// <summary>An award of points to the household.</summary>
/// <param name="Sequence">The PointsAwarded entry's sequence in the household stream.</param>
/// <param name="Activity">What the points were earned for, e.g. VolunteerService.</param>
/// <param name="Quantity">How many units of the activity (hours, days, meetings, items).</param>
/// <param name="Points">The points awarded.</param>
/// <param name="PolicyVersion">The points policy version that priced it; null when no version was in force.</param>
/// <param name="RecordedAt">When the ledger recorded it.</param>
public sealed record AwardView(long Sequence, string Activity, long Quantity, long Points, long? PolicyVersion, string RecordedAt);

/// <summary>A redemption of a catalog item for points.</summary>
/// <param name="RedemptionId">The RedemptionReserved entry's sequence in the household stream.</param>
/// <param name="ItemId">The catalog item.</param>
/// <param name="Quantity">How many.</param>
/// <param name="Points">What it costs: price × quantity.</param>
/// <param name="Status">Reserved, Fulfilled or Cancelled.</param>
public sealed record RedemptionView(long RedemptionId, string ItemId, long Quantity, long Points, string Status);
