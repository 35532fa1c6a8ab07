using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Api.Demo;
using Ledger.Canonical;
using Ledger.Client;
using Ledger.Entries;
using Ledger.Rules;
using Ledger.Rules.Catalog;
using Ledger.Rules.Households;
using Ledger.Rules.Projects;
using Ledger.Rules.Registry;
using Ledger.Verifier.Verification;
using Xunit.Abstractions;
using static Ledger.Tests.Tampering.DemoExport;

namespace Ledger.Tests.Tampering;

/// <summary>
/// Issue 6 item 4: distinct tamperings of the demo export, each caught with the right
/// finding. Most are an attacker's who fixes everything they can — re-chains the stream,
/// rewrites the manifest, signs with every key they hold — so that only the signatures and
/// the rules replayed by the verifier are left to catch them; a few are the careless
/// attacker's, whom the chain or the manifest catches. The untampered export has no finding.
/// </summary>
[Collection(DemoExportCollection.Name)]
public sealed class TamperSuiteTests(DemoExport demo, ITestOutputHelper log)
{
    /// <summary>What a tampering must produce: a finding of this kind, in this stream, mentioning this text.</summary>
    public sealed record Expected(FindingKind Kind, string? Stream = null, string? Mentions = null);

    /// <param name="FixesEverything">The attacker re-chained and rewrote the manifest: no chain, sequence or manifest finding may remain.</param>
    /// <param name="Only">No finding of another kind than the expected ones.</param>
    public sealed record Tampering(string Name, Func<DemoExport, ExportTampering> Apply, Expected[] Expect, bool FixesEverything = false, bool Only = false);

    static readonly FindingKind[] CarelessKinds =
        [FindingKind.ChainBroken, FindingKind.SequenceBroken, FindingKind.ManifestMismatch, FindingKind.HashMismatch, FindingKind.LogBroken, FindingKind.EntryMalformed];

    /// <summary>Issue 15's "time travel": the warranty tranche paid years early, every rule kept as the entries are dated.</summary>
    public const string TimeTravel = "time travel: the warranty's two attestations dated years ahead, then its payment dated today";

    const string Catalog = CatalogRules.Stream;
    const string Registry = RegistryRules.Stream;
    static readonly string B1_0101 = HouseholdRules.StreamOf("b1-0101");

    public static readonly IReadOnlyList<Tampering> All =
    [
        // Money edited after the fact.
        new("a receipt's amount changed in its entry only, the stream re-chained",
            d => d.Tamper().Edit(FacadeStream, ProjectEntryTypes.ReceiptRecorded, e => e["body"]!["amountFen"] = 25_000_000),
            [new(FindingKind.EntriesDisagreeWithRules, FacadeStream, "25000000")], FixesEverything: true, Only: true),
        new("a receipt's amount changed in its entry and in its signed command",
            d => d.Tamper().Edit(FacadeStream, ProjectEntryTypes.ReceiptRecorded, e =>
            {
                e["body"]!["amountFen"] = 25_000_000;
                e["signedCommand"]!["command"]!["body"]!["amountFen"] = 25_000_000;
            }),
            [new(FindingKind.SignatureInvalid, FacadeStream)], FixesEverything: true, Only: true),
        new("a payee changed in a disbursement request and its signed command",
            d => d.Tamper().Edit(FacadeStream, ProjectEntryTypes.DisbursementRequested, e =>
            {
                e["body"]!["payee"] = "某空壳咨询有限公司";
                e["signedCommand"]!["command"]!["body"]!["payee"] = "某空壳咨询有限公司";
            }),
            [new(FindingKind.SignatureInvalid, FacadeStream)], FixesEverything: true, Only: true),
        new("an entry edited in place, the later links of its stream left as they were",
            d => d.Tamper().Edit(B1_0101, HouseholdEntryTypes.PointsAwarded, e => e["body"]!["points"] = 2_000, rechain: false),
            [new(FindingKind.ChainBroken, B1_0101)]),
        new("an entry edited and every later hash of its stream recomputed",
            d => d.Tamper().Edit(B1_0101, HouseholdEntryTypes.PointsAwarded, e => e["body"]!["points"] = 2_000),
            [new(FindingKind.EntriesDisagreeWithRules, B1_0101, "2000")], FixesEverything: true, Only: true),
        new("a signature byte flipped, the stream re-chained",
            d => d.Tamper().Edit(ElevatorStream, ProjectEntryTypes.DisbursementPaid, e =>
            {
                var signature = Hex.Decode((string)e["signedCommand"]!["signature"]!, SignedCommand.SignatureSize);
                signature[17] ^= 0x01;
                e["signedCommand"]!["signature"] = Hex.Encode(signature);
            }),
            [new(FindingKind.SignatureInvalid, ElevatorStream)], FixesEverything: true, Only: true),
        new("a recorded time moved outside its command's issue window, the stream re-chained",
            d => d.Tamper().Edit(FacadeStream, ProjectEntryTypes.ReceiptRecorded,
                e => e["recordedAt"] = LedgerTime.Format(LedgerTime.TryParse((string)e["recordedAt"]!, out var t) ? t.AddMinutes(10) : default)),
            // The entries after it, recorded minutes before it, go back along the log.
            [new(FindingKind.IssuedOutsideWindow, FacadeStream), new(FindingKind.RecordedTimeWentBack)], FixesEverything: true, Only: true),

        // Entries removed, moved or repeated.
        new("an entry deleted, its stream left with a gap",
            d => { var t = d.Tamper(); return t.RemoveAt(t.IndexOf(FacadeStream, ProjectEntryTypes.DisbursementApproved)); },
            [new(FindingKind.SequenceBroken, FacadeStream)]),
        new("an approval deleted, its stream renumbered and re-chained",
            d => { var t = d.Tamper(); return t.RemoveAt(t.IndexOf(FacadeStream, ProjectEntryTypes.DisbursementApproved)).Rechain(FacadeStream); },
            [new(FindingKind.RuleViolation, FacadeStream, nameof(ResultCode.ApprovalsMissing))], FixesEverything: true),
        new("two entries of one stream swapped",
            d =>
            {
                var t = d.Tamper();
                return t.Swap(t.IndexOf(FacadeStream, ProjectEntryTypes.DisbursementRequested), t.IndexOf(FacadeStream, ProjectEntryTypes.DisbursementApproved));
            },
            [new(FindingKind.SequenceBroken, FacadeStream)]),
        new("two entries of one stream swapped, renumbered and re-chained",
            d =>
            {
                var t = d.Tamper();
                return t.Swap(t.IndexOf(FacadeStream, ProjectEntryTypes.DisbursementRequested), t.IndexOf(FacadeStream, ProjectEntryTypes.DisbursementApproved))
                    .Rechain(FacadeStream);
            },
            [new(FindingKind.RuleViolation, FacadeStream, nameof(ResultCode.UnknownDisbursement))], FixesEverything: true),
        new("an entry duplicated in place",
            d => { var t = d.Tamper(); return t.Duplicate(t.IndexOf(FacadeStream, ProjectEntryTypes.ReceiptRecorded)); },
            [new(FindingKind.SequenceBroken, FacadeStream)]),
        new("a stream's tail cut, the manifest left as it was",
            d =>
            {
                var t = d.Tamper().KeepManifest();
                t.RemoveAt(t.LastIndexOf(e => e.Stream == ElevatorStream));
                return t.RemoveAt(t.LastIndexOf(e => e.Stream == ElevatorStream));
            },
            [new(FindingKind.ManifestMismatch, Mentions: ElevatorStream), new(FindingKind.ManifestMismatch, Mentions: "entriesSha256")]),
        new("a crowdfunding payment left on the household side only, the project stream re-chained",
            d =>
            {
                var t = d.Tamper();
                return t.RemoveAt(t.IndexOf(e => e.Stream == FacadeStream && e.Type == ProjectEntryTypes.ContributionReceived
                    && e.Body.GetProperty("householdId").GetString() == "b1-0101")).Rechain(FacadeStream);
            },
            [new(FindingKind.EntriesDisagreeWithRules, B1_0101, ProjectEntryTypes.ContributionReceived)], FixesEverything: true),
        new("one side of a crowdfunding payment given another recorded time, the stream re-chained",
            d =>
            {
                var t = d.Tamper();
                var index = t.IndexOf(e => e.Stream == FacadeStream && e.Type == ProjectEntryTypes.ContributionReceived
                    && e.Body.GetProperty("householdId").GetString() == "b1-0101");
                return t.EditEntry(index, e => e["recordedAt"] = LedgerTime.Format(t.EntryAt(index).RecordedAt.AddSeconds(1)));
            },
            [new(FindingKind.RecordedTimeInconsistent, FacadeStream)], FixesEverything: true, Only: true),
        new("a receipt moved to another project's stream, both streams re-chained",
            d =>
            {
                var t = d.Tamper();
                return t.EditEntry(t.IndexOf(FacadeStream, ProjectEntryTypes.ReceiptRecorded), e => e["stream"] = ElevatorStream)
                    .Rechain(FacadeStream).Rechain(ElevatorStream);
            },
            [new(FindingKind.EntriesDisagreeWithRules, ElevatorStream, FacadeStream)], FixesEverything: true),
        new("a redemption left on the household side only, the catalog re-chained",
            d =>
            {
                var t = d.Tamper();
                return t.RemoveAt(t.IndexOf(e => e.Stream == Catalog && e.Type == CatalogEntryTypes.ItemReserved
                    && e.Body.GetProperty("householdId").GetString() == "b1-0101")).Rechain(Catalog);
            },
            [new(FindingKind.EntriesDisagreeWithRules, B1_0101, CatalogEntryTypes.ItemReserved)], FixesEverything: true, Only: true),
        new("a person's registration deleted, the registry re-chained",
            d =>
            {
                var t = d.Tamper();
                return t.RemoveAt(t.IndexOf(e => e.Type == RegistryEntryTypes.PersonRegistered
                    && e.Body.GetProperty("personId").GetString() == DemoPeople.OwnerRepresentative.PersonId)).Rechain(Registry);
            },
            [new(FindingKind.KeyUnknown, ElevatorStream, DemoPeople.OwnerRepresentative.PersonId)], FixesEverything: true, Only: true),
        new("a signed command replayed at the end of the log",
            d =>
            {
                var t = d.Tamper();
                var receipt = t.EntryAt(t.IndexOf(e => e.Type == ProjectEntryTypes.ReceiptRecorded && e.SignedCommand.Command.PersonId == ExtraOfficerId));
                t.AppendSigned(receipt.SignedCommand, t.NextRecordedAt(),
                    (FacadeStream, ProjectEntryTypes.ReceiptRecorded, JsonNode.Parse(receipt.Body.GetRawText())!.AsObject()));
                return t;
            },
            [new(FindingKind.CommandReplayed, FacadeStream)], FixesEverything: true, Only: true),

        // Keys and signatures.
        new("a command re-signed with a key revoked before it",
            d =>
            {
                var t = d.Tamper();
                return t.ReSign(t.IndexOf(e => e.Type == ProjectEntryTypes.ReceiptRecorded && e.SignedCommand.Command.PersonId == ExtraOfficerId), d.RevokedKey);
            },
            [new(FindingKind.KeyRevoked, FacadeStream)], FixesEverything: true, Only: true),
        new("an approval re-signed with a key nobody registered",
            d => { var t = d.Tamper(); return t.ReSign(OwnerRepresentativeApproval(t), UnregisteredKey(DemoPeople.OwnerRepresentative.PersonId)); },
            [new(FindingKind.KeyUnknown, FacadeStream)], FixesEverything: true, Only: true),
        new("an approval re-signed by its approver in another person's name",
            d =>
            {
                var t = d.Tamper();
                return t.ReSign(OwnerRepresentativeApproval(t), new PersonKey(DemoPeople.Manager.PersonId, d.KeyOf(DemoPeople.OwnerRepresentative).Key));
            },
            // The entry is still folded in, as the server would have: the manager's own approval then comes second.
            [new(FindingKind.KeyUnknown, FacadeStream, DemoPeople.Manager.PersonId)], FixesEverything: true),
        new("the registry's genesis forged with another root key, the registry re-chained",
            d => ForgeGenesis(d.Tamper(), UnregisteredKey(RegistryGenesisRegistrarId)),
            [new(FindingKind.RootKeyMismatch, Registry), new(FindingKind.KeyUnknown, Registry)], FixesEverything: true, Only: true),
        new("the registry's genesis forged, and the forged root key pinned",
            d =>
            {
                var forged = UnregisteredKey(RegistryGenesisRegistrarId);
                return ForgeGenesis(d.Tamper(), forged).PinRootKey(forged.KeyId);
            },
            [new(FindingKind.KeyUnknown, Registry)], FixesEverything: true, Only: true),
        new("the root key replaced in the manifest",
            d =>
            {
                var other = UnregisteredKey(RegistryGenesisRegistrarId);
                return d.Tamper().EditManifest(m =>
                {
                    m["rootKeyId"] = other.KeyId;
                    m["rootPublicKey"] = Hex.Encode(other.Key.PublicKey.Bytes);
                });
            },
            [new(FindingKind.RootKeyMismatch, Registry)], Only: true),
        new("the untouched export audited against another pinned root key",
            d => d.Tamper().PinRootKey(UnregisteredKey(RegistryGenesisRegistrarId).KeyId),
            [new(FindingKind.RootKeyMismatch, Registry)], Only: true),
        new("a key of mixed order added to a person, signed by the registrar",
            d =>
            {
                var t = d.Tamper();
                // RFC 8032 TEST 1's key plus a point of order 8 (tests/Ledger.Tests/Signing/FullOrderPointTests.cs).
                const string mixedOrderKey = "9158312a9a8d6e3b34c891d6d61444f8b8211c5117ebad15bdb0bd68b07e0245";
                var keyId = KeyIds.Of(Hex.Decode(mixedOrderKey, 32));
                t.Append(d.Registrar, RegistryCommandTypes.AddKey,
                    new JsonObject { ["personId"] = DemoPeople.Officer.PersonId, ["publicKey"] = mixedOrderKey },
                    (Registry, RegistryEntryTypes.KeyAdded, new JsonObject { ["keyId"] = keyId, ["personId"] = DemoPeople.Officer.PersonId, ["publicKey"] = mixedOrderKey }));
                return t;
            },
            [new(FindingKind.RuleViolation, Registry, nameof(ResultCode.PublicKeyNotFullOrder))], FixesEverything: true, Only: true),

        // Commands the rules refuse, appended at the end of the log with every signature valid.
        new(TimeTravel,
            d =>
            {
                var t = d.Tamper();
                var today = t.NextRecordedAt();
                var afterTheWarranty = new At(DemoCommunity.ElevatorProjectId, today.AddMonths(DemoCommunity.ElevatorWarrantyMonths + 1));
                Attest(t, d.KeyOf(DemoPeople.Manager), nameof(Milestone.WarrantyExpired), nameof(Role.ProjectManager), afterTheWarranty);
                Attest(t, d.KeyOf(DemoPeople.Supervisor), nameof(Milestone.WarrantyExpired), nameof(Role.ConstructionSupervisor), afterTheWarranty);
                var backToToday = new At(DemoCommunity.ElevatorProjectId, today);
                // The lift's funds are restricted: what is left of them is the residents' money, which may pay for anything.
                var id = Request(t, d.KeyOf(DemoPeople.Officer), nameof(Tranche.Warranty), 5_000_000, backToToday,
                    (nameof(ExpenseCategory.Installation), new JsonObject { [nameof(FundingSource.ResidentCrowdfunding)] = 5_000_000 }));
                ApproveByAllThree(t, d, id, backToToday);
                Pay(t, d.KeyOf(DemoPeople.Cashier), id, 5_000_000, backToToday);
                return t;
            },
            // Every rule holds as the entries are dated, so the time going back is all there is to see.
            [new(FindingKind.RecordedTimeWentBack, ElevatorStream)], FixesEverything: true, Only: true),
        new("a payment beyond the unlocked tranche, every signature valid",
            d =>
            {
                var t = d.Tamper();
                var id = Request(t, d.KeyOf(DemoPeople.Officer), nameof(Tranche.Progress), 10_000_000);
                ApproveByAllThree(t, d, id);
                Pay(t, d.KeyOf(DemoPeople.Cashier), id, 10_000_000);
                return t;
            },
            [new(FindingKind.RuleViolation, FacadeStream, nameof(ResultCode.BeyondTrancheCap))], FixesEverything: true, Only: true),
        new("a payment from a tranche whose milestone was not reached, every signature valid",
            d =>
            {
                var t = d.Tamper();
                var id = Request(t, d.KeyOf(DemoPeople.Officer), nameof(Tranche.Acceptance), 5_000_000);
                ApproveByAllThree(t, d, id);
                Pay(t, d.KeyOf(DemoPeople.Cashier), id, 5_000_000);
                return t;
            },
            [new(FindingKind.RuleViolation, FacadeStream, nameof(ResultCode.TrancheLocked))], FixesEverything: true, Only: true),
        new("a disbursement paid twice, both payments signed by the cashier",
            d =>
            {
                var t = d.Tamper();
                var request = t.EntryAt(t.IndexOf(FacadeStream, ProjectEntryTypes.DisbursementRequested));
                Pay(t, d.KeyOf(DemoPeople.Cashier), request.Sequence, request.Body.GetProperty("amountFen").GetInt64());
                return t;
            },
            [new(FindingKind.RuleViolation, FacadeStream, nameof(ResultCode.DisbursementAlreadyPaid))], FixesEverything: true, Only: true),
        new("a disbursement approved by its requester",
            d =>
            {
                var t = d.Tamper();
                var id = Request(t, d.ExtraOfficer, nameof(Tranche.Progress), 5_000_000);
                Approve(t, d.ExtraOfficer, id, nameof(Role.OwnerRepresentative));
                return t;
            },
            [new(FindingKind.RuleViolation, FacadeStream, nameof(ResultCode.RequesterCannotApprove))], FixesEverything: true, Only: true),
        new("a disbursement approved in a role the approver does not hold",
            d =>
            {
                var t = d.Tamper();
                var id = Request(t, d.KeyOf(DemoPeople.Officer), nameof(Tranche.Progress), 5_000_000);
                Approve(t, d.KeyOf(DemoPeople.Supervisor), id, nameof(Role.ProjectManager));
                return t;
            },
            [new(FindingKind.RoleMissing, FacadeStream)], FixesEverything: true, Only: true),
        new("a disbursement paid by its requester",
            d =>
            {
                var t = d.Tamper();
                var id = Request(t, d.KeyOf(DemoPeople.Officer), nameof(Tranche.Progress), 5_000_000);
                ApproveByAllThree(t, d, id);
                Pay(t, d.KeyOf(DemoPeople.Officer), id, 5_000_000);
                return t;
            },
            [new(FindingKind.RuleViolation, FacadeStream, nameof(ResultCode.PayerNotDistinct))], FixesEverything: true, Only: true),
        new("a receipt beyond its source's plan, signed by the finance officer",
            d =>
            {
                var t = d.Tamper();
                var document = Document("幸福里物业服务有限公司 追加投资");
                t.Append(d.KeyOf(DemoPeople.Officer), ProjectCommandTypes.RecordReceipt,
                    new JsonObject { ["amountFen"] = 100_000, ["documentHash"] = document, ["projectId"] = DemoCommunity.FacadeProjectId, ["source"] = nameof(FundingSource.SocialCapital) },
                    (FacadeStream, ProjectEntryTypes.ReceiptRecorded, new JsonObject { ["amountFen"] = 100_000, ["documentHash"] = document, ["source"] = nameof(FundingSource.SocialCapital) }));
                return t;
            },
            [new(FindingKind.RuleViolation, FacadeStream, nameof(ResultCode.ReceiptBeyondPlan))], FixesEverything: true, Only: true),
        new("a payment drawn from a source not permitted for its category, every signature valid",
            d =>
            {
                var t = d.Tamper();
                // The subsidy pays equipment and installation only; design is for the self-raised money, of which nothing came in.
                var id = RestrictedProjectWithRequest(t, d, nameof(ExpenseCategory.Design));
                ApproveByAllThree(t, d, id, Restricted);
                Pay(t, d.KeyOf(DemoPeople.Cashier), id, RestrictedPaymentFen, Restricted);
                return t;
            },
            [new(FindingKind.RuleViolation, ProjectRules.StreamOf(RestrictedProjectId), nameof(ResultCode.RestrictedFundsInsufficient))], FixesEverything: true, Only: true),
        new("a reconciliation whose balance does not match, signed by the finance officer",
            d =>
            {
                // 2020, long before the demo's first entry: the ledger's balance at its end is 0 fen, the statement claims 1.
                var t = d.Tamper();
                var statement = Document("银行对账单 2020");
                var id = t.NextSequence(FacadeStream);
                var signed = new JsonObject
                {
                    ["closingBalanceFen"] = 1, ["fromDate"] = "2020-01-01", ["matchedCount"] = 0, ["statementHash"] = statement, ["toDate"] = "2020-12-31",
                    ["unmatchedLedgerCount"] = 0, ["unmatchedStatementCount"] = 1,
                };
                var command = signed.DeepClone().AsObject();
                command["projectId"] = DemoCommunity.FacadeProjectId;
                signed["reconciliationId"] = id;
                t.Append(d.KeyOf(DemoPeople.Officer), ProjectCommandTypes.SignReconciliation, command, (FacadeStream, ProjectEntryTypes.ReconciliationSigned, signed));
                return t;
            },
            [new(FindingKind.RuleViolation, FacadeStream, nameof(ResultCode.ReconciliationBalanceMismatch))], FixesEverything: true, Only: true),
        new("a share overpaid by a household, signed by its resident",
            d => PayShare(d.Tamper(), d.KeyOf("resident-b1-0101"), "b1-0101"),
            [new(FindingKind.RuleViolation, B1_0101, nameof(ResultCode.PaymentBeyondShare))], FixesEverything: true, Only: true),
        new("a share paid for a neighbour's household, signed by the payer's own key",
            d => PayShare(d.Tamper(), d.KeyOf("resident-b1-0101"), "b1-0202"),
            [new(FindingKind.RuleViolation, HouseholdRules.StreamOf("b1-0202"), nameof(ResultCode.NotResidentOfHousehold))], FixesEverything: true, Only: true),
        new("a redemption beyond the household's points, signed by its resident",
            d =>
            {
                var t = d.Tamper();
                var household = HouseholdRules.StreamOf("b5-0101");
                var redemptionId = t.NextSequence(household);
                t.Append(d.KeyOf("resident-b5-0101"), HouseholdCommandTypes.ReserveRedemption,
                    new JsonObject { ["householdId"] = "b5-0101", ["itemId"] = "fee-relief-50", ["quantity"] = 1 },
                    (household, HouseholdEntryTypes.RedemptionReserved, new JsonObject { ["itemId"] = "fee-relief-50", ["points"] = 500, ["quantity"] = 1, ["redemptionId"] = redemptionId }),
                    (Catalog, CatalogEntryTypes.ItemReserved, new JsonObject { ["householdId"] = "b5-0101", ["itemId"] = "fee-relief-50", ["quantity"] = 1, ["redemptionId"] = redemptionId }));
                return t;
            },
            [new(FindingKind.RuleViolation, HouseholdRules.StreamOf("b5-0101"), nameof(ResultCode.InsufficientPoints))], FixesEverything: true, Only: true),
        new("a redemption fulfilled twice, both signed by the coordinator",
            d =>
            {
                var t = d.Tamper();
                var reservation = t.EntryAt(t.IndexOf(B1_0101, HouseholdEntryTypes.RedemptionReserved));
                t.Append(d.KeyOf(DemoPeople.Coordinator), HouseholdCommandTypes.FulfilRedemption,
                    new JsonObject { ["householdId"] = "b1-0101", ["redemptionId"] = reservation.Sequence },
                    (B1_0101, HouseholdEntryTypes.RedemptionFulfilled, new JsonObject { ["points"] = reservation.Body.GetProperty("points").GetInt64(), ["redemptionId"] = reservation.Sequence }));
                return t;
            },
            [new(FindingKind.RuleViolation, B1_0101, nameof(ResultCode.RedemptionNotReserved))], FixesEverything: true, Only: true),

        // The owners' vote (issue 17).
        new("a campaign started without a passed vote, where the project's policy requires one, signed by the finance officer",
            d =>
            {
                var t = d.Tamper();
                var project = OpenVotingProject(t, d, "lift-b9");
                t.Append(d.KeyOf(DemoPeople.Officer), ProjectCommandTypes.StartCampaign,
                    new JsonObject
                    {
                        ["households"] = new JsonArray(new JsonObject { ["householdId"] = "b1-0101" }), ["projectId"] = "lift-b9", ["rule"] = "Flat", ["targetFen"] = 200_000,
                    },
                    (project, ProjectEntryTypes.CampaignStarted, new JsonObject
                    {
                        ["rule"] = "Flat", ["shares"] = new JsonArray(new JsonObject { ["householdId"] = "b1-0101", ["shareFen"] = 200_000 }), ["targetFen"] = 200_000,
                    }));
                return t;
            },
            [new(FindingKind.RuleViolation, ProjectRules.StreamOf("lift-b9"), nameof(ResultCode.CampaignNeedsPassedVote))], FixesEverything: true, Only: true),
        new("a vote counted twice: a household's second ballot, signed by its resident",
            d =>
            {
                var t = d.Tamper();
                t.Append(d.Registrar, RegistryCommandTypes.RecordFloorArea,
                    new JsonObject { ["floorAreaHundredths"] = 9_000, ["householdId"] = "b1-0101" },
                    (Registry, RegistryEntryTypes.FloorAreaRecorded, new JsonObject { ["floorAreaHundredths"] = 9_000, ["householdId"] = "b1-0101" }));
                var project = OpenVotingProject(t, d, "lift-b8");
                t.Append(d.KeyOf(DemoPeople.OwnerRepresentative), ProjectCommandTypes.OpenVote,
                    new JsonObject
                    {
                        ["closesAt"] = "2099-01-01T00:00:00.000Z", ["households"] = new JsonArray("b1-0101"), ["matter"] = "RaiseFunds",
                        ["opensAt"] = "2020-01-01T00:00:00.000Z", ["projectId"] = "lift-b8", ["question"] = "加装电梯", ["voteId"] = "lift",
                    },
                    (project, ProjectEntryTypes.VoteOpened, new JsonObject
                    {
                        ["closesAt"] = "2099-01-01T00:00:00.000Z",
                        ["households"] = new JsonArray(new JsonObject { ["floorAreaHundredths"] = 9_000, ["householdId"] = "b1-0101" }),
                        ["matter"] = "RaiseFunds", ["opensAt"] = "2020-01-01T00:00:00.000Z", ["question"] = "加装电梯", ["voteId"] = "lift",
                    }),
                    (B1_0101, HouseholdEntryTypes.BallotIssued, new JsonObject
                    {
                        ["closesAt"] = "2099-01-01T00:00:00.000Z", ["opensAt"] = "2020-01-01T00:00:00.000Z", ["projectId"] = "lift-b8", ["voteId"] = "lift",
                    }));
                for (var i = 0; i < 2; i++)
                {
                    t.Append(d.KeyOf("resident-b1-0101"), HouseholdCommandTypes.CastBallot,
                        new JsonObject { ["choice"] = "Agree", ["householdId"] = "b1-0101", ["projectId"] = "lift-b8", ["voteId"] = "lift" },
                        (B1_0101, HouseholdEntryTypes.BallotCast, new JsonObject { ["choice"] = "Agree", ["projectId"] = "lift-b8", ["voteId"] = "lift" }));
                }
                return t;
            },
            [new(FindingKind.RuleViolation, B1_0101, nameof(ResultCode.BallotAlreadyCast))], FixesEverything: true, Only: true),

        // Bytes and the manifest.
        new("an entry's bytes made non-canonical with one space",
            d =>
            {
                var t = d.Tamper();
                var index = t.IndexOf(FacadeStream, ProjectEntryTypes.ReceiptRecorded);
                return t.SetLine(index, [(byte)'{', (byte)' ', .. t.LineAt(index).AsSpan(1)]);
            },
            [new(FindingKind.EntryMalformed)]),
        new("the entries file cut short in its last line, the manifest left as it was",
            d => d.Tamper().KeepManifest().CutEntriesFile(40),
            [new(FindingKind.EntryMalformed), new(FindingKind.ManifestMismatch, Mentions: "entriesSha256")]),
        new("the last line feed of the entries file removed, the manifest rewritten to match",
            d => d.Tamper().OmitFinalLineFeed(),
            [new(FindingKind.EntryMalformed)], Only: true),
        new("the manifest's entry counts edited",
            d => d.Tamper().EditManifest(m =>
            {
                m["entryCount"] = (long)m["entryCount"]! + 1;
                m["logSize"] = (long)m["logSize"]! + 1;
            }),
            [new(FindingKind.ManifestMismatch, Mentions: "entryCount"), new(FindingKind.ManifestMismatch, Mentions: "logSize")], Only: true),
        new("a stream's head replaced in the manifest",
            d => d.Tamper().EditManifest(m => m["streams"]![FacadeStream]!["headHash"] = new string('e', 64)),
            [new(FindingKind.ManifestMismatch, Mentions: FacadeStream)], Only: true),

        // Inputs that crashed the verifier (issue 15): each is now a finding at its place.
        new("a contribution deleted from a household that pays again later, the project re-chained",
            d =>
            {
                var t = d.Tamper();
                var (stream, household) = HouseholdPayingTwice(t);
                return t.RemoveAt(t.IndexOf(e => e.Stream == stream && e.Type == ProjectEntryTypes.ContributionReceived
                    && e.Body.GetProperty("householdId").GetString() == household)).Rechain(stream);
            },
            [new(FindingKind.EntriesDisagreeWithRules, Mentions: ProjectEntryTypes.ContributionReceived),
                new(FindingKind.RuleViolation, Mentions: nameof(InvariantViolationException))], FixesEverything: true),
        new("a catalog price of 2^53 − 1 points, then a reservation of 2,000 of the item",
            d =>
            {
                var t = d.Tamper().Edit(Catalog, CatalogEntryTypes.CatalogItemAdded, e => e["body"]!["pricePoints"] = CanonicalJson.MaxSafeInteger);
                var household = HouseholdRules.StreamOf("b5-0101");
                var redemptionId = t.NextSequence(household);
                t.Append(d.KeyOf("resident-b5-0101"), HouseholdCommandTypes.ReserveRedemption,
                    new JsonObject { ["householdId"] = "b5-0101", ["itemId"] = "fee-relief-50", ["quantity"] = 2_000 },
                    (household, HouseholdEntryTypes.RedemptionReserved, new JsonObject { ["itemId"] = "fee-relief-50", ["points"] = 1, ["quantity"] = 2_000, ["redemptionId"] = redemptionId }),
                    (Catalog, CatalogEntryTypes.ItemReserved, new JsonObject { ["householdId"] = "b5-0101", ["itemId"] = "fee-relief-50", ["quantity"] = 2_000, ["redemptionId"] = redemptionId }));
                return t;
            },
            [new(FindingKind.EntriesDisagreeWithRules, Catalog, CanonicalJson.MaxSafeInteger.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new(FindingKind.RuleViolation, HouseholdRules.StreamOf("b5-0101"), nameof(OverflowException))], FixesEverything: true, Only: true),
        new("a project's warrantyMonths made 2^31, the stream re-chained",
            d => d.Tamper().Edit(FacadeStream, ProjectEntryTypes.ProjectOpened, e => e["body"]!["warrantyMonths"] = 1L << 31),
            [new(FindingKind.EntriesDisagreeWithRules, FacadeStream, "2147483648")], FixesEverything: true),
        new("a key added for a person never registered, then a command signed with it",
            d =>
            {
                var t = d.Tamper();
                var ghost = UnregisteredKey("ghost-officer");
                t.Append(d.Registrar, RegistryCommandTypes.AddKey,
                    new JsonObject { ["personId"] = ghost.PersonId, ["publicKey"] = Hex.Encode(ghost.Key.PublicKey.Bytes) },
                    (Registry, RegistryEntryTypes.KeyAdded, new JsonObject { ["keyId"] = ghost.KeyId, ["personId"] = ghost.PersonId, ["publicKey"] = Hex.Encode(ghost.Key.PublicKey.Bytes) }));
                var document = Document("幽灵收款");
                t.Append(ghost, ProjectCommandTypes.RecordReceipt,
                    new JsonObject { ["amountFen"] = 100, ["documentHash"] = document, ["projectId"] = DemoCommunity.FacadeProjectId, ["source"] = nameof(FundingSource.GovernmentSubsidy) },
                    (FacadeStream, ProjectEntryTypes.ReceiptRecorded, new JsonObject { ["amountFen"] = 100, ["documentHash"] = document, ["source"] = nameof(FundingSource.GovernmentSubsidy) }));
                return t;
            },
            [new(FindingKind.RuleViolation, Registry, nameof(ResultCode.UnknownPerson)), new(FindingKind.KeyUnknown, FacadeStream, "ghost-officer")],
            FixesEverything: true, Only: true),
        new("the manifest's format made 2^40",
            d => d.Tamper().EditManifest(m => m["format"] = 1L << 40),
            [new(FindingKind.ManifestMismatch, Mentions: "format")], Only: true),
        new("the registry's first line swapped with the first line of a project",
            d => { var t = d.Tamper(); return t.Swap(0, t.IndexOf(e => e.Stream == FacadeStream)); },
            [new(FindingKind.KeyUnknown, FacadeStream)]),

        // Ids that end in a line feed (FORMAT.md §5 matches them as a whole string).
        new("a person registered with an id ending in a line feed, signed by the registrar",
            d =>
            {
                var t = d.Tamper();
                var person = UnregisteredKey("nl-person");
                var body = new JsonObject
                {
                    ["displayName"] = "换行",
                    ["keyId"] = person.KeyId,
                    ["personId"] = "nl-person\n",
                    ["publicKey"] = Hex.Encode(person.Key.PublicKey.Bytes),
                    ["roles"] = new JsonArray(nameof(Role.Auditor)),
                };
                t.Append(d.Registrar, RegistryCommandTypes.RegisterPerson,
                    new JsonObject { ["displayName"] = "换行", ["personId"] = "nl-person\n", ["publicKey"] = Hex.Encode(person.Key.PublicKey.Bytes), ["roles"] = new JsonArray(nameof(Role.Auditor)) },
                    (Registry, RegistryEntryTypes.PersonRegistered, body));
                return t;
            },
            [new(FindingKind.RuleViolation, Registry, nameof(ResultCode.MalformedCommand))], FixesEverything: true, Only: true),
        new("points awarded to a household whose id ends in a line feed",
            d =>
            {
                var t = d.Tamper();
                t.Append(d.KeyOf(DemoPeople.Coordinator), HouseholdCommandTypes.AwardPoints,
                    new JsonObject { ["activity"] = "WasteSorting", ["householdId"] = "b1-0101\n", ["points"] = 20, ["quantity"] = 1, ["reference"] = "垃圾分类/2026-04" },
                    (B1_0101, HouseholdEntryTypes.PointsAwarded,
                        new JsonObject { ["activity"] = "WasteSorting", ["points"] = 20, ["quantity"] = 1, ["reference"] = "垃圾分类/2026-04" }));
                // Entry.Create refuses such a stream id: the attacker writes the line by hand.
                return t.EditEntry(t.Count - 1, e => e["stream"] = B1_0101 + "\n", rechain: false);
            },
            [new(FindingKind.EntryMalformed)]),
        new("an award priced by the wrong policy version, every signature valid", d => AwardAfterTwoPolicyVersions(d, points: 30, policyVersion: 1),
            [new(FindingKind.RuleViolation, B1_0101, nameof(ResultCode.PointsNotAsPolicy))], FixesEverything: true, Only: true),
    ];

    /// <summary>
    /// Issue 17 part 4: after the demo's own versions, two more of the points policy, the first
    /// (10 points an hour) and the second (12 points an hour), each proposed by the coordinator
    /// and approved by a resident supervisor; then, once the second is in force, an award of 3
    /// hours for <paramref name="points"/>, recorded as priced by the version
    /// <paramref name="policyVersion"/> of the two (1 or 2).
    /// </summary>
    static ExportTampering AwardAfterTwoPolicyVersions(DemoExport d, long points, long policyVersion)
    {
        var t = d.Tamper();
        var start = t.NextRecordedAt();
        var coordinator = d.KeyOf(DemoPeople.Coordinator);
        var supervisor = d.KeyOf(DemoPeople.ResidentSupervisor);
        var demoVersions = d.Lines.Count(line => JsonDocument.Parse(line).RootElement.GetProperty("type").GetString() == RegistryEntryTypes.PointsPolicyProposed);
        foreach (var (version, pointsPerHour, from) in new[] { (demoVersions + 1, 10, start.AddSeconds(10)), (demoVersions + 2, 12, start.AddSeconds(20)) })
        {
            var rates = new JsonArray(new JsonObject { ["activity"] = "VolunteerService", ["pointsPerUnit"] = pointsPerHour, ["unit"] = "Hour" });
            var effectiveFrom = LedgerTime.Format(from);
            t.AppendAt(from.AddSeconds(-5), coordinator, RegistryCommandTypes.ProposePointsPolicy,
                new JsonObject { ["effectiveFrom"] = effectiveFrom, ["rates"] = rates },
                (Registry, RegistryEntryTypes.PointsPolicyProposed, new JsonObject { ["effectiveFrom"] = effectiveFrom, ["rates"] = rates.DeepClone(), ["version"] = version }));
            t.AppendAt(from.AddSeconds(-4), supervisor, RegistryCommandTypes.ApprovePointsPolicy, new JsonObject { ["version"] = version },
                (Registry, RegistryEntryTypes.PointsPolicyApproved, new JsonObject { ["effectiveFrom"] = effectiveFrom, ["version"] = version }));
        }
        t.AppendAt(start.AddSeconds(30), coordinator, HouseholdCommandTypes.AwardPoints,
            new JsonObject { ["activity"] = "VolunteerService", ["householdId"] = "b1-0101", ["points"] = points, ["quantity"] = 3, ["reference"] = "志愿服务/电梯施工引导" },
            (B1_0101, HouseholdEntryTypes.PointsAwarded,
                new JsonObject { ["activity"] = "VolunteerService", ["points"] = points, ["policyVersion"] = demoVersions + policyVersion, ["quantity"] = 3, ["reference"] = "志愿服务/电梯施工引导" }));
        return t;
    }

    [Fact]
    public void AnAwardPricedByTheVersionInForceReplaysWithoutFinding()
    {
        // The tampering's ledger, the award priced as version 2 prices it: what makes the case a finding is its version alone.
        var report = AwardAfterTwoPolicyVersions(demo, points: 36, policyVersion: 2).Audit("an award priced by the version in force");

        Assert.True(report.Valid, string.Join("\n", report.Findings));
    }

    public static TheoryData<string> Names => new(All.Select(t => t.Name));

    [Theory]
    [MemberData(nameof(Names))]
    public void TheTamperingIsCaughtWithTheExpectedFinding(string tampering)
    {
        var @case = All.Single(t => t.Name == tampering);
        var export = @case.Apply(demo);

        var report = export.Audit(tampering);

        log.WriteLine($"{tampering}: {report.FindingCount} finding(s)");
        foreach (var finding in report.Findings)
        {
            log.WriteLine($"  {finding}");
        }
        Assert.False(report.Valid);
        Assert.Equal(Audit.FindingsExitCode, Audit.ExitCodeOf(report));
        foreach (var expected in @case.Expect)
        {
            Assert.True(report.Findings.Any(f => f.Kind == expected.Kind
                    && (expected.Stream is null || f.Stream == expected.Stream)
                    && (expected.Mentions is null || $"{f.Check} {f.Expected} {f.Found}".Contains(expected.Mentions, StringComparison.Ordinal))),
                $"expected {expected}");
        }
        if (@case.FixesEverything)
        {
            Assert.DoesNotContain(report.Findings, f => CarelessKinds.Contains(f.Kind));
        }
        if (@case.Only)
        {
            Assert.All(report.Findings, f => Assert.Contains(f.Kind, @case.Expect.Select(e => e.Kind)));
        }
        Assert.All(report.Findings, NamesItsPlaceCheckExpectedAndFound);
    }

    [Fact]
    public void TheUntamperedDemoExportHasNoFindingAndItsFiguresAreTheDemos()
    {
        log.WriteLine($"demo, extra officer and export: {demo.SetUpDuration.TotalSeconds:0.0} s; {demo.Lines.Count} entries");

        var report = demo.AuditPristine(demo.RootKeyId);

        Assert.True(report.Valid, string.Join("\n", report.Findings));
        Assert.Empty(report.Findings);
        Assert.True(report.RootKeyPinned);
        Assert.Equal(demo.Lines.Count, report.EntryCount);
        var elevator = report.Projects.Single(p => p.ProjectId == DemoCommunity.ElevatorProjectId);
        Assert.Equal(54_000_000, elevator.PaidFen);
        Assert.Equal(6_000_000, elevator.Sources.Single(s => s.Source == nameof(FundingSource.SelfRaised)).ReceivedFen);
        // Issue 17's story replays: the lift's restricted payments, each drawn by its category;
        // the points policy's two versions; the first quarter reconciled and countersigned.
        Assert.Equal(nameof(FundDrawing.InOrder), elevator.FundDrawing);
        Assert.Equal(
        [
            (nameof(ExpenseCategory.Design), "SocialCapital 1800000"),
            (nameof(ExpenseCategory.Equipment), "GovernmentSubsidy 24000000, SocialCapital 10200000"),
            (nameof(ExpenseCategory.Installation), "ResidentCrowdfunding 6000000, SelfRaised 6000000, SocialCapital 6000000"),
        ], elevator.Payments.Select(p => (p.Category, string.Join(", ", p.AllocationFen.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key} {a.Value}")))));
        var types = demo.Lines.Select(line => JsonDocument.Parse(line).RootElement.GetProperty("type").GetString()).ToList();
        Assert.Equal(2, types.Count(t => t == RegistryEntryTypes.PointsPolicyApproved));
        Assert.Equal(1, types.Count(t => t == ProjectEntryTypes.ReconciliationCountersigned));
        var facade = report.Projects.Single(p => p.ProjectId == DemoCommunity.FacadeProjectId);
        Assert.Equal(45_000_000, facade.PaidFen);
        Assert.Equal(22_000_000, facade.Sources.Single(s => s.Source == nameof(FundingSource.GovernmentSubsidy)).ReceivedFen);
    }

    [Fact]
    public void ARestrictedProjectsPaymentIsReplayedAndTheReportSaysWhichSourcePaidItAndForWhat()
    {
        var (t, id) = RestrictedEquipmentPaid(demo);

        var report = t.Audit("restricted funds, untampered");

        Assert.True(report.Valid, string.Join("\n", report.Findings));
        var project = report.Projects.Single(p => p.ProjectId == Restricted.ProjectId);
        Assert.Equal(nameof(FundDrawing.InOrder), project.FundDrawing);
        var payment = Assert.Single(project.Payments);
        Assert.Equal((id, nameof(ExpenseCategory.Equipment), RestrictedPaymentFen), (payment.DisbursementId, payment.Category, payment.AmountFen));
        Assert.Equal(new Dictionary<string, long> { [nameof(FundingSource.GovernmentSubsidy)] = RestrictedPaymentFen }, payment.AllocationFen);
        Assert.Equal(new Dictionary<string, long> { [nameof(ExpenseCategory.Equipment)] = RestrictedPaymentFen },
            project.Sources.Single(s => s.Source == nameof(FundingSource.GovernmentSubsidy)).SpentFen);
        var text = report.ToText();
        Assert.Contains($"第 {id} 号拨付（设备）¥1,000.00，来自：政府补贴 ¥1,000.00", text);
        Assert.Contains("政府补贴已支付：设备 ¥1,000.00", text);
        Assert.Contains($"Payment #{id} (Equipment) ¥1,000.00 came from: Government subsidy ¥1,000.00", report.ToText(ReportLanguage.English));
    }

    [Fact]
    public void TheToolkitUntamperedWritesTheExportByteForByte()
    {
        // The suite's claim that an attacker "fixed everything" rests on this: re-chaining
        // every stream and rewriting the manifest, with nothing edited, changes no byte.
        var tampering = demo.Tamper().KeepCheckpoints();
        foreach (var stream in demo.Lines.Select(l => Entry.Parse(l).Stream).Distinct())
        {
            tampering.Rechain(stream);
        }

        var folder = tampering.WriteTo("untampered");

        Assert.Equal(File.ReadAllBytes(Path.Combine(demo.Folder, "entries.jsonl")), File.ReadAllBytes(Path.Combine(folder, "entries.jsonl")));
        Assert.Equal(demo.ManifestBytes, File.ReadAllBytes(Path.Combine(folder, "manifest.json")));
    }

    [Fact]
    public void TheSuiteHoldsAtLeastTwentyFiveDistinctTamperings()
    {
        Assert.True(All.Count >= 25, $"{All.Count} tamperings");
        Assert.Equal(All.Count, All.Select(t => t.Name).Distinct().Count());
    }

    /// <summary>
    /// Every finding says which check failed, what was expected and what was found; one about
    /// an entry names its stream and sequence, unless the entry could not be read at all.
    /// </summary>
    static void NamesItsPlaceCheckExpectedAndFound(Finding finding)
    {
        Assert.False(string.IsNullOrWhiteSpace(finding.Check), finding.ToString());
        Assert.False(string.IsNullOrWhiteSpace(finding.Expected), finding.ToString());
        Assert.False(string.IsNullOrWhiteSpace(finding.Found), finding.ToString());
        // The manifest, the log and its checkpoints are not entries of a stream: they name no stream.
        if (finding.Kind is not (FindingKind.ManifestMismatch or FindingKind.EntryMalformed or FindingKind.LogBroken
            or FindingKind.CheckpointInvalid or FindingKind.CheckpointMismatch))
        {
            Assert.False(string.IsNullOrEmpty(finding.Stream), finding.ToString());
            Assert.NotNull(finding.Sequence);
        }
    }

    static string RegistryGenesisRegistrarId => Ledger.Api.RegistryGenesis.RegistrarId;

    static int OwnerRepresentativeApproval(ExportTampering t) =>
        t.IndexOf(e => e.Stream == FacadeStream && e.Type == ProjectEntryTypes.DisbursementApproved
            && e.SignedCommand.Command.PersonId == DemoPeople.OwnerRepresentative.PersonId);

    /// <summary>Entry 0 of the registry rewritten to name <paramref name="forged"/> as the root key, and signed with it.</summary>
    static ExportTampering ForgeGenesis(ExportTampering t, PersonKey forged)
    {
        var publicKey = Hex.Encode(forged.Key.PublicKey.Bytes);
        var genesis = t.IndexOf(Registry, RegistryEntryTypes.RegistryOpened);
        return t.EditEntry(genesis, e =>
            {
                e["body"]!["keyId"] = forged.KeyId;
                e["body"]!["publicKey"] = publicKey;
            }, rechain: false)
            .ReSign(genesis, forged, command => command["body"]!["publicKey"] = publicKey);
    }

    /// <summary>Where and when the helpers below append: the façade's stream, a second after the log's latest entry, unless a case says otherwise.</summary>
    sealed record At(string ProjectId = DemoCommunity.FacadeProjectId, DateTimeOffset? RecordedAt = null)
    {
        public string Stream => ProjectRules.StreamOf(ProjectId);

        public long Append(ExportTampering t, PersonKey signer, string commandType, JsonObject commandBody, params (string Stream, string Type, JsonObject Body)[] entries) =>
            t.AppendAt(RecordedAt ?? t.NextRecordedAt(), signer, commandType, commandBody, entries);
    }

    /// <summary>The demo export with <see cref="Restricted"/> appended, a 1,000-yuan equipment payment drawn on its subsidy as the rules draw it: nothing tampered.</summary>
    internal static (ExportTampering Export, long DisbursementId) RestrictedEquipmentPaid(DemoExport d)
    {
        var t = d.Tamper();
        var id = RestrictedProjectWithRequest(t, d, nameof(ExpenseCategory.Equipment));
        ApproveByAllThree(t, d, id, Restricted);
        Pay(t, d.KeyOf(DemoPeople.Cashier), id, RestrictedPaymentFen, Restricted);
        return (t, id);
    }

    /// <summary>A project of its own whose funds are restricted: the subsidy pays equipment and installation, the self-raised money design and supervision.</summary>
    static At Restricted => new(RestrictedProjectId);

    const string RestrictedProjectId = "b5-restricted-funds";

    const long RestrictedPaymentFen = 100_000;

    /// <summary>
    /// Opens <see cref="Restricted"/> (600,000 fen subsidy, 400,000 self-raised), receives the subsidy only, has progress
    /// verified and requests 1,000 yuan for <paramref name="category"/>, its entry drawn on the subsidy, whatever the rules say.
    /// </summary>
    /// <returns>The disbursement id.</returns>
    static long RestrictedProjectWithRequest(ExportTampering t, DemoExport d, string category)
    {
        var officer = d.KeyOf(DemoPeople.Officer);
        var policy = new JsonObject
        {
            ["drawing"] = nameof(FundDrawing.InOrder),
            ["sources"] = new JsonArray(
                new JsonObject { ["categories"] = new JsonArray("Equipment", "Installation"), ["source"] = nameof(FundingSource.GovernmentSubsidy) },
                new JsonObject { ["categories"] = new JsonArray("Design", "Supervision"), ["source"] = nameof(FundingSource.SelfRaised) }),
        };
        var plan = new JsonObject { ["GovernmentSubsidy"] = 600_000, ["ResidentCrowdfunding"] = 0, ["SelfRaised"] = 400_000, ["SocialCapital"] = 0 };
        JsonObject Opened() => new()
        {
            ["community"] = "幸福里社区", ["contractPriceFen"] = 1_000_000, ["fundPolicy"] = policy.DeepClone(), ["fundingPlan"] = plan.DeepClone(),
            ["name"] = "5号楼消防设施改造", ["projectId"] = Restricted.ProjectId, ["warrantyMonths"] = 24,
        };
        var openedEntry = Opened();
        openedEntry["residentShareCapPercent"] = 30;
        openedEntry["tranches"] = new JsonArray(
            new JsonObject { ["percent"] = 60, ["tranche"] = "Progress" }, new JsonObject { ["percent"] = 30, ["tranche"] = "Acceptance" },
            new JsonObject { ["percent"] = 10, ["tranche"] = "Warranty" });
        Restricted.Append(t, officer, ProjectCommandTypes.OpenProject, Opened(), (Restricted.Stream, ProjectEntryTypes.ProjectOpened, openedEntry));
        var subsidyLetter = Document("区财政局 消防设施改造补助 600000");
        Restricted.Append(t, officer, ProjectCommandTypes.RecordReceipt,
            new JsonObject { ["amountFen"] = 600_000, ["documentHash"] = subsidyLetter, ["projectId"] = Restricted.ProjectId, ["source"] = nameof(FundingSource.GovernmentSubsidy) },
            (Restricted.Stream, ProjectEntryTypes.ReceiptRecorded,
                new JsonObject { ["amountFen"] = 600_000, ["documentHash"] = subsidyLetter, ["source"] = nameof(FundingSource.GovernmentSubsidy) }));
        Attest(t, d.KeyOf(DemoPeople.Manager), nameof(Milestone.ProgressVerified), nameof(Role.ProjectManager), Restricted);
        Attest(t, d.KeyOf(DemoPeople.Supervisor), nameof(Milestone.ProgressVerified), nameof(Role.ConstructionSupervisor), Restricted);
        var invoice = Document($"发票 {category} {RestrictedPaymentFen}");
        var id = t.NextSequence(Restricted.Stream);
        return Restricted.Append(t, officer, ProjectCommandTypes.RequestDisbursement,
            new JsonObject
            {
                ["amountFen"] = RestrictedPaymentFen, ["category"] = category, ["invoiceHash"] = invoice, ["payee"] = "安捷消防工程有限公司",
                ["projectId"] = Restricted.ProjectId, ["tranche"] = nameof(Tranche.Progress),
            },
            (Restricted.Stream, ProjectEntryTypes.DisbursementRequested, new JsonObject
            {
                ["allocation"] = new JsonObject { [nameof(FundingSource.GovernmentSubsidy)] = RestrictedPaymentFen }, ["amountFen"] = RestrictedPaymentFen,
                ["category"] = category, ["disbursementId"] = id, ["invoiceHash"] = invoice, ["payee"] = "安捷消防工程有限公司", ["tranche"] = nameof(Tranche.Progress),
            }));
    }

    /// <param name="restricted">For a project whose funds are restricted (the demo's lift): the request's category and the draw the rules make.</param>
    /// <returns>The disbursement id: the request's sequence.</returns>
    static long Request(ExportTampering t, PersonKey officer, string tranche, long amountFen, At? at = null, (string Category, JsonObject Allocation)? restricted = null)
    {
        at ??= new At();
        var invoice = Document($"发票 {tranche} {amountFen}");
        var id = t.NextSequence(at.Stream);
        var command = new JsonObject { ["amountFen"] = amountFen };
        var entry = new JsonObject();
        if (restricted is { } r)
        {
            entry["allocation"] = r.Allocation;
            entry["amountFen"] = amountFen;
            command["category"] = r.Category;
            entry["category"] = r.Category;
        }
        else
        {
            entry["amountFen"] = amountFen;
        }
        command["invoiceHash"] = invoice;
        command["payee"] = "城建第三工程有限公司";
        command["projectId"] = at.ProjectId;
        command["tranche"] = tranche;
        entry["disbursementId"] = id;
        entry["invoiceHash"] = invoice;
        entry["payee"] = "城建第三工程有限公司";
        entry["tranche"] = tranche;
        return at.Append(t, officer, ProjectCommandTypes.RequestDisbursement, command, (at.Stream, ProjectEntryTypes.DisbursementRequested, entry));
    }

    static void Approve(ExportTampering t, PersonKey approver, long id, string role, At? at = null)
    {
        at ??= new At();
        at.Append(t, approver, ProjectCommandTypes.ApproveDisbursement,
            new JsonObject { ["disbursementId"] = id, ["projectId"] = at.ProjectId, ["role"] = role },
            (at.Stream, ProjectEntryTypes.DisbursementApproved, new JsonObject { ["disbursementId"] = id, ["role"] = role }));
    }

    static void ApproveByAllThree(ExportTampering t, DemoExport d, long id, At? at = null)
    {
        Approve(t, d.KeyOf(DemoPeople.OwnerRepresentative), id, nameof(Role.OwnerRepresentative), at);
        Approve(t, d.KeyOf(DemoPeople.Supervisor), id, nameof(Role.ConstructionSupervisor), at);
        Approve(t, d.KeyOf(DemoPeople.Manager), id, nameof(Role.ProjectManager), at);
    }

    static void Pay(ExportTampering t, PersonKey payer, long id, long amountFen, At? at = null)
    {
        at ??= new At();
        var bankReference = $"CCB-2026-0701-{id:0000}";
        at.Append(t, payer, ProjectCommandTypes.PayDisbursement,
            new JsonObject { ["bankReference"] = bankReference, ["disbursementId"] = id, ["projectId"] = at.ProjectId },
            (at.Stream, ProjectEntryTypes.DisbursementPaid, new JsonObject { ["amountFen"] = amountFen, ["bankReference"] = bankReference, ["disbursementId"] = id }));
    }

    static void Attest(ExportTampering t, PersonKey attester, string milestone, string role, At at)
    {
        var evidence = Document($"{milestone} {role}");
        at.Append(t, attester, ProjectCommandTypes.AttestMilestone,
            new JsonObject { ["evidenceHash"] = evidence, ["milestone"] = milestone, ["projectId"] = at.ProjectId, ["role"] = role },
            (at.Stream, ProjectEntryTypes.MilestoneAttested, new JsonObject { ["evidenceHash"] = evidence, ["milestone"] = milestone, ["role"] = role }));
    }

    /// <summary>A façade share of 3,000 yuan paid for <paramref name="householdId"/>, with both its entries.</summary>
    /// <summary>A project opened by the finance officer whose policy requires a passed owners' vote before its campaign; its stream.</summary>
    static string OpenVotingProject(ExportTampering t, DemoExport d, string projectId)
    {
        JsonObject Plan() => new() { ["GovernmentSubsidy"] = 400_000, ["ResidentCrowdfunding"] = 200_000, ["SelfRaised"] = 100_000, ["SocialCapital"] = 300_000 };
        JsonObject Fraction(int numerator, int denominator) => new() { ["denominator"] = denominator, ["numerator"] = numerator };
        var stream = ProjectRules.StreamOf(projectId);
        t.Append(d.KeyOf(DemoPeople.Officer), ProjectCommandTypes.OpenProject,
            new JsonObject
            {
                ["community"] = "幸福里社区", ["contractPriceFen"] = 1_000_000, ["fundingPlan"] = Plan(), ["name"] = "加装电梯", ["projectId"] = projectId,
                ["votePolicy"] = new JsonObject { ["campaignRequiresVote"] = true }, ["warrantyMonths"] = 24,
            },
            (stream, ProjectEntryTypes.ProjectOpened, new JsonObject
            {
                ["community"] = "幸福里社区", ["contractPriceFen"] = 1_000_000, ["fundingPlan"] = Plan(), ["name"] = "加装电梯", ["projectId"] = projectId,
                ["residentShareCapPercent"] = 30,
                ["tranches"] = new JsonArray(
                    new JsonObject { ["percent"] = 60, ["tranche"] = "Progress" }, new JsonObject { ["percent"] = 30, ["tranche"] = "Acceptance" },
                    new JsonObject { ["percent"] = 10, ["tranche"] = "Warranty" }),
                ["votePolicy"] = new JsonObject
                {
                    ["campaignRequiresVote"] = true, ["ordinaryMajority"] = Fraction(1, 2), ["participation"] = Fraction(2, 3), ["specialMajority"] = Fraction(3, 4),
                },
                ["warrantyMonths"] = 24,
            }));
        return stream;
    }

    static ExportTampering PayShare(ExportTampering t, PersonKey resident, string householdId)
    {
        t.Append(resident, ProjectCommandTypes.PayShare,
            new JsonObject { ["amountFen"] = 300_000, ["householdId"] = householdId, ["projectId"] = DemoCommunity.FacadeProjectId, ["reference"] = "外墙修缮分摊" },
            (HouseholdRules.StreamOf(householdId), HouseholdEntryTypes.CrowdfundingPaid,
                new JsonObject { ["amountFen"] = 300_000, ["projectId"] = DemoCommunity.FacadeProjectId, ["reference"] = "外墙修缮分摊" }),
            (FacadeStream, ProjectEntryTypes.ContributionReceived, new JsonObject { ["amountFen"] = 300_000, ["householdId"] = householdId }));
        return t;
    }

    /// <summary>A project stream and a household that paid its share into it in two payments.</summary>
    static (string Stream, string HouseholdId) HouseholdPayingTwice(ExportTampering t)
    {
        var payments = Enumerable.Range(0, t.Count).Select(t.EntryAt).Where(e => e.Type == ProjectEntryTypes.ContributionReceived)
            .GroupBy(e => (e.Stream, HouseholdId: e.Body.GetProperty("householdId").GetString()!));
        return payments.First(p => p.Count() > 1).Key;
    }

    static string Document(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
