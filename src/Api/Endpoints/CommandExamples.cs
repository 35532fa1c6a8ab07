using System.Text.Json.Nodes;
using Ledger.Rules.Catalog;
using Ledger.Rules.Households;
using Ledger.Rules.Projects;
using Ledger.Rules.Registry;

namespace Ledger.Api.Endpoints;

/// <summary>
/// An example body for every command, as the OpenAPI document shows it: the shapes of
/// docs/ENTRIES.md with the words and figures of a real community. Key ids and signatures in
/// the examples are placeholders; a real command is signed by its client.
/// </summary>
public static class CommandExamples
{
    const string Hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    const string PublicKey = "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c";

    public static IReadOnlyDictionary<string, JsonObject> Bodies { get; } = new Dictionary<string, JsonObject>
    {
        [RegistryCommandTypes.OpenRegistry] = new() { ["registrarId"] = "registrar", ["displayName"] = "街道管理员", ["publicKey"] = PublicKey },
        [RegistryCommandTypes.RegisterPerson] = new()
        {
            ["personId"] = "resident-b3-0602", ["displayName"] = "王秀英", ["publicKey"] = PublicKey,
            ["roles"] = new JsonArray("Resident"), ["householdId"] = "b3-0602",
        },
        [RegistryCommandTypes.AddKey] = new() { ["personId"] = "resident-b3-0602", ["publicKey"] = PublicKey },
        [RegistryCommandTypes.RevokeKey] = new() { ["personId"] = "resident-b3-0602", ["keyId"] = "5f8f4bfe730b9a8ca264b72e24de1dca", ["reason"] = "手机丢失" },
        [RegistryCommandTypes.GrantRole] = new() { ["personId"] = "owner-rep-sun", ["role"] = "OwnerRepresentative" },
        [RegistryCommandTypes.RevokeRole] = new() { ["personId"] = "owner-rep-sun", ["role"] = "OwnerRepresentative" },
        [RegistryCommandTypes.NameLogKey] = new()
        {
            ["verifierKey"] = "community-ledger/bb58a6d3c1f04e2790d1c6a0f1e37248+6fea19f8+Ac8gUENYFq7Hme0+NdaMfcqUtSforJA2N5zARveb5CxL",
        },
        [RegistryCommandTypes.ProposePointsPolicy] = new()
        {
            ["effectiveFrom"] = "2026-05-31T16:00:00.000Z",
            ["rates"] = new JsonArray(
                new JsonObject { ["activity"] = "VolunteerService", ["pointsPerUnit"] = 10, ["unit"] = "Hour", ["capPoints"] = 200, ["capPeriod"] = "Month" },
                new JsonObject { ["activity"] = "WasteSorting", ["pointsPerUnit"] = 1, ["unit"] = "Day" },
                new JsonObject { ["activity"] = "CouncilParticipation", ["pointsPerUnit"] = 20, ["unit"] = "Meeting" }),
        },
        [RegistryCommandTypes.ApprovePointsPolicy] = new() { ["version"] = 2 },
        [ProjectCommandTypes.OpenProject] = new()
        {
            ["projectId"] = "b3-elevator", ["name"] = "3号楼加装电梯", ["community"] = "幸福里社区", ["contractPriceFen"] = 60_000_000,
            ["fundingPlan"] = new JsonObject
            {
                ["GovernmentSubsidy"] = 24_000_000, ["SocialCapital"] = 18_000_000, ["ResidentCrowdfunding"] = 12_000_000, ["SelfRaised"] = 6_000_000,
            },
            ["warrantyMonths"] = 24,
            ["votePolicy"] = new JsonObject { ["campaignRequiresVote"] = true },
        },
        [ProjectCommandTypes.RecordReceipt] = new()
        {
            ["projectId"] = "b3-elevator", ["source"] = "GovernmentSubsidy", ["amountFen"] = 24_000_000, ["documentHash"] = Hash, ["reference"] = "区住建委补贴批复",
        },
        [ProjectCommandTypes.StartCampaign] = new()
        {
            ["projectId"] = "b3-elevator", ["targetFen"] = 12_000_000, ["rule"] = "ByFloor",
            ["households"] = new JsonArray(new JsonObject { ["householdId"] = "b3-0101", ["floor"] = 1 }, new JsonObject { ["householdId"] = "b3-0602", ["floor"] = 6 }),
        },
        [ProjectCommandTypes.PayShare] = new() { ["projectId"] = "b3-elevator", ["householdId"] = "b3-0602", ["amountFen"] = 1_714_286 },
        [ProjectCommandTypes.AttestMilestone] = new() { ["projectId"] = "b3-elevator", ["milestone"] = "ProgressVerified", ["role"] = "ConstructionSupervisor", ["evidenceHash"] = Hash },
        [ProjectCommandTypes.RequestDisbursement] = new()
        {
            ["projectId"] = "b3-elevator", ["tranche"] = "Progress", ["amountFen"] = 20_000_000, ["payee"] = "某电梯工程有限公司", ["invoiceHash"] = Hash,
        },
        [ProjectCommandTypes.ApproveDisbursement] = new() { ["projectId"] = "b3-elevator", ["disbursementId"] = 31, ["role"] = "OwnerRepresentative" },
        [ProjectCommandTypes.RejectDisbursement] = new() { ["projectId"] = "b3-elevator", ["disbursementId"] = 31, ["role"] = "ConstructionSupervisor", ["reason"] = "发票金额与合同不符" },
        [ProjectCommandTypes.PayDisbursement] = new() { ["projectId"] = "b3-elevator", ["disbursementId"] = 31, ["bankReference"] = "ICBC-20260518-0031" },
        [ProjectCommandTypes.ProposeReversal] = new() { ["projectId"] = "b3-elevator", ["entrySequence"] = 4, ["reason"] = "金额录入错误：应为60,000元" },
        [ProjectCommandTypes.ApproveReversal] = new() { ["projectId"] = "b3-elevator", ["reversalId"] = 5 },
        [ProjectCommandTypes.CancelProject] = new() { ["projectId"] = "b3-elevator", ["reason"] = "业主大会未通过", ["refunds"] = new JsonArray("b3-0101", "b3-0602") },
        [ProjectCommandTypes.CloseProject] = new() { ["projectId"] = "b3-elevator" },
        [ProjectCommandTypes.SignReconciliation] = new()
        {
            ["projectId"] = "b3-elevator", ["fromDate"] = "2026-01-01", ["toDate"] = "2026-03-31", ["closingBalanceFen"] = 32_060_000, ["statementHash"] = Hash,
            ["matchedCount"] = 4, ["unmatchedStatementCount"] = 0, ["unmatchedLedgerCount"] = 0,
        },
        [ProjectCommandTypes.CountersignReconciliation] = new() { ["projectId"] = "b3-elevator", ["reconciliationId"] = 40 },
        [RegistryCommandTypes.RecordFloorArea] = new() { ["householdId"] = "b3-0602", ["floorAreaHundredths"] = 8_936 },
        [ProjectCommandTypes.OpenVote] = new()
        {
            ["projectId"] = "b3-elevator", ["voteId"] = "lift-2026", ["question"] = "3号楼加装电梯及居民众筹方案", ["matter"] = "RaiseFunds",
            ["households"] = new JsonArray("b3-0101", "b3-0602"), ["opensAt"] = "2026-04-01T00:00:00.000Z", ["closesAt"] = "2026-04-15T00:00:00.000Z",
        },
        [HouseholdCommandTypes.CastBallot] = new() { ["householdId"] = "b3-0602", ["projectId"] = "b3-elevator", ["voteId"] = "lift-2026", ["choice"] = "Agree" },
        [ProjectCommandTypes.CloseVote] = new() { ["projectId"] = "b3-elevator", ["voteId"] = "lift-2026", ["households"] = new JsonArray("b3-0101", "b3-0602") },
        [HouseholdCommandTypes.AwardPoints] = new()
        {
            ["householdId"] = "b3-0602", ["activity"] = "VolunteerService", ["quantity"] = 4, ["points"] = 40, ["reference"] = "2026-05-12 电梯施工现场引导",
        },
        [HouseholdCommandTypes.ReserveRedemption] = new() { ["householdId"] = "b3-0602", ["itemId"] = "fee-50", ["quantity"] = 1 },
        [HouseholdCommandTypes.FulfilRedemption] = new() { ["householdId"] = "b3-0602", ["redemptionId"] = 7 },
        [HouseholdCommandTypes.CancelRedemption] = new() { ["householdId"] = "b3-0602", ["redemptionId"] = 7, ["reason"] = "住户取消" },
        [CatalogCommandTypes.AddCatalogItem] = new() { ["itemId"] = "fee-50", ["name"] = "物业费减免50元", ["kind"] = "PropertyFeeReduction", ["pricePoints"] = 500, ["stock"] = 100 },
        [CatalogCommandTypes.RestockCatalogItem] = new() { ["itemId"] = "fee-50", ["quantity"] = 50 },
        [CatalogCommandTypes.WithdrawCatalogItem] = new() { ["itemId"] = "fee-50" },
    };

    /// <summary>A batch (POST /v1/commands): the points of one event, awarded to two households at once.</summary>
    public static JsonArray Batch() => new(new[] { "b3-0602", "b3-0101" }.Select(householdId =>
    {
        var body = Bodies[HouseholdCommandTypes.AwardPoints].DeepClone().AsObject();
        body["householdId"] = householdId;
        var signed = SignedCommand(HouseholdCommandTypes.AwardPoints, body);
        signed["command"]!["personId"] = "coordinator-wu";
        signed["command"]!["idempotencyKey"] = $"award/2026-05-12/{householdId}";
        return (JsonNode)signed;
    }).ToArray());

    /// <summary>A whole signed command around an example body.</summary>
    public static JsonObject SignedCommand(string type, JsonObject body) => new()
    {
        ["command"] = new JsonObject
        {
            ["personId"] = "officer-wang",
            ["keyId"] = "5f8f4bfe730b9a8ca264b72e24de1dca",
            ["type"] = type,
            ["body"] = body.DeepClone(),
            ["idempotencyKey"] = $"{type}-2026-05-18-001",
            ["issuedAt"] = "2026-05-18T09:30:00.000Z",
        },
        ["signature"] = new string('0', 128),
    };
}
