// SignReconciliation and CountersignReconciliation (docs/BANK.md, docs/ENTRIES.md §project):
// a finance officer signs that the bank statement of a period closes on the ledger's balance
// of the project's account at the period's end; a resident supervisor who did not sign it
// countersigns. The balance is every movement recorded before 00:00 China Standard Time of
// the day after the period, reversals counted when they are approved.
using System.Text.Json.Nodes;
using Ledger.Rules;
using Ledger.Rules.Projects;

using static Ledger.Tests.Rules.Projects.ProjectScenario;
using static Ledger.Tests.Rules.RegistryScenario;

namespace Ledger.Tests.Rules.Projects;

public sealed class ReconciliationTests
{
    /// <summary>March 2026 in China Standard Time; the scenario starts at 2026-03-01T08:00Z, 16:00 CST.</summary>
    const string March1 = "2026-03-01";
    const string March31 = "2026-03-31";

    /// <summary>The end of March 31 in CST: 2026-04-01T00:00+08:00 = 2026-03-31T16:00:00.000Z.</summary>
    static readonly DateTimeOffset EndOfMarch = new(2026, 3, 31, 16, 0, 0, TimeSpan.Zero);

    const long FundedFen = GovernmentPlanFen + SocialCapitalPlanFen + SelfRaisedPlanFen; // 48,000,000

    static readonly string StatementHash = DocumentHash("statement of March 2026");

    public static JsonObject SignBody(long closingBalanceFen, string fromDate = March1, string toDate = March31) => new()
    {
        ["closingBalanceFen"] = closingBalanceFen,
        ["fromDate"] = fromDate,
        ["matchedCount"] = 3,
        ["projectId"] = ProjectId,
        ["statementHash"] = StatementHash,
        ["toDate"] = toDate,
        ["unmatchedLedgerCount"] = 0,
        ["unmatchedStatementCount"] = 1,
    };

    static Decision Sign(ProjectScenario scenario, JsonObject body, Signer? by = null) =>
        scenario.Submit(by ?? Fin, ProjectCommandTypes.SignReconciliation, body);

    static Decision Countersign(ProjectScenario scenario, long reconciliationId, Signer? by = null) =>
        scenario.Submit(by ?? Supervisor, ProjectCommandTypes.CountersignReconciliation,
            new JsonObject { ["projectId"] = ProjectId, ["reconciliationId"] = reconciliationId });

    static long SignedId(ProjectScenario scenario, JsonObject body, Signer? by = null)
    {
        var accepted = AssertAccepted(Sign(scenario, body, by));
        return accepted.Entries.Single().Body["reconciliationId"]!.GetValue<long>();
    }

    /// <summary>Funded in March (48,000,000 fen in), the clock at the end of March.</summary>
    static ProjectScenario FundedInMarch()
    {
        var scenario = Funded();
        scenario.Now = EndOfMarch;
        return scenario;
    }

    [Fact]
    public void ReconciliationIsSignedThenCountersignedAndOnlyThenReconciled()
    {
        var scenario = FundedInMarch();

        var id = SignedId(scenario, SignBody(FundedFen));

        var signed = scenario.Ledger.Entries[^1];
        Assert.Equal(ProjectEntryTypes.ReconciliationSigned, signed.Type);
        Assert.Equal(id, signed.Sequence);
        Assert.Equal(new Reconciliation(id, new ReconciliationPeriod(new DateOnly(2026, 3, 1), new DateOnly(2026, 3, 31)), FundedFen,
            Ledger.Hashing.Hash.Parse(StatementHash), 3, 1, 0, "fin", CountersignedBy: null), scenario.Project.Reconciliations[id]);
        Assert.Null(scenario.Project.LastReconciled);

        var countersigned = AssertAccepted(Countersign(scenario, id)).Entries.Single();

        Assert.Equal(ProjectEntryTypes.ReconciliationCountersigned, countersigned.Type);
        Assert.Equal("""{"closingBalanceFen":48000000,"reconciliationId":""" + id + ""","toDate":"2026-03-31"}""", countersigned.Body.ToJsonString());
        Assert.Equal("supervisor", scenario.Project.LastReconciled?.CountersignedBy);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(+1)]
    [InlineData(-FundedFen)]
    public void StatementAFenOffIsRefused(long offFen)
    {
        var scenario = FundedInMarch();

        var refusal = scenario.AssertRefusedAndUnchanged(ResultCode.ReconciliationBalanceMismatch, () => Sign(scenario, SignBody(FundedFen + offFen)));

        Assert.Contains("48000000 fen", refusal.Message);
    }

    /// <summary>A receipt of 1,000 fen recorded at the period's end plus an offset: it counts in March only if recorded before 00:00 CST of April 1.</summary>
    [Theory]
    [InlineData(-24 * 3_600_000L, 1_000)] // 2026-03-31T00:00 CST
    [InlineData(-1L, 1_000)] // 2026-03-31T23:59:59.999 CST
    [InlineData(0L, 0)] // 2026-04-01T00:00:00.000 CST
    [InlineData(1L, 0)]
    public void BalanceCountsWhatWasRecordedBeforeTheEndOfTheLastDayInChinaStandardTime(long offsetMs, long expectedFen)
    {
        var scenario = Opened();
        scenario.Now = EndOfMarch.AddMilliseconds(offsetMs);
        AssertAccepted(scenario.Submit(Fin, ProjectCommandTypes.RecordReceipt, ReceiptBody("SelfRaised", 1_000, "BANK-0007")));
        scenario.Now = EndOfMarch.AddMilliseconds(Math.Max(0, offsetMs));

        var otherFen = 1_000 - expectedFen;
        scenario.AssertRefusedAndUnchanged(ResultCode.ReconciliationBalanceMismatch, () => Sign(scenario, SignBody(otherFen)));
        AssertAccepted(Sign(scenario, SignBody(expectedFen)));
    }

    [Fact]
    public void PeriodThatHasNotEndedIsRefusedUntilItsLastDayIsOver()
    {
        var scenario = Funded();
        scenario.Now = EndOfMarch.AddMilliseconds(-1);

        scenario.AssertRefusedAndUnchanged(ResultCode.ReconciliationPeriodNotEnded, () => Sign(scenario, SignBody(FundedFen)));
        scenario.Now = EndOfMarch;
        AssertAccepted(Sign(scenario, SignBody(FundedFen)));
    }

    public static TheoryData<string, string, ResultCode?> NextPeriods() => new()
    {
        { "2026-04-01", "2026-04-30", null }, // the day after the last period's end
        { "2026-04-10", "2026-04-30", null }, // a gap is allowed: the balance carries over
        { "2026-03-31", "2026-04-30", ResultCode.ReconciliationPeriodOverlaps }, // overlaps by one day
        { "2026-02-01", "2026-02-28", ResultCode.ReconciliationPeriodOverlaps }, // out of order
        { "2026-04-30", "2026-04-01", ResultCode.ReconciliationPeriodInvalid }, // ends before it starts
        { "2026-04-01", "2026-04-01", null }, // one day
    };

    [Theory]
    [MemberData(nameof(NextPeriods))]
    public void PeriodsFollowEachOtherWithoutOverlap(string fromDate, string toDate, ResultCode? refused)
    {
        var scenario = FundedInMarch();
        SignedId(scenario, SignBody(FundedFen));
        scenario.Now = new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero);

        if (refused is { } code)
        {
            scenario.AssertRefusedAndUnchanged(code, () => Sign(scenario, SignBody(FundedFen, fromDate, toDate)));
        }
        else
        {
            AssertAccepted(Sign(scenario, SignBody(FundedFen, fromDate, toDate)));
        }
    }

    [Fact]
    public void PendingReconciliationStillOrdersTheNextPeriod()
    {
        var scenario = FundedInMarch();
        SignedId(scenario, SignBody(FundedFen)); // never countersigned

        scenario.AssertRefusedAndUnchanged(ResultCode.ReconciliationPeriodOverlaps, () => Sign(scenario, SignBody(FundedFen)));
    }

    [Theory]
    [InlineData("fromDate", "\"2026-3-01\"")]
    [InlineData("toDate", "\"2026-03-31T00:00:00Z\"")]
    [InlineData("toDate", "\"2026-02-30\"")]
    [InlineData("toDate", "20260331")]
    [InlineData("fromDate", "\"1999-12-31\"")]
    [InlineData("toDate", "\"9999-12-31\"")]
    [InlineData("statementHash", "\"ABC\"")]
    [InlineData("matchedCount", "-1")]
    [InlineData("unmatchedStatementCount", "1000001")]
    [InlineData("closingBalanceFen", "\"48000000\"")]
    public void MalformedReconciliationIsRefused(string member, string json)
    {
        var scenario = FundedInMarch();
        var body = SignBody(FundedFen);
        body[member] = JsonNode.Parse(json);

        scenario.AssertRefusedAndUnchanged(ResultCode.MalformedCommand, () => Sign(scenario, body));
    }

    [Theory]
    [InlineData(-1L)]
    [InlineData(Money.MaxAmountFen + 1)]
    public void ClosingBalanceOutOfRangeIsRefused(long closingBalanceFen)
    {
        var scenario = FundedInMarch();

        scenario.AssertRefusedAndUnchanged(ResultCode.AmountOutOfRange, () => Sign(scenario, SignBody(closingBalanceFen)));
    }

    [Fact]
    public void EmptyAccountReconcilesOnZero()
    {
        var scenario = Opened();
        scenario.Now = EndOfMarch;

        AssertAccepted(Sign(scenario, SignBody(0)));
    }

    [Fact]
    public void PaymentsContributionsAndReversalsMoveTheBalanceWhenTheyAreRecorded()
    {
        var scenario = AtProgress();
        var (_, payment) = scenario.RequestApprovedAndPaid(Tranche.Progress, 10_000_000);
        AssertAccepted(scenario.StartCampaign());
        AssertAccepted(scenario.PayShare("b2-0101", 1_000));
        var reversal = scenario.ProposeReversalId(payment);
        scenario.Now = EndOfMarch;
        AssertAccepted(scenario.ApproveReversal(reversal)); // in April: the money comes back then

        AssertAccepted(Sign(scenario, SignBody(FundedFen - 10_000_000 + 1_000)));
        scenario.Now = new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero);
        AssertAccepted(Sign(scenario, SignBody(FundedFen + 1_000, "2026-04-01", "2026-04-30")));
        (long, string?)[] movements =
            [(GovernmentPlanFen, null), (SocialCapitalPlanFen, null), (SelfRaisedPlanFen, null), (-10_000_000, "ICBC-0001"), (1_000, "b2-0101"), (10_000_000, "ICBC-0001")];
        Assert.Equal(movements, scenario.Project.Movements.Select(m => (m.AmountFen, m.Reference)));
    }

    [Fact]
    public void SignerDoesNotCountersign()
    {
        var scenario = FundedInMarch();
        var id = SignedId(scenario, SignBody(FundedFen), FinSupervisor);

        scenario.AssertRefusedAndUnchanged(ResultCode.SignerCannotCountersign, () => Countersign(scenario, id, FinSupervisor));
        AssertAccepted(Countersign(scenario, id));
    }

    [Fact]
    public void ReconciliationIsCountersignedOnce()
    {
        var scenario = FundedInMarch();
        var id = SignedId(scenario, SignBody(FundedFen));
        AssertAccepted(Countersign(scenario, id));

        scenario.AssertRefusedAndUnchanged(ResultCode.ReconciliationAlreadyCountersigned, () => Countersign(scenario, id, FinSupervisor));
    }

    [Theory]
    [InlineData(0L)] // ProjectOpened
    [InlineData(1L)] // a receipt
    [InlineData(99L)]
    public void CountersigningWhatIsNotAReconciliationIsRefused(long id)
    {
        var scenario = FundedInMarch();

        scenario.AssertRefusedAndUnchanged(ResultCode.UnknownReconciliation, () => Countersign(scenario, id));
    }

    [Fact]
    public void ReconciliationOfAnUnopenedProjectIsRefused()
    {
        var scenario = BeforeOpening();
        scenario.Now = EndOfMarch;

        scenario.AssertRefusedAndUnchanged(ResultCode.ProjectNotOpen, () => Sign(scenario, SignBody(0)));
    }
}
