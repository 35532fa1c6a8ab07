namespace Ledger.Bodies;

/// <summary>
/// Every entry type with the record of its body, in one table: the API's document describes
/// each entry's body from it, and a test holds it to the streams' entry types.
/// </summary>
public static class EntryBodies
{
    public static IReadOnlyList<(string EntryType, Type Body)> All { get; } =
    [
        .. Of<RegistryOpenedBody>(), .. Of<PersonRegisteredBody>(), .. Of<KeyAddedBody>(), .. Of<KeyRevokedBody>(),
        .. Of<RoleGrantedBody>(), .. Of<RoleRevokedBody>(), .. Of<LogKeyNamedBody>(), .. Of<PointsPolicyProposedBody>(),
        .. Of<PointsPolicyApprovedBody>(), .. Of<FloorAreaRecordedBody>(),

        .. Of<ProjectOpenedBody>(), .. Of<ReceiptRecordedBody>(), .. Of<CampaignStartedBody>(), .. Of<ContributionBody>(),
        .. Of<MilestoneAttestedBody>(), .. Of<DisbursementRequestedBody>(), .. Of<DisbursementApprovedBody>(),
        .. Of<DisbursementRejectedBody>(), .. Of<DisbursementPaidBody>(), .. Of<ReversalProposedBody>(), .. Of<ReversalApprovedBody>(),
        .. Of<ProjectCancelledBody>(), .. Of<ProjectClosedBody>(), .. Of<ReconciliationSignedBody>(), .. Of<ReconciliationCountersignedBody>(),
        .. Of<VoteOpenedBody>(), .. Of<VoteClosedBody>(),

        .. Of<CrowdfundingPaidBody>(), .. Of<CrowdfundingRefundedBody>(), .. Of<PointsAwardedBody>(), .. Of<RedemptionReservedBody>(),
        .. Of<RedemptionFulfilledBody>(), .. Of<RedemptionCancelledBody>(), .. Of<BallotIssuedBody>(), .. Of<BallotCastBody>(),
        .. Of<BallotCountedBody>(),

        .. Of<CatalogItemAddedBody>(), .. Of<CatalogItemRestockedBody>(), .. Of<CatalogItemWithdrawnBody>(), .. Of<ItemReservationBody>(),
    ];

    static IEnumerable<(string, Type)> Of<TBody>() where TBody : IEntryBody<TBody> => TBody.Types.Select(t => (t, typeof(TBody)));
}
