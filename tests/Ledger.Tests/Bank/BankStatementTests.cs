// The bank statement file (docs/BANK.md) and its matching against a project's account: the
// sample of docs/samples/ read and matched line for line, every malformed file refused with
// its line and column, duplicates paired in order.
using System.Text;
using Ledger.Bank;
using Ledger.Rules;
using Ledger.Rules.Projects;
using Ledger.Tests.Rules.Projects;

using static Ledger.Tests.Rules.Projects.ProjectScenario;
using static Ledger.Tests.Rules.RegistryScenario;

namespace Ledger.Tests.Bank;

public sealed class BankStatementTests
{
    static readonly ReconciliationPeriod FirstQuarter = new(new DateOnly(2026, 1, 1), new DateOnly(2026, 3, 31));

    static byte[] Sample() => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "samples", "bank-statement-2026Q1.csv"));

    static BankStatement Parse(string text) => BankStatement.Parse(Encoding.UTF8.GetBytes(text), FirstQuarter);

    static string Statement(params string[] lines) => string.Join("\n", [BankStatement.Header, .. lines]) + "\n";

    [Fact]
    public void SampleStatementIsRead()
    {
        var statement = BankStatement.Parse(Sample(), FirstQuarter);

        Assert.Equal(4, statement.Lines.Count);
        Assert.Equal(new StatementLine(3, new DateOnly(2026, 3, 1), 18_000_000, "荷花物业服务有限公司,社会资本", "SC-2026-003", 42_000_000), statement.Lines[1]);
        Assert.Equal(-10_000_000, statement.Lines[3].AmountFen);
        Assert.Equal(0, statement.OpeningBalanceFen);
        Assert.Equal(32_060_000, statement.ClosingBalanceFen);
    }

    /// <summary>The sample's story in the ledger: two receipts, one household's payment and one payment, each with the statement's reference.</summary>
    static ProjectScenario SampleProject()
    {
        var scenario = Opened();
        AssertAccepted(scenario.Submit(Fin, ProjectCommandTypes.RecordReceipt, ReceiptBody("GovernmentSubsidy", GovernmentPlanFen, "GOV-2026-017")));
        AssertAccepted(scenario.Submit(Fin, ProjectCommandTypes.RecordReceipt, ReceiptBody("SocialCapital", SocialCapitalPlanFen, "SC-2026-003")));
        scenario.Reach(Milestone.ProgressVerified);
        AssertAccepted(scenario.StartCampaign());
        AssertAccepted(scenario.PayShare("b2-0101", 60_000));
        scenario.RequestApprovedAndPaid(Tranche.Progress, 10_000_000);
        return scenario;
    }

    [Fact]
    public void SampleStatementMatchesTheLedgerLineForLine()
    {
        var project = SampleProject().Project;

        var match = StatementMatch.Of(BankStatement.Parse(Sample(), FirstQuarter), project);

        Assert.Equal([2, 3, 4, 5], match.Matched.Select(m => m.Line.Line));
        Assert.Equal(project.Movements.Select(m => m.Sequence), match.Matched.Select(m => m.Movement.Sequence));
        Assert.Empty(match.UnmatchedLines);
        Assert.Empty(match.UnmatchedMovements);
        Assert.True(match.BalancesAgree);
        Assert.Equal(32_060_000, match.LedgerClosingBalanceFen);
    }

    [Fact]
    public void LinesAndMovementsWithoutAPartnerAreListedOnTheirSide()
    {
        var project = SampleProject().Project;
        var statement = Parse(Statement(
            "2026-03-01,240000.00,财政所,GOV-2026-017,240000.00",
            "2026-03-01,180000.00,物业,SC-2026-004,420000.00", // a reference the ledger does not know
            "2026-03-01,600.01,住户,b2-0101,420600.01", // a fen more than the ledger's
            "2026-03-31,0.35,银行,INTEREST-2026Q1,420600.36"));

        var match = StatementMatch.Of(statement, project);

        Assert.Equal([2], match.Matched.Select(m => m.Line.Line));
        Assert.Equal([3, 4, 5], match.UnmatchedLines.Select(l => l.Line));
        Assert.Equal([18_000_000, 60_000, -10_000_000], match.UnmatchedMovements.Select(m => m.AmountFen));
        Assert.False(match.BalancesAgree);
    }

    [Fact]
    public void DuplicatesArePairedInOrderAndTheSurplusIsUnmatched()
    {
        var scenario = Opened();
        AssertAccepted(scenario.Submit(Fin, ProjectCommandTypes.RecordReceipt, ReceiptBody("SelfRaised", 5_000, "RENT-03")));
        AssertAccepted(scenario.Submit(Fin, ProjectCommandTypes.RecordReceipt, ReceiptBody("SelfRaised", 5_000, "RENT-03")));
        var statement = Parse(Statement(
            "2026-03-01,50.00,广告,RENT-03,50.00",
            "2026-03-01,50.00,广告,RENT-03,100.00",
            "2026-03-01,50.00,广告,RENT-03,150.00"));

        var match = StatementMatch.Of(statement, scenario.Project);

        Assert.Equal([(2, 1L), (3, 2L)], match.Matched.Select(m => (m.Line.Line, m.Movement.Sequence)));
        Assert.Equal([4], match.UnmatchedLines.Select(l => l.Line));
        Assert.Empty(match.UnmatchedMovements);
    }

    [Fact]
    public void MovementsOutsideThePeriodAreNotMatched()
    {
        var scenario = Opened();
        AssertAccepted(scenario.Submit(Fin, ProjectCommandTypes.RecordReceipt, ReceiptBody("SelfRaised", 5_000, "RENT-03")));
        scenario.Now = new DateTimeOffset(2026, 3, 31, 16, 0, 0, TimeSpan.Zero); // 2026-04-01T00:00 CST
        AssertAccepted(scenario.Submit(Fin, ProjectCommandTypes.RecordReceipt, ReceiptBody("SelfRaised", 5_000, "RENT-04")));

        var match = StatementMatch.Of(Parse(Statement("2026-03-01,50.00,广告,RENT-03,50.00")), scenario.Project);

        Assert.Single(match.Matched);
        Assert.Empty(match.UnmatchedMovements);
        Assert.Equal(5_000, match.LedgerClosingBalanceFen);
    }

    public static TheoryData<string, int, int> MalformedStatements() => new()
    {
        { "", 1, 1 },
        { "date;amount;counterparty;reference;balance\n", 1, 1 },
        { Statement(), 2, 1 },
        { Statement("2026-03-01,1.00,a,R1"), 2, 4 },
        { Statement("2026-03-01,1.00,a,R1,1.00,extra"), 2, 6 },
        { Statement("2026/03/01,1.00,a,R1,1.00"), 2, 1 },
        { Statement("2026-04-01,1.00,a,R1,1.00"), 2, 1 }, // after the period
        { Statement("2025-12-31,1.00,a,R1,1.00"), 2, 1 }, // before it
        { Statement("2026-03-01,1.0,a,R1,1.00"), 2, 2 },
        { Statement("2026-03-01,1,a,R1,1.00"), 2, 2 },
        { Statement("2026-03-01,\"1,000.00\",a,R1,1000.00"), 2, 2 },
        { Statement("2026-03-01,+1.00,a,R1,1.00"), 2, 2 },
        { Statement("2026-03-01,01.00,a,R1,1.00"), 2, 2 },
        { Statement("2026-03-01,0.00,a,R1,0.00"), 2, 2 },
        { Statement("2026-03-01,100000000000.00,a,R1,1.00"), 2, 2 }, // 10^13 fen
        { Statement("2026-03-01,1.00,a,R1,1.00", "2026-03-01,2.00,b,R2,3.01"), 3, 5 }, // a fen off the running balance
        { Statement("2026-03-02,1.00,a,R1,1.00", "2026-03-01,2.00,b,R2,3.00"), 3, 1 },
        { Statement("2026-03-01,1.00,\"a,R1,1.00"), 2, 3 },
        { Statement("2026-03-01,1.00,a\"b,R1,1.00"), 2, 3 },
        { Statement("2026-03-01,1.00,\"a\"b,R1,1.00"), 2, 3 },
        { Statement("2026-03-01,1.00,a,R1\t,1.00"), 2, 4 },
        { Statement("2026-03-01,1.00,a,R1,1.00", "", "2026-03-01,1.00,a,R1,2.00"), 3, 1 },
    };

    [Theory]
    [MemberData(nameof(MalformedStatements))]
    public void MalformedStatementIsRefusedWithItsLineAndColumn(string text, int line, int column)
    {
        var e = Assert.Throws<StatementFormatException>(() => Parse(text));

        Assert.Equal((line, column), (e.Line, e.Column));
        Assert.StartsWith($"line {line}, column {column}: ", e.Message);
    }

    [Fact]
    public void StatementThatIsNotUtf8IsRefused()
    {
        var bytes = Encoding.UTF8.GetBytes(Statement("2026-03-01,1.00,a,R1,1.00"));
        bytes[^5] = 0xFF;

        var e = Assert.Throws<StatementFormatException>(() => BankStatement.Parse(bytes, FirstQuarter));

        Assert.Equal((1, 1), (e.Line, e.Column));
    }

    [Fact]
    public void ByteOrderMarkCarriageReturnsAndQuotedQuotesAreRead()
    {
        var text = "\uFEFF" + BankStatement.Header + "\r\n2026-03-01,-0.01,\"the \"\"bank\"\"\",,-0.01\r\n";

        var line = Parse(text).Lines.Single();

        Assert.Equal(new StatementLine(2, new DateOnly(2026, 3, 1), -1, "the \"bank\"", "", -1), line);
    }

    [Theory]
    [InlineData(0L, "0.00")]
    [InlineData(-1L, "-0.01")]
    [InlineData(123_450L, "1234.50")]
    [InlineData(Money.MaxAmountFen, "10000000000.00")]
    public void FenAreWrittenAsTheStatementWritesYuan(long fen, string yuan)
    {
        Assert.Equal(yuan, BankStatement.Format(fen));
        Assert.Equal(fen, Parse(Statement($"2026-03-01,{(fen == 0 ? "1.00" : yuan)},a,R,{yuan}")).ClosingBalanceFen);
    }
}
