// AttestMilestone (ProjectRules.AttestMilestone): a milestone is reached when the project
// manager and the construction supervisor, two different people, have both attested it with
// evidence; milestones are reached in order, and the warranty expires no earlier than
// warrantyMonths after acceptance passed (seed 001 §9.2, 质保期满).
using Ledger.Rules;
using Ledger.Rules.Projects;

using static Ledger.Tests.Rules.Projects.ProjectScenario;
using static Ledger.Tests.Rules.RegistryScenario;

namespace Ledger.Tests.Rules.Projects;

public sealed class MilestoneTests
{
    [Fact]
    public void OneAttestationDoesNotReachTheMilestone()
    {
        var scenario = Opened();

        var accepted = AssertAccepted(scenario.Attest(Milestone.ProgressVerified, Pm, Role.ProjectManager));

        Assert.Equal(ProjectEntryTypes.MilestoneAttested, accepted.Entries.Single().Type);
        var progress = scenario.Project.Milestones[Milestone.ProgressVerified];
        Assert.Equal(new Dictionary<Role, string> { [Role.ProjectManager] = "pm" }, progress.AttestedBy);
        Assert.Null(progress.ReachedAt);
        Assert.False(scenario.Project.Reached(Milestone.ProgressVerified));
        Assert.Null(scenario.Project.UnlockedTranche);
    }

    [Fact]
    public void BothAttestationsReachTheMilestoneAtTheTimeOfTheSecond()
    {
        var scenario = Opened();
        AssertAccepted(scenario.Attest(Milestone.ProgressVerified, Cs, Role.ConstructionSupervisor));
        scenario.Now = Start.AddDays(3);

        AssertAccepted(scenario.Attest(Milestone.ProgressVerified, Pm, Role.ProjectManager));

        var progress = scenario.Project.Milestones[Milestone.ProgressVerified];
        Assert.Equal(new Dictionary<Role, string> { [Role.ProjectManager] = "pm", [Role.ConstructionSupervisor] = "cs" }, progress.AttestedBy);
        Assert.Equal(Start.AddDays(3), progress.ReachedAt);
        Assert.True(scenario.Project.Reached(Milestone.ProgressVerified));
        Assert.Equal(Tranche.Progress, scenario.Project.UnlockedTranche);
    }

    [Fact]
    public void MilestonesReachedInOrderUnlockTheirTranches()
    {
        var scenario = Opened();
        scenario.Reach(Milestone.ProgressVerified);
        scenario.Reach(Milestone.AcceptancePassed);
        Assert.Equal(Tranche.Acceptance, scenario.Project.UnlockedTranche);

        scenario.Now = Start.AddMonths(WarrantyMonths);
        scenario.Reach(Milestone.WarrantyExpired);

        Assert.Equal(Tranche.Warranty, scenario.Project.UnlockedTranche);
        Assert.All(Enum.GetValues<Milestone>(), m => Assert.True(scenario.Project.Reached(m)));
    }

    [Fact]
    public void WarrantyAttestedOneMillisecondBeforeItsPeriodEndsIsRefusedAndAtExactlyItsEndAccepted()
    {
        var scenario = Opened();
        scenario.Reach(Milestone.ProgressVerified);
        var acceptedAt = Start.AddDays(90);
        scenario.Now = acceptedAt;
        scenario.Reach(Milestone.AcceptancePassed);
        Assert.Equal(acceptedAt, scenario.Project.Milestones[Milestone.AcceptancePassed].ReachedAt);
        var expires = acceptedAt.AddMonths(WarrantyMonths); // 2026-05-30T08:00Z + 24 months = 2028-05-30T08:00Z
        Assert.Equal(new DateTimeOffset(2028, 5, 30, 8, 0, 0, TimeSpan.Zero), expires);

        scenario.Now = expires.AddMilliseconds(-1);
        scenario.AssertRefusedAndUnchanged(ResultCode.WarrantyNotExpired, () => scenario.Attest(Milestone.WarrantyExpired, Pm, Role.ProjectManager));

        scenario.Now = expires;
        AssertAccepted(scenario.Attest(Milestone.WarrantyExpired, Pm, Role.ProjectManager));
        AssertAccepted(scenario.Attest(Milestone.WarrantyExpired, Cs, Role.ConstructionSupervisor));
        Assert.Equal(expires, scenario.Project.Milestones[Milestone.WarrantyExpired].ReachedAt);
    }

    [Fact]
    public void WarrantyIsCountedFromWhenAcceptanceWasReachedNotFromItsFirstAttestation()
    {
        var scenario = Opened();
        scenario.Reach(Milestone.ProgressVerified);
        AssertAccepted(scenario.Attest(Milestone.AcceptancePassed, Pm, Role.ProjectManager));
        scenario.Now = Start.AddDays(10);
        AssertAccepted(scenario.Attest(Milestone.AcceptancePassed, Cs, Role.ConstructionSupervisor));

        scenario.Now = Start.AddMonths(WarrantyMonths);
        scenario.AssertRefusedAndUnchanged(ResultCode.WarrantyNotExpired, () => scenario.Attest(Milestone.WarrantyExpired, Cs, Role.ConstructionSupervisor));

        scenario.Now = Start.AddDays(10).AddMonths(WarrantyMonths);
        AssertAccepted(scenario.Attest(Milestone.WarrantyExpired, Cs, Role.ConstructionSupervisor));
    }

    [Fact]
    public void WarrantyOfZeroMonthsExpiresWhenAcceptanceIsReached()
    {
        var scenario = BeforeOpening();
        AssertAccepted(scenario.Open(OpenBody(warrantyMonths: 0)));
        scenario.Reach(Milestone.ProgressVerified);
        scenario.Reach(Milestone.AcceptancePassed);

        scenario.Reach(Milestone.WarrantyExpired);

        Assert.True(scenario.Project.Reached(Milestone.WarrantyExpired));
    }

    [Fact]
    public void AttestationBeforeTheProjectIsOpenedIsRefused()
    {
        var scenario = BeforeOpening();

        scenario.AssertRefusedAndUnchanged(ResultCode.ProjectNotOpen, () => scenario.Attest(Milestone.ProgressVerified, Pm, Role.ProjectManager));
    }

    [Fact]
    public void AttestationAfterCancellationIsRefusedAsEnded()
    {
        var scenario = Opened();
        AssertAccepted(scenario.Cancel([]));

        scenario.AssertRefusedAndUnchanged(ResultCode.ProjectEnded, () => scenario.Attest(Milestone.ProgressVerified, Pm, Role.ProjectManager));
    }

    [Theory]
    [InlineData("Completed")]
    [InlineData("progressVerified")]
    [InlineData("1")]
    public void AttestationOfAnUnknownMilestoneIsRefused(string milestone)
    {
        var scenario = Opened();

        scenario.AssertRefusedAndUnchanged(ResultCode.UnknownMilestone,
            () => scenario.Submit(Pm, ProjectCommandTypes.AttestMilestone, AttestBody(milestone, "ProjectManager")));
    }

    [Theory]
    [InlineData("ConstructionSupervisor")] // a role of attesters the signer does not hold
    [InlineData("OwnerRepresentative")] // not a role that attests milestones
    [InlineData("Wizard")] // not a role at all
    public void AttestationInARoleTheSignerDoesNotHoldOrThatDoesNotAttestIsRefusedAsRoleMissing(string role)
    {
        var scenario = Opened();

        scenario.AssertRefusedAndUnchanged(ResultCode.RoleMissing,
            () => scenario.Submit(Pm, ProjectCommandTypes.AttestMilestone, AttestBody("ProgressVerified", role)));
    }

    [Fact]
    public void AttestationByAnOwnerRepresentativeIsRefusedAsRoleMissingBeforeTheRule()
    {
        var scenario = Opened();

        scenario.AssertRefusedAndUnchanged(ResultCode.RoleMissing, () => scenario.Attest(Milestone.ProgressVerified, Owner, Role.OwnerRepresentative));
    }

    [Fact]
    public void AcceptanceBeforeProgressIsVerifiedIsRefusedAsOutOfOrder()
    {
        var scenario = Opened();

        scenario.AssertRefusedAndUnchanged(ResultCode.MilestoneOutOfOrder, () => scenario.Attest(Milestone.AcceptancePassed, Pm, Role.ProjectManager));
    }

    [Fact]
    public void AcceptanceWhileProgressHasOneAttestationIsRefusedAsOutOfOrder()
    {
        var scenario = Opened();
        AssertAccepted(scenario.Attest(Milestone.ProgressVerified, Pm, Role.ProjectManager));

        scenario.AssertRefusedAndUnchanged(ResultCode.MilestoneOutOfOrder, () => scenario.Attest(Milestone.AcceptancePassed, Pm, Role.ProjectManager));
    }

    [Fact]
    public void WarrantyBeforeAcceptanceIsRefusedAsOutOfOrderWhateverTheTime()
    {
        var scenario = Opened();
        scenario.Reach(Milestone.ProgressVerified);
        scenario.Now = Start.AddYears(5);

        scenario.AssertRefusedAndUnchanged(ResultCode.MilestoneOutOfOrder, () => scenario.Attest(Milestone.WarrantyExpired, Cs, Role.ConstructionSupervisor));
    }

    [Fact]
    public void SecondAttestationInTheSameRoleIsRefused()
    {
        var scenario = Opened();
        AssertAccepted(scenario.Attest(Milestone.ProgressVerified, Pm, Role.ProjectManager));

        // Another project manager: the role has attested already.
        scenario.AssertRefusedAndUnchanged(ResultCode.MilestoneAlreadyAttested, () => scenario.Attest(Milestone.ProgressVerified, PmCs, Role.ProjectManager));
        // The same project manager again.
        scenario.AssertRefusedAndUnchanged(ResultCode.MilestoneAlreadyAttested, () => scenario.Attest(Milestone.ProgressVerified, Pm, Role.ProjectManager));
    }

    [Fact]
    public void AttestationOfAReachedMilestoneIsRefused()
    {
        var scenario = Opened();
        scenario.Reach(Milestone.ProgressVerified);

        scenario.AssertRefusedAndUnchanged(ResultCode.MilestoneAlreadyAttested, () => scenario.Attest(Milestone.ProgressVerified, PmCs, Role.ConstructionSupervisor));
    }

    [Fact]
    public void OnePersonAttestingInBothRolesIsRefused()
    {
        var scenario = Opened();
        AssertAccepted(scenario.Attest(Milestone.ProgressVerified, PmCs, Role.ProjectManager));

        scenario.AssertRefusedAndUnchanged(ResultCode.AttesterAlreadySigned, () => scenario.Attest(Milestone.ProgressVerified, PmCs, Role.ConstructionSupervisor));
        Assert.False(scenario.Project.Reached(Milestone.ProgressVerified));

        AssertAccepted(scenario.Attest(Milestone.ProgressVerified, Cs, Role.ConstructionSupervisor));
        Assert.True(scenario.Project.Reached(Milestone.ProgressVerified));
    }

    [Fact]
    public void AttestationWithAnEvidenceHashThatIsNotHexIsRefusedAsMalformed()
    {
        var scenario = Opened();

        scenario.AssertRefusedAndUnchanged(ResultCode.MalformedCommand,
            () => scenario.Submit(Pm, ProjectCommandTypes.AttestMilestone, AttestBody("ProgressVerified", "ProjectManager", "inspection report")));
    }
}
