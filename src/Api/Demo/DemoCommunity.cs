using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Client;
using Ledger.Rules;
using Ledger.Rules.Catalog;
using Ledger.Rules.Households;
using Ledger.Rules.Projects;
using Ledger.Rules.Registry;

namespace Ledger.Api.Demo;

/// <summary>A command of the demo was refused: the demo stops, naming it.</summary>
public sealed class DemoException(string message) : Exception(message);

/// <summary>What one run of the demo asked for: commands by type, and how many the server had already.</summary>
public sealed record DemoSummary(IReadOnlyDictionary<string, int> CommandsByType, int Accepted, int Replayed)
{
    public int Commands => Accepted + Replayed;
}

/// <summary>
/// Seeds the demo community 幸福里社区 through the HTTP API, as its people would: the
/// registrar registers everyone, the finance officers, project manager, construction
/// supervisor, owner representative, resident supervisor, volunteer coordinator and
/// residents each sign their own commands with their own keys (the client signs; nothing here
/// does). Two projects from the seeds: the lift retrofit 加装电梯 of building 3, crowdfunded by
/// floor (seed 001 §4.3), and the façade repair 外墙修缮 of the whole compound on the "432" mix
/// (seed 001 §6.2); then the points bank 积分银行 (seeds 002–004).
/// </summary>
/// <remarks>
/// Running it again changes nothing: every command has a fixed idempotency key and a body
/// that depends only on fixed text and on the server's earlier answers (which a replay
/// returns unchanged), and the people's keys are read back from their key files. The
/// server then answers each command with its first result (docs/ENTRIES.md, the envelope).
/// Document hashes are SHA-256 of a fixed description standing in for the scanned document.
/// </remarks>
public sealed class DemoCommunity(LedgerClient client, PersonKey registrar, string keysFolder, TextWriter log)
{
    public const string Community = "幸福里社区";
    public const string ElevatorProjectId = "b3-elevator";
    public const string FacadeProjectId = "facade-2026";
    public const int ElevatorBuilding = 3;

    /// <summary>The lift's supplier keeps the warranty tranche until the warranty expires, after the demo.</summary>
    public const int ElevatorWarrantyMonths = 24;
    public const int FacadeWarrantyMonths = 60;

    readonly Dictionary<string, PersonKey> keys = new(StringComparer.Ordinal);
    readonly SortedDictionary<string, int> commandsByType = new(StringComparer.Ordinal);
    int accepted;
    int replayed;

    /// <summary>The key file of a demo person: <c>&lt;keys folder&gt;/&lt;person id&gt;.json</c>.</summary>
    public static string KeyFile(string keysFolder, string personId) => Path.Combine(keysFolder, personId + ".json");

    public async Task<DemoSummary> SeedAsync(CancellationToken cancellationToken)
    {
        foreach (var person in DemoPeople.Everyone)
        {
            var (personId, key) = OwnerOnlyKeyFile.LoadOrCreate(KeyFile(keysFolder, person.PersonId), person.PersonId);
            keys[person.PersonId] = new PersonKey(personId, key);
        }
        await RegisterEveryoneAsync(cancellationToken);
        await ElevatorRetrofitAsync(cancellationToken);
        await FacadeRepairAsync(cancellationToken);
        await PointsBankAsync(cancellationToken);
        return new DemoSummary(new Dictionary<string, int>(commandsByType), accepted, replayed);
    }

    async Task RegisterEveryoneAsync(CancellationToken cancellationToken)
    {
        foreach (var person in DemoPeople.Everyone)
        {
            var body = new JsonObject
            {
                ["displayName"] = person.DisplayName,
                ["personId"] = person.PersonId,
                ["publicKey"] = Convert.ToHexStringLower(keys[person.PersonId].Key.PublicKey.Bytes),
                ["roles"] = new JsonArray(person.Role.ToString()),
            };
            if (person.HouseholdId is not null)
            {
                body["householdId"] = person.HouseholdId;
            }
            await SendAsync(registrar, RegistryCommandTypes.RegisterPerson, body, $"register/{person.PersonId}", cancellationToken);
        }
        log.WriteLine($"  registered {DemoPeople.Everyone.Count} people: {DemoPeople.Staff.Count} officers, supervisors and helpers, {DemoPeople.Residents.Count} residents of {DemoPeople.Households.Count} households");
    }

    /// <summary>
    /// 3号楼加装电梯: 600,000 yuan, funded 40/30/20/10; the residents' 20 % split by floor over
    /// the building's 12 flats (higher floors pay more). One receipt is mistyped, reversed with
    /// the resident supervisor's approval, and recorded again. Progress and acceptance are
    /// attested and paid; the warranty tranche stays unpaid until the warranty expires.
    /// </summary>
    async Task ElevatorRetrofitAsync(CancellationToken cancellationToken)
    {
        const string project = ElevatorProjectId;
        await OpenProjectAsync(project, "3号楼加装电梯", Yuan(600_000), government: Yuan(240_000), socialCapital: Yuan(180_000),
            residents: Yuan(120_000), selfRaised: Yuan(60_000), ElevatorWarrantyMonths, cancellationToken);
        await ReceiptAsync(project, "GovernmentSubsidy", Yuan(240_000), "区住建局既有住宅加装电梯补贴拨款 〔2026〕17号", "government", cancellationToken);
        await ReceiptAsync(project, "SocialCapital", Yuan(180_000), "安泰电梯工程有限公司 社会资本投资协议", "social-capital", cancellationToken);

        // 60,000.00 yuan of property-fee surplus, typed as 6,000.00: never edited, reversed.
        const string selfRaised = "物业费结余划拨 3号楼加装电梯 业委会决议 2026-02";
        var mistyped = await ReceiptAsync(project, "SelfRaised", Yuan(6_000), selfRaised, "self-raised-mistyped", cancellationToken);
        var reversal = await SendAsync(Key(DemoPeople.Officer), ProjectCommandTypes.ProposeReversal, new JsonObject
        {
            ["entrySequence"] = mistyped,
            ["projectId"] = project,
            ["reason"] = "金额录入错误：应为60,000.00元，误录为6,000.00元",
        }, $"{project}/reversal/propose", cancellationToken);
        await SendAsync(Key(DemoPeople.ResidentSupervisor), ProjectCommandTypes.ApproveReversal,
            new JsonObject { ["projectId"] = project, ["reversalId"] = reversal }, $"{project}/reversal/approve", cancellationToken);
        await ReceiptAsync(project, "SelfRaised", Yuan(60_000), selfRaised, "self-raised", cancellationToken);

        var building = DemoPeople.Households.Where(h => h.Building == ElevatorBuilding).ToList();
        await SendAsync(Key(DemoPeople.Officer), ProjectCommandTypes.StartCampaign, new JsonObject
        {
            ["households"] = new JsonArray([.. building.Select(h => (JsonNode)new JsonObject { ["floor"] = h.Floor, ["householdId"] = h.Id })]),
            ["projectId"] = project,
            ["rule"] = "ByFloor",
            ["targetFen"] = Yuan(120_000),
        }, $"{project}/campaign", cancellationToken);
        // The server splits the target by floor as ShareSplit does; a payment beyond the share
        // it computed would be refused, so these figures are checked by the ledger itself.
        var shares = ShareSplit.Split(Yuan(120_000), [.. building.Select(h => (h.Id, (long)h.Floor))]).ToDictionary(s => s.HouseholdId, s => s.ShareFen);
        foreach (var household in building)
        {
            var share = shares[household.Id];
            if (household.Id == "b3-0102")
            {
                continue; // Has not paid yet: still owes its whole share.
            }
            if (household.Id == "b3-0602")
            {
                // The top floor pays the most, in two instalments.
                await PayShareAsync(project, household, share / 2, "第一期", 1, cancellationToken);
                await PayShareAsync(project, household, share - share / 2, "第二期", 2, cancellationToken);
                continue;
            }
            await PayShareAsync(project, household, share, "全额", 1, cancellationToken);
        }

        await MilestoneAsync(project, "ProgressVerified", "监理进度验收报告：井道、钢结构及导轨安装完成", cancellationToken);
        await DisburseAsync(project, "Progress", Yuan(360_000), "安泰电梯工程有限公司", "进度款发票 No.33012601", "ICBC-2026-0415-0031", cancellationToken);
        await MilestoneAsync(project, "AcceptancePassed", "电梯竣工验收合格证书及特种设备使用登记证", cancellationToken);
        await DisburseAsync(project, "Acceptance", Yuan(180_000), "安泰电梯工程有限公司", "验收款发票 No.33012688", "ICBC-2026-0620-0017", cancellationToken);
        log.WriteLine($"  {project}: 600,000 yuan funded 40/30/20/10; 11 of 12 flats paid their share by floor; progress and acceptance paid (540,000 yuan); the warranty tranche waits for {ElevatorWarrantyMonths} months");
    }

    /// <summary>
    /// 外墙修缮: 900,000 yuan on the "432" mix — government 40 %, social capital 30 %,
    /// residents 20 % as a flat share per household, self-raised 10 % (advertising space rent).
    /// Three of every four households have paid; the progress tranche is paid, acceptance is
    /// still to come.
    /// </summary>
    async Task FacadeRepairAsync(CancellationToken cancellationToken)
    {
        const string project = FacadeProjectId;
        await OpenProjectAsync(project, "外墙修缮及防水", Yuan(900_000), government: Yuan(360_000), socialCapital: Yuan(270_000),
            residents: Yuan(180_000), selfRaised: Yuan(90_000), FacadeWarrantyMonths, cancellationToken);
        await ReceiptAsync(project, "GovernmentSubsidy", Yuan(200_000), "街道老旧小区改造专项资金 第一批 〔2026〕8号", "government-1", cancellationToken);
        await ReceiptAsync(project, "SocialCapital", Yuan(270_000), "幸福里物业服务有限公司 社会资本合作协议", "social-capital", cancellationToken);
        await ReceiptAsync(project, "SelfRaised", Yuan(90_000), "广告位租赁收入 2025年度", "self-raised", cancellationToken);
        await SendAsync(Key(DemoPeople.Officer), ProjectCommandTypes.StartCampaign, new JsonObject
        {
            ["households"] = new JsonArray([.. DemoPeople.Households.Select(h => (JsonNode)new JsonObject { ["floor"] = h.Floor, ["householdId"] = h.Id })]),
            ["projectId"] = project,
            ["rule"] = "Flat",
            ["targetFen"] = Yuan(180_000),
        }, $"{project}/campaign", cancellationToken);
        var share = Yuan(180_000) / DemoPeople.Households.Count;
        var paying = DemoPeople.Households.Where((_, i) => i % 4 != 3).ToList();
        foreach (var household in paying)
        {
            await PayShareAsync(project, household, share, "外墙修缮分摊", 1, cancellationToken);
        }
        await MilestoneAsync(project, "ProgressVerified", "外墙脚手架、空鼓铲除及防水层施工 监理阶段验收记录", cancellationToken);
        await DisburseAsync(project, "Progress", Yuan(450_000), "城建第三工程有限公司", "进度款发票 No.44020117", "CCB-2026-0530-0102", cancellationToken);
        log.WriteLine($"  {project}: 900,000 yuan on the 432 mix; {paying.Count} of {DemoPeople.Households.Count} households paid 3,000 yuan each; progress paid (450,000 yuan), acceptance to come");
    }

    /// <summary>
    /// The points bank: a catalog of 物业费减免, 家政服务 and goods; points for waste sorting,
    /// volunteer hours, a residents' council and donations; one redemption fulfilled and one
    /// cancelled by the resident.
    /// </summary>
    async Task PointsBankAsync(CancellationToken cancellationToken)
    {
        var coordinator = Key(DemoPeople.Coordinator);
        (string ItemId, string Name, string Kind, long Price, long? Stock)[] catalog =
        [
            ("fee-relief-50", "物业费减免50元", "PropertyFeeReduction", 500, null),
            ("housekeeping-2h", "家政服务（2小时保洁）", "HouseholdService", 300, 20),
            ("rice-5kg", "东北大米5公斤", "Goods", 150, 40),
            ("eco-bag", "环保购物袋", "Goods", 30, 100),
        ];
        foreach (var item in catalog)
        {
            var body = new JsonObject { ["itemId"] = item.ItemId, ["kind"] = item.Kind, ["name"] = item.Name, ["pricePoints"] = item.Price };
            if (item.Stock is { } stock)
            {
                body["stock"] = stock;
            }
            await SendAsync(coordinator, CatalogCommandTypes.AddCatalogItem, body, $"catalog/{item.ItemId}", cancellationToken);
        }

        var awards = new List<(string HouseholdId, string Activity, long Quantity, long Points, string Reference)>();
        // Every household of buildings 1 and 2 sorted its waste in March: 20 points a month.
        awards.AddRange(DemoPeople.Households.Where(h => h.Building <= 2).Select(h => (h.Id, "WasteSorting", 1L, 20L, "垃圾分类/2026-03")));
        awards.AddRange(
        [
            ("b1-0101", "VolunteerService", 24, 240, "志愿服务/2026-03/独居老人探访"),
            ("b2-0302", "VolunteerService", 12, 120, "志愿服务/2026-03/楼道清洁"),
            ("b1-0302", "VolunteerService", 6, 60, "志愿服务/2026-03-14/绿地认养"),
            ("b2-0501", "VolunteerService", 4, 40, "志愿服务/2026-03-14/绿地认养"),
            ("b1-0101", "CouncilParticipation", 1, 15, "议事会/2026-02-28/加装电梯意见征询"),
            ("b2-0302", "CouncilParticipation", 1, 15, "议事会/2026-02-28/加装电梯意见征询"),
            ("b3-0601", "CouncilParticipation", 1, 15, "议事会/2026-02-28/加装电梯意见征询"),
            ("b3-0602", "CouncilParticipation", 1, 15, "议事会/2026-02-28/加装电梯意见征询"),
            ("b1-0101", "ResourceDonation", 1, 50, "资源银行/2026-03/儿童图书20册"),
            ("b5-0401", "ResourceDonation", 1, 50, "资源银行/2026-03/闲置轮椅"),
        ]);
        foreach (var award in awards)
        {
            await SendAsync(coordinator, HouseholdCommandTypes.AwardPoints, new JsonObject
            {
                ["activity"] = award.Activity,
                ["householdId"] = award.HouseholdId,
                ["points"] = award.Points,
                ["quantity"] = award.Quantity,
                ["reference"] = award.Reference,
            }, $"points/award/{award.HouseholdId}/{award.Reference}", cancellationToken);
        }

        // b1-0101 (325 points) books two hours of housekeeping, delivered and fulfilled.
        var housekeeping = await ReserveAsync("b1-0101", "housekeeping-2h", cancellationToken);
        await SendAsync(coordinator, HouseholdCommandTypes.FulfilRedemption,
            new JsonObject { ["householdId"] = "b1-0101", ["redemptionId"] = housekeeping }, "points/fulfil/b1-0101/housekeeping", cancellationToken);
        // b2-0302 (155 points) reserves rice, then cancels: the points and the bag of rice come back.
        var rice = await ReserveAsync("b2-0302", "rice-5kg", cancellationToken);
        await SendAsync(Key(DemoPeople.Residents.Single(r => r.HouseholdId == "b2-0302")), HouseholdCommandTypes.CancelRedemption,
            new JsonObject { ["householdId"] = "b2-0302", ["reason"] = "外出探亲，无法按时领取", ["redemptionId"] = rice }, "points/cancel/b2-0302/rice", cancellationToken);
        log.WriteLine($"  points bank: {catalog.Length} catalog items, {awards.Count} awards, 2 redemptions (one fulfilled, one cancelled)");
    }

    async Task OpenProjectAsync(string project, string name, long contractFen, long government, long socialCapital, long residents,
        long selfRaised, int warrantyMonths, CancellationToken cancellationToken) =>
        await SendAsync(Key(DemoPeople.Officer), ProjectCommandTypes.OpenProject, new JsonObject
        {
            ["community"] = Community,
            ["contractPriceFen"] = contractFen,
            ["fundingPlan"] = new JsonObject
            {
                ["GovernmentSubsidy"] = government,
                ["ResidentCrowdfunding"] = residents,
                ["SelfRaised"] = selfRaised,
                ["SocialCapital"] = socialCapital,
            },
            ["name"] = name,
            ["projectId"] = project,
            ["warrantyMonths"] = warrantyMonths,
        }, $"{project}/open", cancellationToken);

    /// <returns>The receipt's sequence in the project stream.</returns>
    Task<long> ReceiptAsync(string project, string source, long amountFen, string document, string step, CancellationToken cancellationToken) =>
        SendAsync(Key(DemoPeople.Officer), ProjectCommandTypes.RecordReceipt, new JsonObject
        {
            ["amountFen"] = amountFen,
            ["documentHash"] = DocumentHash(document),
            ["projectId"] = project,
            ["reference"] = document,
            ["source"] = source,
        }, $"{project}/receipt/{step}", cancellationToken);

    Task<long> PayShareAsync(string project, DemoHousehold household, long amountFen, string reference, int instalment, CancellationToken cancellationToken) =>
        SendAsync(Key(DemoPeople.Residents.Single(r => r.HouseholdId == household.Id)), ProjectCommandTypes.PayShare, new JsonObject
        {
            ["amountFen"] = amountFen,
            ["householdId"] = household.Id,
            ["projectId"] = project,
            ["reference"] = reference,
        }, $"{project}/pay/{household.Id}/{instalment}", cancellationToken);

    /// <summary>Both attesters sign the milestone with the hash of its evidence.</summary>
    async Task MilestoneAsync(string project, string milestone, string evidence, CancellationToken cancellationToken)
    {
        foreach (var (person, role) in new[] { (DemoPeople.Manager, Role.ProjectManager), (DemoPeople.Supervisor, Role.ConstructionSupervisor) })
        {
            await SendAsync(Key(person), ProjectCommandTypes.AttestMilestone, new JsonObject
            {
                ["evidenceHash"] = DocumentHash(evidence),
                ["milestone"] = milestone,
                ["projectId"] = project,
                ["role"] = role.ToString(),
            }, $"{project}/milestone/{milestone}/{role}", cancellationToken);
        }
    }

    /// <summary>三方签字 then payment: requested by one finance officer, approved by three, paid by the other officer.</summary>
    async Task DisburseAsync(string project, string tranche, long amountFen, string payee, string invoice, string bankReference,
        CancellationToken cancellationToken)
    {
        var disbursement = await SendAsync(Key(DemoPeople.Officer), ProjectCommandTypes.RequestDisbursement, new JsonObject
        {
            ["amountFen"] = amountFen,
            ["invoiceHash"] = DocumentHash(invoice),
            ["payee"] = payee,
            ["projectId"] = project,
            ["tranche"] = tranche,
        }, $"{project}/disbursement/{tranche}/request", cancellationToken);
        foreach (var (person, role) in new[]
        {
            (DemoPeople.OwnerRepresentative, Role.OwnerRepresentative), (DemoPeople.Supervisor, Role.ConstructionSupervisor), (DemoPeople.Manager, Role.ProjectManager),
        })
        {
            await SendAsync(Key(person), ProjectCommandTypes.ApproveDisbursement,
                new JsonObject { ["disbursementId"] = disbursement, ["projectId"] = project, ["role"] = role.ToString() },
                $"{project}/disbursement/{tranche}/approve/{role}", cancellationToken);
        }
        await SendAsync(Key(DemoPeople.Cashier), ProjectCommandTypes.PayDisbursement,
            new JsonObject { ["bankReference"] = bankReference, ["disbursementId"] = disbursement, ["projectId"] = project },
            $"{project}/disbursement/{tranche}/pay", cancellationToken);
    }

    /// <returns>The redemption id: the sequence of the reservation in the household stream.</returns>
    Task<long> ReserveAsync(string householdId, string itemId, CancellationToken cancellationToken) =>
        SendAsync(Key(DemoPeople.Residents.Single(r => r.HouseholdId == householdId)), HouseholdCommandTypes.ReserveRedemption,
            new JsonObject { ["householdId"] = householdId, ["itemId"] = itemId, ["quantity"] = 1 }, $"points/reserve/{householdId}/{itemId}", cancellationToken);

    /// <summary>
    /// Sends one command with the fixed idempotency key "demo/…"; a refusal stops the demo.
    /// </summary>
    /// <returns>The sequence of the command's main entry (its first), which names a disbursement, reversal or redemption.</returns>
    async Task<long> SendAsync(PersonKey signer, string type, JsonObject body, string step, CancellationToken cancellationToken)
    {
        var idempotencyKey = "demo/" + step;
        var response = await client.SendAsync(signer, type, body, idempotencyKey, cancellationToken);
        if (!response.IsSuccess)
        {
            var detail = response.Body.ValueKind == JsonValueKind.Object && response.Body.TryGetProperty("detail", out var d) ? d.GetString() : response.Body.ToString();
            throw new DemoException($"{type} \"{idempotencyKey}\" signed by {signer.PersonId} was refused: {(int)response.Status} {response.Code}: {detail}");
        }
        commandsByType[type] = commandsByType.GetValueOrDefault(type) + 1;
        if (response.Body.GetProperty("replayed").GetBoolean())
        {
            replayed++;
        }
        else
        {
            accepted++;
        }
        return response.Body.GetProperty("sequence").GetInt64();
    }

    PersonKey Key(DemoPerson person) => keys[person.PersonId];

    static long Yuan(long yuan) => checked(yuan * 100);

    static string DocumentHash(string document) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(document)));
}
