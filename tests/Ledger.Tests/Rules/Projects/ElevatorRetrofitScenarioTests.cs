// The seeds' elevator retrofit 加装电梯 from opening to closing, exact to the fen: a six-storey
// building with twelve households (two a floor) retrofits an elevator for 600,000 yuan =
// 60,000,000 fen, funded by the "432" structure (seed 000 §5) plus self-raised income —
// government 40%, social capital 30%, residents 20% split by floor (seed 001 §4.3), self-raised
// 10% — and paid 60% on verified progress, 30% on acceptance, the last 10% when the warranty
// has expired (seed 001 §9.2), each payment signed by the owner representative, the
// construction supervisor and the project manager, and paid by a finance officer who did not
// request it.
using Ledger.Rules;
using Ledger.Rules.Projects;

using static Ledger.Tests.Rules.Projects.ProjectScenario;
using static Ledger.Tests.Rules.RegistryScenario;

namespace Ledger.Tests.Rules.Projects;

public sealed class ElevatorRetrofitScenarioTests
{
    /// <summary>Requests as <paramref name="requester"/>, has all three approve, pays as <paramref name="payer"/>.</summary>
    static long Disburse(ProjectScenario scenario, Tranche tranche, long amountFen, Signer requester, Signer payer, string bankReference)
    {
        Assert.NotEqual(requester.PersonId, payer.PersonId);
        var id = scenario.RequestId(tranche, amountFen, requester);
        scenario.ApproveByAllThree(id);
        AssertAccepted(scenario.Pay(id, payer, bankReference));
        return id;
    }

    [Fact]
    public void ElevatorRetrofitIsFundedByFourSourcesPaidByMilestoneAndClosedWithNothingLeft()
    {
        var scenario = BeforeOpening();

        // Opening: the 432 plan of 60,000,000 fen, default cap (30%) and tranches (60/30/10), a 24-month warranty.
        AssertAccepted(scenario.Open());
        var project = scenario.Project;
        Assert.Equal(60_000_000, project.ContractPriceFen); // 600,000 yuan × 100
        Assert.Equal(24_000_000, project.PlannedFen[FundingSource.GovernmentSubsidy]); // 40%
        Assert.Equal(18_000_000, project.PlannedFen[FundingSource.SocialCapital]); // 30%
        Assert.Equal(12_000_000, project.PlannedFen[FundingSource.ResidentCrowdfunding]); // 20%
        Assert.Equal(6_000_000, project.PlannedFen[FundingSource.SelfRaised]); // 10%

        // Receipts: the subsidy in two instalments, social capital and self-raised income at once.
        AssertAccepted(scenario.RecordReceipt(FundingSource.GovernmentSubsidy, 14_400_000)); // 60% of the subsidy first
        AssertAccepted(scenario.RecordReceipt(FundingSource.SocialCapital, 18_000_000));
        AssertAccepted(scenario.RecordReceipt(FundingSource.SelfRaised, 6_000_000));
        AssertAccepted(scenario.RecordReceipt(FundingSource.GovernmentSubsidy, 9_600_000)); // 24,000,000 − 14,400,000

        // Crowdfunding by floor: 12,000,000 fen over weights 1..6, two households a floor (CampaignTests.ByFloorShareFen).
        AssertAccepted(scenario.StartCampaign());
        var expectedShares = TwelveHouseholds.ToDictionary(h => h.HouseholdId, h => CampaignTests.ByFloorShareFen[h.Floor]);
        Assert.Equal(expectedShares.OrderBy(s => s.Key, StringComparer.Ordinal), scenario.Project.Campaign!.SharesFen);

        // Every household pays its share; the upper three floors in two payments, half first (rounded down).
        foreach (var (householdId, floor) in TwelveHouseholds)
        {
            var share = expectedShares[householdId];
            if (floor >= 4)
            {
                AssertAccepted(scenario.PayShare(householdId, share / 2));
                AssertAccepted(scenario.PayShare(householdId, share - share / 2));
            }
            else
            {
                AssertAccepted(scenario.PayShare(householdId, share));
            }
        }
        project = scenario.Project;
        Assert.Equal(24_000_000, project.ReceivedFen(FundingSource.GovernmentSubsidy));
        Assert.Equal(18_000_000, project.ReceivedFen(FundingSource.SocialCapital));
        Assert.Equal(12_000_000, project.ReceivedFen(FundingSource.ResidentCrowdfunding));
        Assert.Equal(6_000_000, project.ReceivedFen(FundingSource.SelfRaised));
        Assert.Equal(60_000_000, project.TotalReceivedFen); // 24,000,000 + 18,000,000 + 12,000,000 + 6,000,000
        Assert.Equal(60_000_000, project.AvailableFen);

        // Progress verified two months in: 60% = 36,000,000 fen in two disbursements, by two requesters and two payers.
        scenario.Now = Start.AddMonths(2);
        scenario.Reach(Milestone.ProgressVerified);
        var progress1 = Disburse(scenario, Tranche.Progress, 20_000_000, Fin, Fin2, "ICBC-2026-0501");
        var progress2 = Disburse(scenario, Tranche.Progress, 16_000_000, Fin2, Fin, "ICBC-2026-0502"); // 36,000,000 − 20,000,000
        scenario.AssertRefusedAndUnchanged(ResultCode.TrancheLocked, () => scenario.Request(Tranche.Acceptance, 1));
        scenario.AssertRefusedAndUnchanged(ResultCode.BeyondTrancheCap, () => scenario.Request(Tranche.Progress, 1));
        project = scenario.Project;
        Assert.Equal(36_000_000, project.PaidFen(Tranche.Progress));
        Assert.Equal(24_000_000, project.AvailableFen); // 60,000,000 − 36,000,000

        // Acceptance passed six months in: 30% = 18,000,000 fen.
        var acceptedAt = Start.AddMonths(6);
        scenario.Now = acceptedAt;
        scenario.Reach(Milestone.AcceptancePassed);
        var acceptance = Disburse(scenario, Tranche.Acceptance, 18_000_000, Fin, Fin2, "ICBC-2026-0901");
        scenario.AssertRefusedAndUnchanged(ResultCode.BeyondTrancheCap, () => scenario.Request(Tranche.Acceptance, 1));
        Assert.Equal(6_000_000, scenario.Project.AvailableFen); // 24,000,000 − 18,000,000

        // The warranty: not over 1 ms before acceptance + 24 months; over at exactly that time.
        var warrantyEnds = acceptedAt.AddMonths(WarrantyMonths); // 2026-09-01T08:00Z + 24 months
        Assert.Equal(new DateTimeOffset(2028, 9, 1, 8, 0, 0, TimeSpan.Zero), warrantyEnds);
        scenario.Now = warrantyEnds.AddMilliseconds(-1);
        scenario.AssertRefusedAndUnchanged(ResultCode.WarrantyNotExpired, () => scenario.Attest(Milestone.WarrantyExpired, Cs, Role.ConstructionSupervisor));
        scenario.Now = warrantyEnds;
        scenario.Reach(Milestone.WarrantyExpired);
        var warranty = Disburse(scenario, Tranche.Warranty, 6_000_000, Fin2, Fin, "ICBC-2028-0901");

        // Closing.
        AssertAccepted(scenario.Close());

        project = scenario.Project;
        Assert.Equal(ProjectStatus.Closed, project.Status);
        Assert.Equal(24_000_000, project.ReceivedFen(FundingSource.GovernmentSubsidy));
        Assert.Equal(18_000_000, project.ReceivedFen(FundingSource.SocialCapital));
        Assert.Equal(12_000_000, project.ReceivedFen(FundingSource.ResidentCrowdfunding));
        Assert.Equal(6_000_000, project.ReceivedFen(FundingSource.SelfRaised));
        Assert.Equal(36_000_000, project.PaidFen(Tranche.Progress)); // 60% × 60,000,000
        Assert.Equal(18_000_000, project.PaidFen(Tranche.Acceptance)); // 30% × 60,000,000
        Assert.Equal(6_000_000, project.PaidFen(Tranche.Warranty)); // 10% × 60,000,000
        Assert.Equal(60_000_000, project.TotalPaidFen);
        Assert.Equal(0, project.TotalPendingFen);
        Assert.Equal(0, project.AvailableFen);
        Assert.Equal([progress1, progress2, acceptance, warranty], project.Disbursements.Keys);
        Assert.All(project.Disbursements.Values, d =>
        {
            Assert.Equal(DisbursementStatus.Paid, d.Status);
            Assert.Equal(new Dictionary<Role, string>
            {
                [Role.OwnerRepresentative] = "owner",
                [Role.ConstructionSupervisor] = "cs",
                [Role.ProjectManager] = "pm",
            }, d.Approvals);
            Assert.NotEqual(d.RequestedBy, d.PaidBy);
            Assert.DoesNotContain(d.PaidBy, d.Approvals.Values);
        });
        Assert.Equal(["fin", "fin2", "fin", "fin2"], project.Disbursements.Values.Select(d => d.RequestedBy));
        Assert.Equal(["fin2", "fin", "fin2", "fin"], project.Disbursements.Values.Select(d => d.PaidBy));
        foreach (var (householdId, share) in expectedShares)
        {
            Assert.Equal(share, project.Campaign!.SharesFen[householdId]);
            Assert.Equal(share, project.ContributionsFen[householdId]);
            Assert.Equal(share, scenario.Household(householdId).ContributionsFen[ProjectId]);
        }
        Assert.Equal(12_000_000, project.ContributionsFen.Values.Sum());
        scenario.AssertRefusedAndUnchanged(ResultCode.ProjectEnded, () => scenario.RecordReceipt(FundingSource.GovernmentSubsidy, 1));
    }
}
