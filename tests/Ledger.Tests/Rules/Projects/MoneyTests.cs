// Money (src/Ledger/Rules/Money.cs): integer fen from 1 to 10^12, percentages rounded down so
// that a cap never allows more than its share, checked arithmetic (an overflow throws, never
// wraps), and enum names read only in their exact spelling.
using Ledger.Rules;

namespace Ledger.Tests.Rules.Projects;

public sealed class MoneyTests
{
    [Theory]
    [InlineData(1, true)]
    [InlineData(1_000_000_000_000, true)] // 10^12 fen = ten billion yuan
    [InlineData(0, false)]
    [InlineData(-1, false)]
    [InlineData(1_000_000_000_001, false)]
    [InlineData(long.MinValue, false)]
    [InlineData(long.MaxValue, false)]
    public void AmountIsValidFromOneFenToTenBillionYuan(long fen, bool valid)
    {
        Assert.Equal(valid, Money.IsValidAmount(fen));
    }

    [Theory]
    [InlineData(60_000_000, 60, 36_000_000)] // 60,000,000 × 60 ÷ 100
    [InlineData(60_000_000, 90, 54_000_000)]
    [InlineData(60_000_000, 100, 60_000_000)]
    [InlineData(60_000_000, 0, 0)]
    [InlineData(10_000_001, 30, 3_000_000)] // 300,000,030 ÷ 100 = 3,000,000.3, rounded down
    [InlineData(99, 1, 0)] // 0.99 rounded down
    [InlineData(1_000_000_000_000, 100, 1_000_000_000_000)]
    public void PercentOfRoundsDownToTheFen(long fen, int percent, long expected)
    {
        Assert.Equal(expected, Money.PercentOf(fen, percent));
    }

    [Fact]
    public void PercentOfAnAmountTooLargeToMultiplyThrowsRatherThanWraps()
    {
        Assert.Throws<OverflowException>(() => Money.PercentOf(long.MaxValue / 2, 3));
    }

    [Theory]
    [InlineData("GovernmentSubsidy", true)]
    [InlineData("SelfRaised", true)]
    [InlineData("governmentSubsidy", false)]
    [InlineData("GOVERNMENTSUBSIDY", false)]
    [InlineData("0", false)]
    [InlineData("2", false)]
    [InlineData("GovernmentSubsidy,SocialCapital", false)]
    [InlineData(" SelfRaised", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void FundingSourceIsReadOnlyByItsExactName(string? name, bool known)
    {
        Assert.Equal(known, EnumNames.TryParse<FundingSource>(name, out var source));
        if (known)
        {
            Assert.Equal(name, source.ToString());
        }
    }

    [Fact]
    public void TranchesAndMilestonesAreInTheOrderTheyOpen()
    {
        Assert.Equal([Tranche.Progress, Tranche.Acceptance, Tranche.Warranty], Enum.GetValues<Tranche>());
        Assert.Equal([Milestone.ProgressVerified, Milestone.AcceptancePassed, Milestone.WarrantyExpired], Enum.GetValues<Milestone>());
        Assert.Equal(Milestone.ProgressVerified, Ledger.Rules.Projects.ProjectState.MilestoneOf(Tranche.Progress));
        Assert.Equal(Milestone.AcceptancePassed, Ledger.Rules.Projects.ProjectState.MilestoneOf(Tranche.Acceptance));
        Assert.Equal(Milestone.WarrantyExpired, Ledger.Rules.Projects.ProjectState.MilestoneOf(Tranche.Warranty));
    }
}
