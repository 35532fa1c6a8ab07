// Restricted funds (issue 17 §2, docs/ENTRIES.md §"Restricted funds"): each funding source pays
// only for the expense categories the project's policy permits it; a request draws on the
// permitted sources in the policy's order or pro rata, to the fen, and is refused when they
// cannot cover it even though the project's total could. Reversals give the money back to the
// sources it came from.
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Rules;
using Ledger.Rules.Projects;

using static Ledger.Tests.Rules.Projects.ProjectScenario;
using static Ledger.Tests.Rules.RegistryScenario;

namespace Ledger.Tests.Rules.Projects;

public sealed class RestrictedFundsTests
{
    const FundingSource Gov = FundingSource.GovernmentSubsidy;
    const FundingSource Social = FundingSource.SocialCapital;
    const FundingSource Self = FundingSource.SelfRaised;
    const FundingSource Residents = FundingSource.ResidentCrowdfunding;

    /// <summary>
    /// The subsidy pays equipment and installation only (issue 17's example); social capital pays
    /// for anything; the self-raised money for design, supervision and anything else.
    /// Funded(): 24,000,000 subsidy + 18,000,000 social capital + 6,000,000 self-raised fen.
    /// </summary>
    static JsonObject Policy(string drawing = "InOrder", params (FundingSource Source, string[] Categories)[] sources)
    {
        if (sources.Length == 0)
        {
            sources =
            [
                (Gov, ["Equipment", "Installation"]),
                (Social, ["Equipment", "Installation", "Design", "Supervision", "Other"]),
                (Self, ["Design", "Supervision", "Other"]),
            ];
        }
        return new JsonObject
        {
            ["drawing"] = drawing,
            ["sources"] = new JsonArray(sources.Select(s => (JsonNode)new JsonObject
            {
                ["categories"] = new JsonArray(s.Categories.Select(c => (JsonNode)c).ToArray()),
                ["source"] = s.Source.ToString(),
            }).ToArray()),
        };
    }

    /// <summary>Funded() with a fund policy, at progress: the Progress tranche (cap 36,000,000 fen) is open.</summary>
    static ProjectScenario RestrictedAtProgress(JsonObject? policy = null)
    {
        var scenario = BeforeOpening();
        var open = OpenBody();
        open["fundPolicy"] = policy ?? Policy();
        AssertAccepted(scenario.Open(open));
        AssertAccepted(scenario.RecordReceipt(Gov, GovernmentPlanFen));
        AssertAccepted(scenario.RecordReceipt(Social, SocialCapitalPlanFen));
        AssertAccepted(scenario.RecordReceipt(Self, SelfRaisedPlanFen));
        scenario.Reach(Milestone.ProgressVerified);
        return scenario;
    }

    static Decision Request(ProjectScenario scenario, string? category, long amountFen, Tranche tranche = Tranche.Progress)
    {
        var body = RequestBody(tranche.ToString(), amountFen);
        if (category is not null)
        {
            body["category"] = category;
        }
        return scenario.Submit(Fin, ProjectCommandTypes.RequestDisbursement, body);
    }

    static long RequestId(ProjectScenario scenario, string category, long amountFen, Tranche tranche = Tranche.Progress) =>
        AssertAccepted(Request(scenario, category, amountFen, tranche)).Entries.Single().Body["disbursementId"]!.GetValue<long>();

    static Dictionary<FundingSource, long> AllocationOf(ProjectScenario scenario, long disbursementId) =>
        scenario.Project.Disbursements[disbursementId].AllocationFen.ToDictionary();

    // The permitted sources' boundary, a fen at a time.

    public static TheoryData<string, long, ResultCode> PermittedBoundaries => new()
    {
        // Design: social capital 18,000,000 + self-raised 6,000,000 = 24,000,000; the subsidy may not pay.
        { "Design", 24_000_000, ResultCode.Accepted },
        { "Design", 24_000_001, ResultCode.RestrictedFundsInsufficient },
        // Equipment: subsidy 24,000,000 + social capital 18,000,000 = 42,000,000, but the Progress cap is 36,000,000.
        { "Equipment", 36_000_000, ResultCode.Accepted },
        { "Equipment", 36_000_001, ResultCode.BeyondTrancheCap },
        // Supervision: the same two sources as design.
        { "Supervision", 24_000_001, ResultCode.RestrictedFundsInsufficient },
    };

    [Theory]
    [MemberData(nameof(PermittedBoundaries))]
    public void ARequestIsAcceptedUpToWhatItsPermittedSourcesHoldAndNotAFenMore(string category, long amountFen, ResultCode expected)
    {
        var scenario = RestrictedAtProgress();

        if (expected == ResultCode.Accepted)
        {
            AssertAccepted(Request(scenario, category, amountFen));
        }
        else
        {
            scenario.AssertRefusedAndUnchanged(expected, () => Request(scenario, category, amountFen));
        }
    }

    [Fact]
    public void PendingRequestsCountAgainstTheSourcesTheyDrewOn()
    {
        var scenario = RestrictedAtProgress();
        scenario.Reach(Milestone.AcceptancePassed); // the cumulative cap is now 54,000,000 fen
        // InOrder: 20,000,000 fen of design take all 18,000,000 of social capital, then 2,000,000 self-raised.
        var design = RequestId(scenario, "Design", 20_000_000);
        Assert.Equal(new Dictionary<FundingSource, long> { [Social] = 18_000_000, [Self] = 2_000_000 }, AllocationOf(scenario, design));

        // Left for equipment: the subsidy's 24,000,000 only — though the project holds 28,000,000 and the cap allows 34,000,000 more.
        scenario.AssertRefusedAndUnchanged(ResultCode.RestrictedFundsInsufficient, () => Request(scenario, "Equipment", 24_000_001, Tranche.Acceptance));
        var equipment = RequestId(scenario, "Equipment", 24_000_000, Tranche.Acceptance);

        Assert.Equal(new Dictionary<FundingSource, long> { [Gov] = 24_000_000 }, AllocationOf(scenario, equipment));
        Assert.Equal(0, scenario.Project.UndrawnFen(Social));
        Assert.Equal(4_000_000, scenario.Project.UndrawnFen(Self));
        Assert.Equal(4_000_000, scenario.Project.AvailableFen);
    }

    [Fact]
    public void TheProjectTotalCoveringARequestDoesNotLetItDrawOnASourceNotPermitted()
    {
        var scenario = RestrictedAtProgress(Policy("InOrder", (Gov, ["Equipment", "Installation"]), (Self, ["Design"])));

        // 48,000,000 fen received, 36,000,000 open in the tranche; design is paid by the 6,000,000 self-raised fen only.
        var refusal = scenario.AssertRefusedAndUnchanged(ResultCode.RestrictedFundsInsufficient, () => Request(scenario, "Design", 6_000_001));
        Assert.Contains("SelfRaised", refusal.Message);
        // Supervision is not permitted from any source.
        scenario.AssertRefusedAndUnchanged(ResultCode.RestrictedFundsInsufficient, () => Request(scenario, "Supervision", 1));
        AssertAccepted(Request(scenario, "Design", 6_000_000));
    }

    // Drawing rules, on the pure policy: InOrder, and pro rata by the largest remainder.

    public static TheoryData<string, (FundingSource Source, long Fen)[], long, (FundingSource Source, long Fen)[]> Drawings => new()
    {
        // InOrder: the first source is used up before the second is drawn on; a source that holds nothing is skipped.
        { "InOrder", [(Gov, 100), (Social, 50)], 100, [(Gov, 100)] },
        { "InOrder", [(Gov, 100), (Social, 50)], 101, [(Gov, 100), (Social, 1)] },
        { "InOrder", [(Gov, 0), (Social, 50)], 50, [(Social, 50)] },
        // ProRata 4:3 — 7 fen: 4 and 3 exactly; 1 fen: ⌊4/7⌋ = 0 r 4, ⌊3/7⌋ = 0 r 3, the larger remainder takes it.
        { "ProRata", [(Gov, 24_000_000), (Social, 18_000_000)], 7, [(Gov, 4), (Social, 3)] },
        { "ProRata", [(Gov, 24_000_000), (Social, 18_000_000)], 1, [(Gov, 1)] },
        // 100 fen over three equal sources: 100 × 100/300 = 33 r 100 each; the leftover fen goes to the source listed first.
        { "ProRata", [(Social, 100), (Gov, 100), (Self, 100)], 100, [(Social, 34), (Gov, 33), (Self, 33)] },
        // Equal remainders, the other order: the tie goes to the source listed first, not to a name.
        { "ProRata", [(Self, 5), (Gov, 5)], 3, [(Self, 2), (Gov, 1)] },
        // Everything: each source gives all it holds, nothing rounds.
        { "ProRata", [(Gov, 3), (Social, 5), (Self, 7)], 15, [(Gov, 3), (Social, 5), (Self, 7)] },
        // A fen short of everything: 14 × 3/15 = 2 r 12, 14 × 5/15 = 4 r 10, 14 × 7/15 = 6 r 8; 12 fen, 2 left → Gov, Social.
        { "ProRata", [(Gov, 3), (Social, 5), (Self, 7)], 14, [(Gov, 3), (Social, 5), (Self, 6)] },
        // A = 10^12 − 1 over H = 10^12 + 1, past a long's product: A·10^12 = (10^12 − 2)·H + 2, A·1 = 0·H + A; the fen left goes to the larger remainder.
        { "ProRata", [(Gov, 1_000_000_000_000), (Social, 1)], 999_999_999_999, [(Gov, 999_999_999_998), (Social, 1)] },
        // A source that holds nothing takes no part and no leftover fen.
        { "ProRata", [(Gov, 0), (Social, 1), (Self, 1)], 1, [(Social, 1)] },
    };

    [Theory]
    [MemberData(nameof(Drawings))]
    public void APaymentDrawsOnThePermittedSourcesByThePolicysRule(
        string drawing, (FundingSource Source, long Fen)[] holdings, long amountFen, (FundingSource Source, long Fen)[] expected)
    {
        var policy = new FundPolicy(Enum.Parse<FundDrawing>(drawing),
            [.. holdings.Select(h => new SourceRestriction(h.Source, [ExpenseCategory.Equipment]))]);
        var undrawn = holdings.ToDictionary(h => h.Source, h => h.Fen);

        var allocation = policy.Draw(ExpenseCategory.Equipment, amountFen, s => undrawn.GetValueOrDefault(s));

        Assert.Equal(expected.ToDictionary(e => e.Source, e => e.Fen), allocation.ToDictionary());
        Assert.Equal(amountFen, allocation.Values.Sum());
    }

    [Fact]
    public void ProRataThroughTheRulesRecordsTheAllocationInTheRequest()
    {
        var scenario = RestrictedAtProgress(Policy("ProRata", (Gov, ["Equipment"]), (Social, ["Equipment"])));

        // H = 42,000,000: 10,000,001 × 24,000,000 ÷ H = 5,714,286 r 12,000,000; × 18,000,000 ÷ H = 4,285,714 r 30,000,000:
        // the one fen left goes to social capital's larger remainder.
        var accepted = AssertAccepted(Request(scenario, "Equipment", 10_000_001));

        var body = accepted.Entries.Single().Body;
        Assert.Equal("""{"GovernmentSubsidy":5714286,"SocialCapital":4285715}""", body["allocation"]!.ToJsonString());
        Assert.Equal("Equipment", body["category"]!.GetValue<string>());
    }

    // The category.

    [Theory]
    [InlineData(null)]
    [InlineData("Furniture")]
    [InlineData("equipment")]
    public void ARestrictedProjectsRequestNamesAKnownCategory(string? category)
    {
        var scenario = RestrictedAtProgress();

        scenario.AssertRefusedAndUnchanged(ResultCode.UnknownExpenseCategory, () => Request(scenario, category, 1));
    }

    [Fact]
    public void WithoutAPolicyACategoryIsRecordedAndRestrictsNothing()
    {
        var scenario = AtProgress();

        var accepted = AssertAccepted(Request(scenario, "Design", 30_000_000));

        var body = accepted.Entries.Single().Body;
        Assert.Equal("Design", body["category"]!.GetValue<string>());
        Assert.Null(body["allocation"]);
        Assert.Empty(scenario.Project.Disbursements[body["disbursementId"]!.GetValue<long>()].AllocationFen);
    }

    // The policy.

    public static TheoryData<string> InvalidPolicies => new()
    {
        """{"drawing":"InOrder","sources":[]}""",
        """{"drawing":"Alphabetical","sources":[{"categories":["Design"],"source":"SelfRaised"}]}""",
        """{"drawing":"InOrder","sources":[{"categories":["Design"],"source":"Lottery"}]}""",
        """{"drawing":"InOrder","sources":[{"categories":["Furniture"],"source":"SelfRaised"}]}""",
        """{"drawing":"InOrder","sources":[{"categories":[],"source":"SelfRaised"}]}""",
        """{"drawing":"InOrder","sources":[{"categories":["Design","Design"],"source":"SelfRaised"}]}""",
        """{"drawing":"InOrder","sources":[{"categories":["Design"],"source":"SelfRaised"},{"categories":["Other"],"source":"SelfRaised"}]}""",
        """{"drawing":"InOrder","sources":[{"categories":["Design"],"source":"SelfRaised","cap":1}]}""",
        """{"drawing":"InOrder"}""",
    };

    [Theory]
    [MemberData(nameof(InvalidPolicies))]
    public void AnInvalidPolicyIsRefused(string policy)
    {
        var scenario = BeforeOpening();
        var open = OpenBody();
        open["fundPolicy"] = JsonNode.Parse(policy);

        scenario.AssertRefusedAndUnchanged(ResultCode.InvalidFundPolicy, () => scenario.Open(open));
    }

    [Fact]
    public void TheOpenedEntryRecordsThePolicyWithEachSourcesCategoriesInOrder()
    {
        var scenario = BeforeOpening();
        var open = OpenBody();
        open["fundPolicy"] = Policy("ProRata", (Residents, ["Other", "Equipment"]), (Gov, ["Installation", "Equipment"]));

        var accepted = AssertAccepted(scenario.Open(open));

        Assert.Equal(
            """{"drawing":"ProRata","sources":[{"categories":["Equipment","Other"],"source":"ResidentCrowdfunding"},{"categories":["Equipment","Installation"],"source":"GovernmentSubsidy"}]}""",
            accepted.Entries.Single().Body["fundPolicy"]!.ToJsonString());
        Assert.Equal([Residents, Gov], scenario.Project.FundPolicy!.Sources.Select(s => s.Source));
        Assert.Equal(FundDrawing.ProRata, scenario.Project.FundPolicy.Drawing);
    }

    // Where the money went, and how it comes back.

    [Fact]
    public void EachSourceKnowsWhatItPaidForByCategory()
    {
        var scenario = RestrictedAtProgress();
        var equipment = RequestId(scenario, "Equipment", 30_000_000); // subsidy 24,000,000 + social capital 6,000,000
        scenario.ApproveByAllThree(equipment);
        AssertAccepted(scenario.Pay(equipment));
        var design = RequestId(scenario, "Design", 5_000_000); // social capital 5,000,000
        scenario.ApproveByAllThree(design);
        AssertAccepted(scenario.Pay(design));
        RequestId(scenario, "Other", 1_000_000); // pending: drawn, not spent

        var project = scenario.Project;
        Assert.Equal(new Dictionary<ExpenseCategory, long> { [ExpenseCategory.Equipment] = 24_000_000 }, project.SpentFen(Gov).ToDictionary());
        Assert.Equal(new Dictionary<ExpenseCategory, long> { [ExpenseCategory.Equipment] = 6_000_000, [ExpenseCategory.Design] = 5_000_000 },
            project.SpentFen(Social).ToDictionary());
        Assert.Empty(project.SpentFen(Self));
        Assert.Equal(12_000_000, project.DrawnFen(Social)); // 6,000,000 + 5,000,000 paid + 1,000,000 pending
    }

    [Fact]
    public void AReversedPaymentGivesItsMoneyBackToTheSourcesItCameFrom()
    {
        var scenario = RestrictedAtProgress();
        var design = RequestId(scenario, "Design", 24_000_000);
        scenario.ApproveByAllThree(design);
        AssertAccepted(scenario.Pay(design));
        var payment = scenario.Project.Sequence;
        scenario.AssertRefusedAndUnchanged(ResultCode.RestrictedFundsInsufficient, () => Request(scenario, "Supervision", 1));

        AssertAccepted(scenario.ApproveReversal(scenario.ProposeReversalId(payment)));

        Assert.Equal(SocialCapitalPlanFen, scenario.Project.UndrawnFen(Social));
        Assert.Equal(SelfRaisedPlanFen, scenario.Project.UndrawnFen(Self));
        Assert.Empty(scenario.Project.SpentFen(Social));
        AssertAccepted(Request(scenario, "Supervision", 24_000_000));
    }

    [Fact]
    public void ARejectedRequestReleasesWhatItDrew()
    {
        var scenario = RestrictedAtProgress();
        var design = RequestId(scenario, "Design", 24_000_000);

        AssertAccepted(scenario.Reject(design, Owner, Role.OwnerRepresentative));

        AssertAccepted(Request(scenario, "Design", 24_000_000));
    }

    [Fact]
    public void AReceiptIsNotReversedWhenItsSourceHasPaidItOutThoughTheProjectTotalCouldSpareIt()
    {
        var scenario = RestrictedAtProgress();
        var selfRaisedReceipt = scenario.Project.Receipts.Values.Single(r => r.Source == Self).Sequence;
        RequestId(scenario, "Design", 18_000_001); // social capital 18,000,000 + 1 self-raised fen

        // Available in all: 48,000,000 − 18,000,001; the self-raised source keeps 5,999,999 of its 6,000,000.
        var reversal = scenario.ProposeReversalId(selfRaisedReceipt);
        var refusal = scenario.AssertRefusedAndUnchanged(ResultCode.ReversalWouldOverdraw, () => scenario.ApproveReversal(reversal));
        Assert.Contains("SelfRaised", refusal.Message);
    }

    [Fact]
    public void ASnapshotCarriesThePolicyAndEachRequestsAllocation()
    {
        var scenario = RestrictedAtProgress();
        RequestId(scenario, "Design", 20_000_000);
        var project = scenario.Project;

        var decoded = (ProjectState)StateSnapshot.Decode(ProjectRules.StreamOf(ProjectId), StateSnapshot.Encode(project));

        Assert.Equal(project.FundPolicy!.ToJson().ToJsonString(), decoded.FundPolicy!.ToJson().ToJsonString());
        Assert.Equal(project.Disbursements.Values.Select(d => (d.Category, JsonSerializer.Serialize(d.AllocationFen))),
            decoded.Disbursements.Values.Select(d => (d.Category, JsonSerializer.Serialize(d.AllocationFen))));
        Assert.Equal(project.UndrawnFen(Self), decoded.UndrawnFen(Self));
    }
}
