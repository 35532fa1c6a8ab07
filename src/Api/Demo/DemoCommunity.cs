using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Canonical;
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
/// does). The seeds' story from February to August 2026, chapter by chapter: the points policy
/// 积分规则 that prices the points bank's awards (seeds 002–004), proposed by the coordinator and
/// approved by a resident supervisor, changed once in mid-year; the lift retrofit 加装电梯 of
/// building 3, its government subsidy restricted to equipment and installation, its owners'
/// vote 业主表决 on raising the money (seed 000 §7.2) passed before its campaign, crowdfunded by
/// floor (seed 001 §4.3), its first quarter reconciled with the bank's statement of the
/// co-managed account 共管账户; the façade repair 外墙修缮 of the whole compound on the "432" mix
/// (seed 001 §6.2); and the points bank 积分银行 itself.
/// </summary>
/// <remarks>
/// <para>
/// Time. What the story needs from time is real: a quarter is reconciled only once it has
/// ended (at 00:00 China Standard Time after it, by the recorded time), and a new policy
/// version takes effect at a time after its approval, with awards on both sides of it. Signed
/// at the real clock, everything the demo records would happen within seconds, and none of it
/// could be told. So the demo keeps a calendar (<see cref="DemoCalendar"/>): the in-process
/// server and this client read one clock, which starts on the story's first day and which each
/// chapter moves forward to its own day (never back); between two moves it runs at the real
/// pace. Every entry is then signed and recorded at the same instant of the story, inside the
/// issue window, in log order, and the rules check the story as they check any other: a
/// reconciliation of the first quarter signed in March would be refused. The calendar is not
/// a back door: it is the demo server's clock, in the demo process only; a server started on
/// the data afterwards records at the real clock, which is later than the whole story
/// (<see cref="DemoCommand"/> checks it), so the log's times keep going forward.
/// </para>
/// <para>
/// Running it again changes nothing: every command has a fixed idempotency key and a body
/// that depends only on fixed text and on the server's earlier answers (which a replay
/// returns unchanged), and the people's keys are read back from their key files. The
/// server then answers each command with its first result (docs/ENTRIES.md, the envelope),
/// whatever the calendar reads: the idempotency receipt holds the command's type and body,
/// not its time. A run over a ledger that already holds entries starts its calendar no
/// earlier than the latest of them (<see cref="DemoCommand"/>), so that nothing it might
/// write goes back along the log; a chapter whose day has passed then keeps the calendar where it is.
/// Document hashes are SHA-256 of a fixed description standing in for the scanned document.
/// </para>
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

    /// <summary>The story's first day: the registrar registers everyone, and the points policy is agreed.</summary>
    public static readonly DateTimeOffset Begins = DemoCalendar.At(2026, 2, 24);

    /// <summary>The story's last day: the points bank's redemptions. Every entry of the demo is recorded before its end.</summary>
    public static readonly DateTimeOffset Ends = DemoCalendar.At(2026, 8, 4, 0);

    /// <summary>
    /// The bank's statement of the lift's co-managed account for the first quarter of 2026, as the
    /// bank exported it: docs/samples/b3-elevator-2026Q1.csv, embedded in this assembly.
    /// </summary>
    public const string ElevatorStatementResource = "Ledger.Api.Demo.b3-elevator-2026Q1.csv";

    public const string QuarterFrom = "2026-01-01";
    public const string QuarterTo = "2026-03-31";

    /// <summary>The points policy's first version takes effect on 1 March, its second on 1 July (waste sorting worth twice as much).</summary>
    public static readonly DateTimeOffset FirstPolicyTakesEffect = DemoCalendar.At(2026, 3, 1, 0);
    public static readonly DateTimeOffset SecondPolicyTakesEffect = DemoCalendar.At(2026, 7, 1, 0);

    /// <summary>Building 3's owners' vote on the lift and its crowdfunding plan: its id, and the period its ballots are cast in.</summary>
    public const string ElevatorVoteId = "lift-2026";
    public static readonly DateTimeOffset VoteOpens = DemoCalendar.At(2026, 3, 10);
    public static readonly DateTimeOffset VoteCloses = DemoCalendar.At(2026, 3, 14, 18);

    /// <summary>
    /// How building 3 votes: the ground floor's west flat against (it gains no lift stop and
    /// loses light), its east flat abstains, 302 is away and does not vote, everyone else agrees.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> ElevatorBallots = new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        ["b3-0101"] = "Against", ["b3-0102"] = "Abstain", ["b3-0201"] = "Agree", ["b3-0202"] = "Agree", ["b3-0301"] = "Agree",
        ["b3-0401"] = "Agree", ["b3-0402"] = "Agree", ["b3-0501"] = "Agree", ["b3-0502"] = "Agree", ["b3-0601"] = "Agree", ["b3-0602"] = "Agree",
    };

    /// <summary>专有部分面积 of building 3's flats in hundredths of a m²: the west flats (unit 01) 89.36 m², the east (02) 102.14 m².</summary>
    public static long FloorAreaHundredths(DemoHousehold household) => household.Unit == 1 ? 8_936 : 10_214;

    /// <summary>The idempotency key of the demo's first command (the registrar registers the first officer): taken, the ledger is the demo's.</summary>
    public static string FirstIdempotencyKey => IdempotencyKeyOf($"register/{DemoPeople.Everyone[0].PersonId}");

    DemoCalendar? calendar;
    readonly Dictionary<string, PersonKey> keys = new(StringComparer.Ordinal);
    readonly SortedDictionary<string, int> commandsByType = new(StringComparer.Ordinal);
    int accepted;
    int replayed;

    /// <summary>The key file of a demo person: <c>&lt;keys folder&gt;/&lt;person id&gt;.json</c>.</summary>
    public static string KeyFile(string keysFolder, string personId) => Path.Combine(keysFolder, personId + ".json");

    /// <summary>The lift's statement file, byte for byte.</summary>
    public static byte[] ElevatorStatement()
    {
        using var resource = typeof(DemoCommunity).Assembly.GetManifestResourceStream(ElevatorStatementResource)
            ?? throw new InvalidOperationException($"{ElevatorStatementResource} is embedded in the server's assembly");
        using var bytes = new MemoryStream();
        resource.CopyTo(bytes);
        return bytes.ToArray();
    }

    /// <summary>The whole story, on <paramref name="storyCalendar"/>: the clock of the server and of this community's client.</summary>
    public async Task<DemoSummary> SeedAsync(DemoCalendar storyCalendar, CancellationToken cancellationToken)
    {
        calendar = storyCalendar;
        Chapter(Begins);
        await RegisterEveryoneAsync(cancellationToken);
        await CatalogAsync(cancellationToken);
        await PointsPolicyAsync(FirstPolicyTakesEffect, wasteSortingPerDay: 1, approvedOn: DemoCalendar.At(2026, 2, 25), cancellationToken);

        Chapter(DemoCalendar.At(2026, 3, 2));
        await ElevatorFundsAsync(cancellationToken);
        Chapter(DemoCalendar.At(2026, 3, 9));
        await FacadeFundsAsync(cancellationToken);
        Chapter(VoteOpens);
        await ElevatorVoteOpensAsync(cancellationToken);
        Chapter(DemoCalendar.At(2026, 3, 11, 19));
        await ElevatorBallotsAsync(cancellationToken);
        Chapter(DemoCalendar.At(2026, 3, 15, 9));
        await ElevatorVoteClosesAsync(cancellationToken);
        Chapter(DemoCalendar.At(2026, 3, 16));
        await ElevatorCampaignAsync(cancellationToken);
        Chapter(DemoCalendar.At(2026, 3, 31, 17));
        await AwardAsync("2026-03", MarchAwards(), cancellationToken);

        // The first quarter ended at 00:00 on 1 April: its balance can no longer change.
        Chapter(DemoCalendar.At(2026, 4, 1, 10));
        await ReconcileElevatorQuarterAsync(cancellationToken);
        Chapter(DemoCalendar.At(2026, 4, 3));
        var topFloor = DemoPeople.Household("b3-0602");
        var topShare = ElevatorShares()[topFloor.Id];
        await PayShareAsync(ElevatorProjectId, topFloor, topShare - topShare / 2, "第二期", 2, cancellationToken);
        Chapter(DemoCalendar.At(2026, 4, 15));
        await ElevatorProgressAsync(cancellationToken);
        Chapter(DemoCalendar.At(2026, 5, 30));
        await FacadeProgressAsync(cancellationToken);

        Chapter(DemoCalendar.At(2026, 6, 15));
        await PointsPolicyAsync(SecondPolicyTakesEffect, wasteSortingPerDay: 2, approvedOn: DemoCalendar.At(2026, 6, 16), cancellationToken);
        Chapter(DemoCalendar.At(2026, 6, 20));
        await ElevatorAcceptanceAsync(cancellationToken);
        Chapter(DemoCalendar.At(2026, 7, 31, 17));
        await AwardAsync("2026-07", JulyAwards(), cancellationToken);
        Chapter(DemoCalendar.At(2026, 8, 3));
        await RedemptionsAsync(cancellationToken);
        return new DemoSummary(new Dictionary<string, int>(commandsByType), accepted, replayed);
    }

    /// <summary>
    /// The demo's people only, registered at whatever time the server keeps: for the bench's
    /// servers, which keep the real clock, on which the story's dates cannot be told.
    /// </summary>
    public async Task<DemoSummary> RegisterPeopleAsync(CancellationToken cancellationToken)
    {
        await RegisterEveryoneAsync(cancellationToken);
        return new DemoSummary(new Dictionary<string, int>(commandsByType), accepted, replayed);
    }

    /// <summary>The calendar moves on to a chapter's day (not back, on a run that resumes after it).</summary>
    void Chapter(DateTimeOffset day) =>
        (calendar ?? throw new InvalidOperationException("the story is told on its calendar (SeedAsync)")).MoveTo(day);

    async Task RegisterEveryoneAsync(CancellationToken cancellationToken)
    {
        foreach (var person in DemoPeople.Everyone)
        {
            var (personId, key) = OwnerOnlyKeyFile.LoadOrCreate(KeyFile(keysFolder, person.PersonId), person.PersonId);
            keys[person.PersonId] = new PersonKey(personId, key);
        }
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
    /// 积分规则: the coordinator proposes a version, a resident supervisor approves it the next
    /// day, before it takes effect. The rates are those the points bank has always paid (10
    /// points an hour of volunteer service, 15 a council meeting, 50 a donated item); a day of
    /// correct waste sorting is worth 1 point, at most 31 a month, and from the second version
    /// on 2, at most 62, to reward the compound's new sorting stations.
    /// </summary>
    async Task PointsPolicyAsync(DateTimeOffset takesEffect, long wasteSortingPerDay, DateTimeOffset approvedOn, CancellationToken cancellationToken)
    {
        var effectiveFrom = LedgerTime.Format(takesEffect);
        var step = $"points/policy/{Day(takesEffect)}";
        await SendAsync(Key(DemoPeople.Coordinator), RegistryCommandTypes.ProposePointsPolicy, new JsonObject
        {
            ["effectiveFrom"] = effectiveFrom,
            ["rates"] = new JsonArray(
                Rate("VolunteerService", 10, "Hour"),
                Rate("WasteSorting", wasteSortingPerDay, "Day", wasteSortingPerDay * 31),
                Rate("CouncilParticipation", 15, "Meeting"),
                Rate("ResourceDonation", 50, "Item")),
        }, step + "/propose", cancellationToken);
        // The version's number is the server's count; the public policy names it.
        var policy = await client.GetAsync("/v1/points-policy", cancellationToken: cancellationToken);
        var version = policy.Body.GetProperty("versions").EnumerateArray()
            .Last(v => v.GetProperty("effectiveFrom").GetString() == effectiveFrom && v.GetProperty("proposedBy").GetString() == DemoPeople.Coordinator.PersonId)
            .GetProperty("version").GetInt64();
        Chapter(approvedOn);
        await SendAsync(Key(DemoPeople.ResidentSupervisor), RegistryCommandTypes.ApprovePointsPolicy,
            new JsonObject { ["version"] = version }, step + "/approve", cancellationToken);
        log.WriteLine($"  points policy version {version}, in force from {Day(takesEffect)}: waste sorting {wasteSortingPerDay} a day, at most {wasteSortingPerDay * 31} a month");

        static JsonObject Rate(string activity, long points, string unit, long? monthlyCap = null)
        {
            var rate = new JsonObject { ["activity"] = activity, ["pointsPerUnit"] = points, ["unit"] = unit };
            if (monthlyCap is { } cap)
            {
                rate["capPoints"] = cap;
                rate["capPeriod"] = "Month";
            }
            return rate;
        }
    }

    /// <summary>
    /// 3号楼加装电梯: 600,000 yuan, funded 40/30/20/10. The district's subsidy may pay only for
    /// the lift itself and its installation, not the design (issue 17 §2): the project's fund
    /// policy says so, and draws on the sources in order, the subsidy first (spent before it
    /// lapses). Subsidy, social capital and the property fees' surplus arrive on 2 March; the
    /// surplus is mistyped, reversed with the resident supervisor's approval, and recorded again.
    /// </summary>
    async Task ElevatorFundsAsync(CancellationToken cancellationToken)
    {
        const string project = ElevatorProjectId;
        string[] everything = ["Equipment", "Installation", "Design", "Supervision", "Other"];
        await OpenProjectAsync(project, "3号楼加装电梯", Yuan(600_000), government: Yuan(240_000), socialCapital: Yuan(180_000),
            residents: Yuan(120_000), selfRaised: Yuan(60_000), ElevatorWarrantyMonths, new JsonObject
            {
                ["drawing"] = "InOrder",
                ["sources"] = new JsonArray(
                    Source("GovernmentSubsidy", "Equipment", "Installation"),
                    Source("SocialCapital", everything),
                    Source("SelfRaised", everything),
                    Source("ResidentCrowdfunding", everything)),
            }, cancellationToken, votePolicy: new JsonObject { ["campaignRequiresVote"] = true });
        await ReceiptAsync(project, "GovernmentSubsidy", Yuan(240_000), "区住建局既有住宅加装电梯补贴拨款 〔2026〕17号", "ICBC-2026-0302-0008", "government", cancellationToken);
        await ReceiptAsync(project, "SocialCapital", Yuan(180_000), "安泰电梯工程有限公司 社会资本投资协议", "ICBC-2026-0302-0015", "social-capital", cancellationToken);

        // 60,000.00 yuan of property-fee surplus, typed as 6,000.00: never edited, reversed.
        const string selfRaised = "物业费结余划拨 3号楼加装电梯 业委会决议 2026-02";
        const string selfRaisedTransfer = "ICBC-2026-0302-0021";
        var mistyped = await ReceiptAsync(project, "SelfRaised", Yuan(6_000), selfRaised, selfRaisedTransfer, "self-raised-mistyped", cancellationToken);
        var reversal = await SendAsync(Key(DemoPeople.Officer), ProjectCommandTypes.ProposeReversal, new JsonObject
        {
            ["entrySequence"] = mistyped,
            ["projectId"] = project,
            ["reason"] = "金额录入错误：应为60,000.00元，误录为6,000.00元",
        }, $"{project}/reversal/propose", cancellationToken);
        await SendAsync(Key(DemoPeople.ResidentSupervisor), ProjectCommandTypes.ApproveReversal,
            new JsonObject { ["projectId"] = project, ["reversalId"] = reversal }, $"{project}/reversal/approve", cancellationToken);
        await ReceiptAsync(project, "SelfRaised", Yuan(60_000), selfRaised, selfRaisedTransfer, "self-raised", cancellationToken);
        log.WriteLine($"  {project}: 600,000 yuan funded 40/30/20/10, the subsidy restricted to equipment and installation; subsidy, social capital and self-raised money in (one mistyped receipt reversed and recorded again)");

        static JsonObject Source(string source, params string[] categories) =>
            new() { ["categories"] = new JsonArray([.. categories.Select(c => (JsonNode)c)]), ["source"] = source };
    }

    /// <summary>
    /// 业主表决 (seed 000 §7.2): the lift's policy asks for the owners' passed vote before residents
    /// are asked to pay. The registrar records each flat's exclusive floor area, its weight in the
    /// vote; the owner representative calls the vote on raising the money, for building 3's twelve flats.
    /// </summary>
    async Task ElevatorVoteOpensAsync(CancellationToken cancellationToken)
    {
        var building = ElevatorHouseholds();
        foreach (var household in building)
        {
            await SendAsync(registrar, RegistryCommandTypes.RecordFloorArea,
                new JsonObject { ["floorAreaHundredths"] = FloorAreaHundredths(household), ["householdId"] = household.Id },
                $"floor-area/{household.Id}", cancellationToken);
        }
        await SendAsync(Key(DemoPeople.OwnerRepresentative), ProjectCommandTypes.OpenVote, new JsonObject
        {
            ["closesAt"] = LedgerTime.Format(VoteCloses),
            ["households"] = ElevatorScope(),
            ["matter"] = "RaiseFunds",
            ["opensAt"] = LedgerTime.Format(VoteOpens),
            ["projectId"] = ElevatorProjectId,
            ["question"] = "3号楼加装电梯及居民众筹方案：居民按楼层分摊12万元",
            ["voteId"] = ElevatorVoteId,
        }, $"{ElevatorProjectId}/vote/open", cancellationToken);
    }

    /// <summary>Each household's resident casts its one ballot; how it voted stays on its own stream.</summary>
    async Task ElevatorBallotsAsync(CancellationToken cancellationToken)
    {
        foreach (var (householdId, choice) in ElevatorBallots)
        {
            await SendAsync(Key(DemoPeople.Residents.Single(r => r.HouseholdId == householdId)), HouseholdCommandTypes.CastBallot, new JsonObject
            {
                ["choice"] = choice,
                ["householdId"] = householdId,
                ["projectId"] = ElevatorProjectId,
                ["voteId"] = ElevatorVoteId,
            }, $"{ElevatorProjectId}/vote/{householdId}", cancellationToken);
        }
    }

    /// <summary>After it closes, the owner representative counts it: 11 of 12 flats took part, 9 of them agreed (art. 278: passed).</summary>
    async Task ElevatorVoteClosesAsync(CancellationToken cancellationToken)
    {
        await SendAsync(Key(DemoPeople.OwnerRepresentative), ProjectCommandTypes.CloseVote, new JsonObject
        {
            ["households"] = ElevatorScope(),
            ["projectId"] = ElevatorProjectId,
            ["voteId"] = ElevatorVoteId,
        }, $"{ElevatorProjectId}/vote/close", cancellationToken);
        log.WriteLine($"  {ElevatorProjectId}: building 3's owners voted on the lift and its crowdfunding plan, 11 of 12 flats took part, 9 agreed: passed");
    }

    static JsonArray ElevatorScope() => new([.. ElevatorHouseholds().Select(h => h.Id).Order(StringComparer.Ordinal).Select(id => (JsonNode)id)]);

    /// <summary>The residents' 20 % split by floor over the building's 12 flats (higher floors pay more), as the server splits it.</summary>
    static Dictionary<string, long> ElevatorShares() =>
        ShareSplit.Split(Yuan(120_000), [.. ElevatorHouseholds().Select(h => (h.Id, (long)h.Floor))]).ToDictionary(s => s.HouseholdId, s => s.ShareFen);

    static List<DemoHousehold> ElevatorHouseholds() => [.. DemoPeople.Households.Where(h => h.Building == ElevatorBuilding)];

    /// <summary>
    /// The lift's campaign (mid-March): every flat but one pays its share, the top floor its
    /// first half (the second comes in April, after the quarter).
    /// </summary>
    async Task ElevatorCampaignAsync(CancellationToken cancellationToken)
    {
        const string project = ElevatorProjectId;
        var building = ElevatorHouseholds();
        await SendAsync(Key(DemoPeople.Officer), ProjectCommandTypes.StartCampaign, new JsonObject
        {
            ["households"] = new JsonArray([.. building.Select(h => (JsonNode)new JsonObject { ["floor"] = h.Floor, ["householdId"] = h.Id })]),
            ["projectId"] = project,
            ["rule"] = "ByFloor",
            ["targetFen"] = Yuan(120_000),
        }, $"{project}/campaign", cancellationToken);
        // A payment beyond the share the server computed would be refused, so these figures are checked by the ledger itself.
        var shares = ElevatorShares();
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
                continue;
            }
            await PayShareAsync(project, household, share, "全额", 1, cancellationToken);
        }
        log.WriteLine($"  {project}: the campaign splits 120,000 yuan by floor; 10 of 12 flats paid in full, the top floor half");
    }

    /// <summary>
    /// 共管账户 对账: on 1 April the finance officer matches the bank's statement of the lift's
    /// account for the first quarter (docs/samples/b3-elevator-2026Q1.csv, the bank's document, not
    /// made from the ledger: a statement written from the ledger's own entries would agree with
    /// them by construction and prove nothing) and signs the reconciliation with what the matcher
    /// found: every line matched, and two movements of the ledger the bank never saw, the mistyped
    /// receipt and its reversal, which cancel out. A resident supervisor countersigns it.
    /// </summary>
    async Task ReconcileElevatorQuarterAsync(CancellationToken cancellationToken)
    {
        const string project = ElevatorProjectId;
        var officer = Key(DemoPeople.Officer);
        var target = $"/v1/projects/{project}/statement-match?fromDate={QuarterFrom}&toDate={QuarterTo}";
        using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new ByteArrayContent(ElevatorStatement()) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(LedgerClient.AuthorizationScheme,
            client.ReadAuthorization(officer, "POST", target));
        using var answer = await client.Http.SendAsync(request, cancellationToken);
        var match = JsonDocument.Parse(await answer.Content.ReadAsStringAsync(cancellationToken)).RootElement;
        if (!answer.IsSuccessStatusCode || !match.GetProperty("balancesAgree").GetBoolean())
        {
            throw new DemoException($"the statement of {project} for {QuarterFrom}–{QuarterTo} does not match the ledger: {(int)answer.StatusCode} {match}");
        }
        var reconciliation = await SendAsync(officer, ProjectCommandTypes.SignReconciliation, new JsonObject
        {
            ["closingBalanceFen"] = match.GetProperty("statementClosingBalanceFen").GetInt64(),
            ["fromDate"] = QuarterFrom,
            ["matchedCount"] = match.GetProperty("matched").GetArrayLength(),
            ["projectId"] = project,
            ["statementHash"] = match.GetProperty("statementHash").GetString(),
            ["toDate"] = QuarterTo,
            ["unmatchedLedgerCount"] = match.GetProperty("unmatchedEntries").GetArrayLength(),
            ["unmatchedStatementCount"] = match.GetProperty("unmatchedLines").GetArrayLength(),
        }, $"{project}/reconciliation/{QuarterFrom}/sign", cancellationToken);
        await SendAsync(Key(DemoPeople.ResidentSupervisor), ProjectCommandTypes.CountersignReconciliation,
            new JsonObject { ["projectId"] = project, ["reconciliationId"] = reconciliation }, $"{project}/reconciliation/{QuarterFrom}/countersign", cancellationToken);
        log.WriteLine($"  {project}: {QuarterFrom} to {QuarterTo} reconciled with the bank's statement (closing balance {match.GetProperty("statementClosingBalanceFen").GetInt64() / 100m:#,0.00} yuan; "
            + $"{match.GetProperty("matched").GetArrayLength()} lines matched, {match.GetProperty("unmatchedEntries").GetArrayLength()} ledger movements the bank never saw), countersigned");
    }

    /// <summary>
    /// Mid-April, the progress tranche (60 %): the design institute's fee, which the subsidy may
    /// not pay, comes from social capital; the lift itself from the subsidy first, then social capital.
    /// </summary>
    async Task ElevatorProgressAsync(CancellationToken cancellationToken)
    {
        const string project = ElevatorProjectId;
        await MilestoneAsync(project, "ProgressVerified", "监理进度验收报告：井道、钢结构及导轨安装完成", cancellationToken);
        await DisburseAsync(project, "Progress", "Design", Yuan(18_000), "市建筑设计研究院", "设计费发票 No.21004417", "ICBC-2026-0415-0029", cancellationToken);
        await DisburseAsync(project, "Progress", "Equipment", Yuan(342_000), "安泰电梯工程有限公司", "进度款发票 No.33012601", "ICBC-2026-0415-0031", cancellationToken);
        log.WriteLine($"  {project}: progress paid, 18,000 yuan of design fees from social capital and 342,000 yuan of equipment, the subsidy first");
    }

    /// <summary>June: acceptance passed, the installation paid (30 %); the warranty tranche waits for the warranty to expire.</summary>
    async Task ElevatorAcceptanceAsync(CancellationToken cancellationToken)
    {
        const string project = ElevatorProjectId;
        await MilestoneAsync(project, "AcceptancePassed", "电梯竣工验收合格证书及特种设备使用登记证", cancellationToken);
        await DisburseAsync(project, "Acceptance", "Installation", Yuan(180_000), "安泰电梯工程有限公司", "验收款发票 No.33012688", "ICBC-2026-0620-0017", cancellationToken);
        log.WriteLine($"  {project}: acceptance paid (180,000 yuan of installation); the warranty tranche waits for {ElevatorWarrantyMonths} months");
    }

    /// <summary>
    /// 外墙修缮: 900,000 yuan on the "432" mix — government 40 %, social capital 30 %,
    /// residents 20 % as a flat share per household, self-raised 10 % (advertising space rent),
    /// the funds not restricted. Three of every four households pay in March.
    /// </summary>
    async Task FacadeFundsAsync(CancellationToken cancellationToken)
    {
        const string project = FacadeProjectId;
        await OpenProjectAsync(project, "外墙修缮及防水", Yuan(900_000), government: Yuan(360_000), socialCapital: Yuan(270_000),
            residents: Yuan(180_000), selfRaised: Yuan(90_000), FacadeWarrantyMonths, fundPolicy: null, cancellationToken);
        await ReceiptAsync(project, "GovernmentSubsidy", Yuan(200_000), "街道老旧小区改造专项资金 第一批 〔2026〕8号", "CCB-2026-0309-0011", "government-1", cancellationToken);
        await ReceiptAsync(project, "SocialCapital", Yuan(270_000), "幸福里物业服务有限公司 社会资本合作协议", "CCB-2026-0309-0012", "social-capital", cancellationToken);
        await ReceiptAsync(project, "SelfRaised", Yuan(90_000), "广告位租赁收入 2025年度", "CCB-2026-0309-0013", "self-raised", cancellationToken);
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
        log.WriteLine($"  {project}: 900,000 yuan on the 432 mix; {paying.Count} of {DemoPeople.Households.Count} households paid 3,000 yuan each");
    }

    /// <summary>End of May: the progress tranche is paid; acceptance is still to come.</summary>
    async Task FacadeProgressAsync(CancellationToken cancellationToken)
    {
        const string project = FacadeProjectId;
        await MilestoneAsync(project, "ProgressVerified", "外墙脚手架、空鼓铲除及防水层施工 监理阶段验收记录", cancellationToken);
        await DisburseAsync(project, "Progress", "Installation", Yuan(450_000), "城建第三工程有限公司", "进度款发票 No.44020117", "CCB-2026-0530-0102", cancellationToken);
        log.WriteLine($"  {project}: progress paid (450,000 yuan), acceptance to come");
    }

    /// <summary>The points bank's catalog: 物业费减免, 家政服务 and goods.</summary>
    async Task CatalogAsync(CancellationToken cancellationToken)
    {
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
            await SendAsync(Key(DemoPeople.Coordinator), CatalogCommandTypes.AddCatalogItem, body, $"catalog/{item.ItemId}", cancellationToken);
        }
        log.WriteLine($"  points bank: {catalog.Length} catalog items");
    }

    /// <summary>March's awards, priced by the policy's first version: waste sorting, volunteer hours, a residents' council and donations.</summary>
    static List<(string HouseholdId, string Activity, long Quantity, long Points, string Reference)> MarchAwards() =>
    [
        // Every household of buildings 1 and 2 sorted its waste correctly on 20 days of March: 1 point a day.
        .. DemoPeople.Households.Where(h => h.Building <= 2).Select(h => (h.Id, "WasteSorting", 20L, 20L, "垃圾分类/2026-03")),
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
    ];

    /// <summary>July's waste sorting, priced by the second version: 25 days at 2 points.</summary>
    static List<(string HouseholdId, string Activity, long Quantity, long Points, string Reference)> JulyAwards() =>
        [.. DemoPeople.Households.Where(h => h.Building <= 2).Select(h => (h.Id, "WasteSorting", 25L, 50L, "垃圾分类/2026-07"))];

    async Task AwardAsync(string month, List<(string HouseholdId, string Activity, long Quantity, long Points, string Reference)> awards,
        CancellationToken cancellationToken)
    {
        foreach (var award in awards)
        {
            await SendAsync(Key(DemoPeople.Coordinator), HouseholdCommandTypes.AwardPoints, new JsonObject
            {
                ["activity"] = award.Activity,
                ["householdId"] = award.HouseholdId,
                ["points"] = award.Points,
                ["quantity"] = award.Quantity,
                ["reference"] = award.Reference,
            }, $"points/award/{award.HouseholdId}/{award.Reference}", cancellationToken);
        }
        log.WriteLine($"  points bank: {awards.Count} awards for {month}, as the policy in force prices them");
    }

    /// <summary>
    /// b1-0101 books two hours of housekeeping, delivered and fulfilled; b2-0302 reserves rice,
    /// then cancels: the points and the bag of rice come back.
    /// </summary>
    async Task RedemptionsAsync(CancellationToken cancellationToken)
    {
        var housekeeping = await ReserveAsync("b1-0101", "housekeeping-2h", cancellationToken);
        await SendAsync(Key(DemoPeople.Coordinator), HouseholdCommandTypes.FulfilRedemption,
            new JsonObject { ["householdId"] = "b1-0101", ["redemptionId"] = housekeeping }, "points/fulfil/b1-0101/housekeeping", cancellationToken);
        var rice = await ReserveAsync("b2-0302", "rice-5kg", cancellationToken);
        await SendAsync(Key(DemoPeople.Residents.Single(r => r.HouseholdId == "b2-0302")), HouseholdCommandTypes.CancelRedemption,
            new JsonObject { ["householdId"] = "b2-0302", ["reason"] = "外出探亲，无法按时领取", ["redemptionId"] = rice }, "points/cancel/b2-0302/rice", cancellationToken);
        log.WriteLine("  points bank: 2 redemptions (one fulfilled, one cancelled)");
    }

    static string Day(DateTimeOffset time) => time.ToOffset(LedgerTime.ChinaStandardTime).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    async Task OpenProjectAsync(string project, string name, long contractFen, long government, long socialCapital, long residents,
        long selfRaised, int warrantyMonths, JsonObject? fundPolicy, CancellationToken cancellationToken, JsonObject? votePolicy = null)
    {
        var body = new JsonObject
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
        };
        if (fundPolicy is not null)
        {
            body["fundPolicy"] = fundPolicy;
        }
        if (votePolicy is not null)
        {
            body["votePolicy"] = votePolicy;
        }
        await SendAsync(Key(DemoPeople.Officer), ProjectCommandTypes.OpenProject, body, $"{project}/open", cancellationToken);
    }

    /// <returns>The receipt's sequence in the project stream.</returns>
    /// <param name="bankReference">The bank's reference of the transfer, which its statement shows (docs/BANK.md "Matching").</param>
    Task<long> ReceiptAsync(string project, string source, long amountFen, string document, string bankReference, string step, CancellationToken cancellationToken) =>
        SendAsync(Key(DemoPeople.Officer), ProjectCommandTypes.RecordReceipt, new JsonObject
        {
            ["amountFen"] = amountFen,
            ["documentHash"] = DocumentHash(document),
            ["projectId"] = project,
            ["reference"] = bankReference,
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
    async Task DisburseAsync(string project, string tranche, string category, long amountFen, string payee, string invoice, string bankReference,
        CancellationToken cancellationToken)
    {
        var disbursement = await SendAsync(Key(DemoPeople.Officer), ProjectCommandTypes.RequestDisbursement, new JsonObject
        {
            ["amountFen"] = amountFen,
            ["category"] = category,
            ["invoiceHash"] = DocumentHash(invoice),
            ["payee"] = payee,
            ["projectId"] = project,
            ["tranche"] = tranche,
        }, $"{project}/disbursement/{tranche}/{category}/request", cancellationToken);
        foreach (var (person, role) in new[]
        {
            (DemoPeople.OwnerRepresentative, Role.OwnerRepresentative), (DemoPeople.Supervisor, Role.ConstructionSupervisor), (DemoPeople.Manager, Role.ProjectManager),
        })
        {
            await SendAsync(Key(person), ProjectCommandTypes.ApproveDisbursement,
                new JsonObject { ["disbursementId"] = disbursement, ["projectId"] = project, ["role"] = role.ToString() },
                $"{project}/disbursement/{tranche}/{category}/approve/{role}", cancellationToken);
        }
        await SendAsync(Key(DemoPeople.Cashier), ProjectCommandTypes.PayDisbursement,
            new JsonObject { ["bankReference"] = bankReference, ["disbursementId"] = disbursement, ["projectId"] = project },
            $"{project}/disbursement/{tranche}/{category}/pay", cancellationToken);
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
        var idempotencyKey = IdempotencyKeyOf(step);
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

    static string IdempotencyKeyOf(string step) => "demo/" + step;

    PersonKey Key(DemoPerson person) => keys[person.PersonId];

    static long Yuan(long yuan) => checked(yuan * 100);

    static string DocumentHash(string document) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(document)));
}
