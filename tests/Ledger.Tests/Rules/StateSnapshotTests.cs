// StateSnapshot: a stream's folded state as canonical JSON and back (docs/GRAINS.md
// "Snapshots"). Every rule test's scenario already checks every entry's snapshot through
// RegistryScenario (SnapshotShadows); these fold whole stories with a shadow from every
// entry, and show what a snapshot that is not what it claims does.
using System.Text;
using System.Text.Json.Nodes;
using Ledger.Canonical;
using Ledger.Rules;
using Ledger.Rules.Households;
using Ledger.Rules.Projects;
using Ledger.Rules.Registry;
using Ledger.Tests.Rules.Households;
using Ledger.Tests.Rules.Projects;

using static Ledger.Tests.Rules.Households.PointsScenario;
using static Ledger.Tests.Rules.RegistryScenario;

namespace Ledger.Tests.Rules;

public sealed class StateSnapshotTests
{
    /// <summary>
    /// A project through every kind of its entries: receipts, a campaign and shares, milestones,
    /// disbursements requested, approved, rejected and paid, reversals of a receipt and a payment.
    /// </summary>
    static ProjectScenario ProjectStory()
    {
        var scenario = ProjectScenario.Opened();
        AssertAccepted(scenario.RecordReceipt(FundingSource.GovernmentSubsidy, ProjectScenario.GovernmentPlanFen));
        AssertAccepted(scenario.RecordReceipt(FundingSource.SocialCapital, 1_000));
        var receipt = scenario.Project.Sequence;
        AssertAccepted(scenario.StartCampaign());
        AssertAccepted(scenario.PayShare("b2-0602", 1_000_000));
        AssertAccepted(scenario.PayShare("b2-0101", 100_000));
        scenario.Reach(Milestone.ProgressVerified);
        var rejected = scenario.RequestId(Tranche.Progress, 50_000);
        AssertAccepted(scenario.Reject(rejected, ProjectScenario.Owner, Role.OwnerRepresentative));
        var (_, payment) = scenario.RequestApprovedAndPaid(Tranche.Progress, 2_000_000);
        AssertAccepted(scenario.ApproveReversal(scenario.ProposeReversalId(receipt)));
        AssertAccepted(scenario.ApproveReversal(scenario.ProposeReversalId(payment)));
        scenario.RequestId(Tranche.Progress, 70_000);
        return scenario;
    }

    [Fact]
    public void AProjectStoryFoldsTheSameFromASnapshotAfterEveryEntry()
    {
        var scenario = ProjectStory();
        var types = scenario.Ledger.Entries.Select(e => e.Type).ToHashSet();
        Assert.Superset(new HashSet<string>
        {
            ProjectEntryTypes.ProjectOpened, ProjectEntryTypes.ReceiptRecorded, ProjectEntryTypes.CampaignStarted,
            ProjectEntryTypes.ContributionReceived, ProjectEntryTypes.MilestoneAttested, ProjectEntryTypes.DisbursementRequested,
            ProjectEntryTypes.DisbursementApproved, ProjectEntryTypes.DisbursementRejected, ProjectEntryTypes.DisbursementPaid,
            ProjectEntryTypes.ReversalProposed, ProjectEntryTypes.ReversalApproved, HouseholdEntryTypes.CrowdfundingPaid,
        }, types);

        SnapshotShadows.Exhaustive().Fold(scenario.Ledger.Entries);
    }

    [Fact]
    public void ACancelledProjectAndItsRefundsFoldTheSameFromASnapshotAfterEveryEntry()
    {
        var scenario = ProjectScenario.Opened();
        AssertAccepted(scenario.StartCampaign());
        AssertAccepted(scenario.PayShare("b2-0602", 1_000_000));
        AssertAccepted(scenario.PayShare("b2-0302", 500_000));
        AssertAccepted(scenario.Cancel(["b2-0302", "b2-0602"]));
        Assert.Contains(scenario.Ledger.Entries, e => e.Type == HouseholdEntryTypes.CrowdfundingRefunded);

        SnapshotShadows.Exhaustive().Fold(scenario.Ledger.Entries);
    }

    [Fact]
    public void PointsCatalogAndRegistryFoldTheSameFromASnapshotAfterEveryEntry()
    {
        var scenario = PointsBank();
        AssertAccepted(scenario.Award(North, 500, "volunteer-1"));
        AssertAccepted(scenario.Award(South, 200, "sorting-1", "WasteSorting"));
        var fulfilled = scenario.AwardAndReserve(Alice, North, Cleaning, 2, 200);
        AssertAccepted(scenario.Fulfil(North, fulfilled));
        var cancelled = RedemptionIdOf(AssertAccepted(scenario.Reserve(Bob, South, Rice, 3)));
        AssertAccepted(scenario.Cancel(South, cancelled));
        AssertAccepted(scenario.Reserve(Alice, North, FeeReduction));
        AssertAccepted(scenario.Restock(Rice, 5));
        AssertAccepted(scenario.Withdraw(Cleaning));
        AssertAccepted(scenario.RevokeRole("bob", Role.Resident));
        AssertAccepted(scenario.GrantRole("bob", Role.Resident, South));

        SnapshotShadows.Exhaustive().Fold(scenario.Entries);
    }

    [Fact]
    public void ASnapshotWhoseRunningTotalWasAlteredIsCaughtByFoldingTheRest()
    {
        // The check the shadows make is the one that catches a field the codec would forget:
        // a decoded state that differs only in a field the encoding still shows the same way
        // at first (the contributions' running total) diverges when a later entry uses it.
        var scenario = ProjectScenario.Opened();
        AssertAccepted(scenario.StartCampaign());
        AssertAccepted(scenario.PayShare("b2-0602", 1_000_000));
        var stream = ProjectRules.StreamOf(ProjectScenario.ProjectId);
        var snapshot = JsonNode.Parse(StateSnapshot.Encode(scenario.Project))!.AsObject();
        snapshot["contributedFen"] = 0;
        var altered = StateSnapshot.Decode(stream, CanonicalJson.Encode(snapshot));

        AssertAccepted(scenario.PayShare("b2-0101", 100_000));
        var next = scenario.Ledger.Entries.Single(e => e.Stream == stream && e.Sequence == altered.Sequence + 1);

        Assert.NotEqual(StateSnapshot.Encode(scenario.Project), StateSnapshot.Encode(altered.Apply(next)));
        Assert.Equal(1_100_000, scenario.Project.ReceivedFen(FundingSource.ResidentCrowdfunding));
        Assert.Equal(100_000, ((ProjectState)altered.Apply(next)).ReceivedFen(FundingSource.ResidentCrowdfunding));
    }

    public static TheoryData<string, string> NotSnapshots => new()
    {
        { "not canonical (a space)", """{"kind":"catalog", "items":[],"sequence":0,"version":3}""" },
        { "another layout version", """{"items":[],"kind":"catalog","sequence":0,"version":2}""" },
        { "no version", """{"items":[],"kind":"catalog","sequence":0}""" },
        { "a version that is not a number", """{"items":[],"kind":"catalog","sequence":0,"version":"3"}""" },
        { "no sequence", """{"items":[],"kind":"catalog","version":3}""" },
        { "a sequence that is not a number", """{"items":[],"kind":"catalog","sequence":"0","version":3}""" },
        { "not an object", "[1]" },
        { "another kind", """{"items":[],"kind":"registry","sequence":0,"version":3}""" },
        { "an unknown member", """{"extra":1,"items":[],"kind":"catalog","sequence":0,"version":3}""" },
        { "a missing member", """{"kind":"catalog","sequence":0,"version":3}""" },
        { "an empty stream's sequence", """{"items":[],"kind":"catalog","sequence":-1,"version":3}""" },
        { "an unknown reward kind", """{"items":[{"itemId":"a","kind":"Gold","name":"a","pricePoints":1,"withdrawn":false}],"kind":"catalog","sequence":0,"version":3}""" },
        { "an item listed twice", """{"items":[{"itemId":"a","kind":"Goods","name":"a","pricePoints":1,"withdrawn":false},{"itemId":"a","kind":"Goods","name":"a","pricePoints":1,"withdrawn":false}],"kind":"catalog","sequence":1,"version":3}""" },
        { "not JSON", "\u0001\u0002" },
    };

    [Theory]
    [MemberData(nameof(NotSnapshots))]
    public void WhatIsNotACatalogSnapshotIsRefused(string what, string snapshot)
    {
        var refused = Assert.Throws<FormatException>(() => StateSnapshot.Decode("catalog", Encoding.UTF8.GetBytes(snapshot)));
        Assert.False(string.IsNullOrEmpty(refused.Message), what);
    }

    [Fact]
    public void AnotherStreamsSnapshotIsRefused()
    {
        var north = PointsBank();
        AssertAccepted(north.Award(North, 5, "volunteer-1"));
        var snapshot = StateSnapshot.Encode(north.HouseholdOf(North));

        Assert.Equal(North, ((HouseholdState)StateSnapshot.Decode(HouseholdRules.StreamOf(North), snapshot)).HouseholdId);
        Assert.Throws<FormatException>(() => StateSnapshot.Decode(HouseholdRules.StreamOf(South), snapshot));
        Assert.Throws<FormatException>(() => StateSnapshot.Decode(RegistryRules.Stream, snapshot));
    }
}
