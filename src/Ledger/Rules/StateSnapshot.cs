using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Canonical;
using Ledger.Checkpoints;
using Ledger.Hashing;
using Ledger.Rules.Catalog;
using Ledger.Rules.Households;
using Ledger.Rules.Projects;
using Ledger.Rules.Registry;
using Ledger.Signing;

namespace Ledger.Rules;

/// <summary>
/// A stream's folded state as canonical JSON (FORMAT.md §2, through the one encoder,
/// STYLE.md 5) and back: what a grain keeps as its snapshot so that an activation reads it and
/// only the entries after it (docs/GRAINS.md "Snapshots"). A decoded state behaves exactly as
/// the state it was encoded from, under every entry that follows: every field is written,
/// running totals included (but a project's disbursement totals, summed again from its
/// disbursements when decoded), and every collection is rebuilt with the comparer the rules use.
/// The bytes are never hashed into the ledger nor signed: a snapshot is a cache, and decoding
/// refuses (FormatException) anything it would not have written itself.
/// </summary>
public static class StateSnapshot
{
    /// <summary>
    /// The layout's version. Change it with the layout: a snapshot of another version is then
    /// refused and its stream replayed, instead of being read as something it is not.
    /// </summary>
    public const int Version = 4;

    /// <summary>
    /// The digest kept beside a snapshot, so that a garbled copy is seen before it is decoded
    /// into a state that merely parses. It detects damage, not forgery: whoever can write a
    /// snapshot can compute its digest; what a grain decides on a forged one, the verifier,
    /// which replays entries and never reads snapshots, reports (docs/GRAINS.md "Snapshots").
    /// </summary>
    public static Hash Digest(ReadOnlySpan<byte> snapshot) => Hash.Of("CommunityLedger/snapshot/v1\n"u8, snapshot);

    public static byte[] Encode(StreamState state)
    {
        var (kind, fields) = state switch
        {
            ProjectState project => ("project", EncodeProject(project)),
            HouseholdState household => ("household", EncodeHousehold(household)),
            CatalogState catalog => ("catalog", EncodeCatalog(catalog)),
            RegistryState registry => ("registry", EncodeRegistry(registry)),
            _ => throw new ArgumentException($"no snapshot layout for {state.GetType().Name}", nameof(state)),
        };
        fields["version"] = Version;
        fields["kind"] = kind;
        fields["sequence"] = state.Sequence;
        return CanonicalJson.Encode(fields);
    }

    /// <summary>The state of <paramref name="stream"/> that <paramref name="snapshot"/> holds.</summary>
    /// <exception cref="FormatException">The bytes are not a snapshot of that stream in this version's layout.</exception>
    public static StreamState Decode(string stream, ReadOnlySpan<byte> snapshot)
    {
        try
        {
            var root = CanonicalJson.ParseCanonical(snapshot);
            // The version first: a snapshot of another layout is refused as such, whatever its members.
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("version", out var version)
                || version.ValueKind != JsonValueKind.Number || !version.TryGetInt64(out var number) || number != Version)
            {
                throw new FormatException($"not a snapshot of layout {Version}");
            }
            StreamState state = StreamState.Initial(stream) switch
            {
                ProjectState project => DecodeProject(project, root),
                HouseholdState household => DecodeHousehold(household, root),
                CatalogState => DecodeCatalog(root),
                _ => DecodeRegistry(root),
            };
            var sequence = root.TryGetProperty("sequence", out var member) ? Integer(member) : throw new FormatException("member \"sequence\" is missing");
            return sequence >= 0
                ? state with { Sequence = sequence }
                : throw new FormatException("a snapshot is of a stream with entries");
        }
        // A malformed document, an unknown stream, a key listed twice, a number out of range: all
        // mean the same to the caller, which drops the snapshot and replays the stream.
        catch (Exception e) when (e is CanonicalFormException or ArgumentException or OverflowException)
        {
            throw new FormatException($"not a snapshot of {stream}: {e.Message}", e);
        }
    }

    static readonly string[] Header = ["version", "kind", "sequence"];

    static JsonFields Fields(JsonElement root, string kind, params string[] members)
    {
        var fields = JsonFields.Of(root, $"a {kind} snapshot", [.. Header, .. members]);
        return fields.String("kind") == kind ? fields : throw new FormatException($"a {fields.String("kind")} snapshot, not a {kind} one");
    }

    // Project streams.

    static readonly string[] ProjectMembers =
    [
        "projectId", "status", "name", "community", "contractPriceFen", "plannedFen", "residentShareCapPercent",
        "tranches", "warrantyMonths", "receipts", "campaign", "contributionsFen", "contributedFen", "milestones",
        "disbursements", "reversals", "fundPolicy", "movements", "reconciliations", "votePolicy", "votes",
    ];

    static JsonObject EncodeProject(ProjectState project)
    {
        var fields = new JsonObject
        {
            ["projectId"] = project.ProjectId,
            ["status"] = project.Status.ToString(),
            ["name"] = project.Name,
            ["community"] = project.Community,
            ["contractPriceFen"] = project.ContractPriceFen,
            ["plannedFen"] = Map(project.PlannedFen, s => s.ToString(), v => v),
            ["residentShareCapPercent"] = project.ResidentShareCapPercent,
            ["tranches"] = Array(project.Tranches, t => new JsonObject { ["tranche"] = t.Tranche.ToString(), ["percent"] = t.Percent }),
            ["warrantyMonths"] = project.WarrantyMonths,
            ["receipts"] = Array(project.Receipts.Values, r => new JsonObject
            {
                ["sequence"] = r.Sequence,
                ["source"] = r.Source.ToString(),
                ["amountFen"] = r.AmountFen,
                ["documentHash"] = r.DocumentHash.ToString(),
                ["reversed"] = r.Reversed,
            }),
            ["contributionsFen"] = Map(project.ContributionsFen, h => h, v => v),
            ["contributedFen"] = project.ContributedFen,
            ["milestones"] = Map(project.Milestones, m => m.ToString(), p => Optional(new JsonObject
            {
                ["attestedBy"] = Map(p.AttestedBy, r => r.ToString(), v => v),
            }, "reachedAt", p.ReachedAt is { } at ? LedgerTime.Format(at) : null)),
            ["disbursements"] = Array(project.Disbursements.Values, d =>
            {
                var disbursement = new JsonObject
                {
                    ["id"] = d.Id,
                    ["tranche"] = d.Tranche.ToString(),
                    ["amountFen"] = d.AmountFen,
                    ["payee"] = d.Payee,
                    ["invoiceHash"] = d.InvoiceHash.ToString(),
                    ["requestedBy"] = d.RequestedBy,
                    ["approvals"] = Map(d.Approvals, r => r.ToString(), v => v),
                    ["status"] = d.Status.ToString(),
                };
                Optional(disbursement, "category", d.Category?.ToString());
                if (d.AllocationFen.Count > 0)
                {
                    disbursement["allocationFen"] = Map(d.AllocationFen, s => s.ToString(), v => v);
                }
                Optional(disbursement, "paidBy", d.PaidBy);
                Optional(disbursement, "bankReference", d.BankReference);
                return Optional(disbursement, "paidSequence", d.PaidSequence);
            }),
            ["reversals"] = Array(project.Reversals.Values, r => new JsonObject
            {
                ["id"] = r.Id,
                ["entrySequence"] = r.EntrySequence,
                ["kind"] = r.Kind,
                ["amountFen"] = r.AmountFen,
                ["proposedBy"] = r.ProposedBy,
                ["approved"] = r.Approved,
            }),
            ["movements"] = Array(project.Movements, m => Optional(new JsonObject
            {
                ["sequence"] = m.Sequence,
                ["recordedAt"] = LedgerTime.Format(m.RecordedAt),
                ["amountFen"] = m.AmountFen,
            }, "reference", m.Reference)),
            ["reconciliations"] = Array(project.Reconciliations.Values, r => Optional(new JsonObject
            {
                ["id"] = r.Id,
                ["fromDate"] = ReconciliationPeriod.Format(r.Period.From),
                ["toDate"] = ReconciliationPeriod.Format(r.Period.To),
                ["closingBalanceFen"] = r.ClosingBalanceFen,
                ["statementHash"] = r.StatementHash.ToString(),
                ["matchedCount"] = r.MatchedCount,
                ["unmatchedStatementCount"] = r.UnmatchedStatementCount,
                ["unmatchedLedgerCount"] = r.UnmatchedLedgerCount,
                ["signedBy"] = r.SignedBy,
            }, "countersignedBy", r.CountersignedBy)),
        };
        if (project.FundPolicy is { } fundPolicy)
        {
            fields["fundPolicy"] = fundPolicy.ToJson();
        }
        fields["votes"] = Array(project.Votes.Values, v =>
        {
            var vote = new JsonObject
            {
                ["voteId"] = v.VoteId,
                ["question"] = v.Question,
                ["matter"] = v.Matter.ToString(),
                ["scopeAreas"] = Map(v.ScopeAreas, h => h, a => a),
                ["opensAt"] = LedgerTime.Format(v.OpensAt),
                ["closesAt"] = LedgerTime.Format(v.ClosesAt),
                ["passed"] = v.Passed,
            };
            return Optional(vote, "tally", v.Tally is { } t ? new JsonArray(
                Weight(t.Agree), Weight(t.Against), Weight(t.Abstain)) : null);
        });
        Optional(fields, "votePolicy", project.VotePolicy?.ToJson());
        if (project.Campaign is { } campaign)
        {
            fields["campaign"] = new JsonObject
            {
                ["targetFen"] = campaign.TargetFen,
                ["rule"] = campaign.Rule,
                ["sharesFen"] = Map(campaign.SharesFen, h => h, v => v),
            };
        }
        return fields;
    }

    static ProjectState DecodeProject(ProjectState initial, JsonElement root)
    {
        var fields = Fields(root, "project", ProjectMembers);
        SameId("projectId", initial.ProjectId, fields.String("projectId"));
        return (initial with
        {
            Status = EnumOf<ProjectStatus>(fields, "status"),
            Name = fields.String("name"),
            Community = fields.String("community"),
            ContractPriceFen = fields.Integer("contractPriceFen"),
            PlannedFen = ReadMap(fields.Object("plannedFen"), EnumNamed<FundingSource>, Integer)
                .ToImmutableSortedDictionary(),
            ResidentShareCapPercent = checked((int)fields.Integer("residentShareCapPercent")),
            Tranches = fields.Array("tranches")
                .Select(t => JsonFields.Of(t, "a tranche", "tranche", "percent"))
                .Select(t => new TranchePolicy(EnumOf<Tranche>(t, "tranche"), checked((int)t.Integer("percent"))))
                .ToImmutableList(),
            WarrantyMonths = checked((int)fields.Integer("warrantyMonths")),
            Receipts = fields.Array("receipts")
                .Select(r => JsonFields.Of(r, "a receipt", "sequence", "source", "amountFen", "documentHash", "reversed"))
                .Select(r => new Receipt(r.Integer("sequence"), EnumOf<FundingSource>(r, "source"), r.Integer("amountFen"),
                    r.Hash("documentHash"), r.Boolean("reversed")))
                .Unique(r => r.Sequence)
                .ToImmutableSortedDictionary(r => r.Sequence, r => r),
            FundPolicy = fields.Has("fundPolicy") ? FundPolicy.Read(fields.Object("fundPolicy")) : null,
            Campaign = fields.Has("campaign") ? ReadCampaign(JsonFields.Of(fields.Object("campaign"), "a campaign", "targetFen", "rule", "sharesFen")) : null,
            ContributionsFen = ReadMap(fields.Object("contributionsFen"), Text, Integer)
                .ToImmutableSortedDictionary(StringComparer.Ordinal),
            ContributedFen = fields.Integer("contributedFen"),
            Milestones = ReadMap(fields.Object("milestones"), EnumNamed<Milestone>, ReadMilestone).ToImmutableDictionary(),
            Disbursements = fields.Array("disbursements")
                .Select(d => JsonFields.Of(d, "a disbursement", "id", "tranche", "amountFen", "payee", "invoiceHash", "requestedBy",
                    "approvals", "status", "category", "allocationFen", "paidBy", "bankReference", "paidSequence"))
                .Select(d => new Disbursement(d.Integer("id"), EnumOf<Tranche>(d, "tranche"), d.Integer("amountFen"), d.String("payee"),
                    d.Hash("invoiceHash"), d.String("requestedBy"), ReadRoleMap(d.Object("approvals")), EnumOf<DisbursementStatus>(d, "status"),
                    d.OptionalString("paidBy"), d.OptionalString("bankReference"), d.OptionalInteger("paidSequence"))
                {
                    Category = d.Has("category") ? EnumOf<ExpenseCategory>(d, "category") : null,
                    AllocationFen = d.Has("allocationFen")
                        ? ReadMap(d.Object("allocationFen"), EnumNamed<FundingSource>, Integer).ToImmutableSortedDictionary()
                        : ImmutableSortedDictionary<FundingSource, long>.Empty,
                })
                .Unique(d => d.Id)
                .ToImmutableSortedDictionary(d => d.Id, d => d),
            Reversals = fields.Array("reversals")
                .Select(r => JsonFields.Of(r, "a reversal", "id", "entrySequence", "kind", "amountFen", "proposedBy", "approved"))
                .Select(r => new Reversal(r.Integer("id"), r.Integer("entrySequence"), r.String("kind"), r.Integer("amountFen"),
                    r.String("proposedBy"), r.Boolean("approved")))
                .Unique(r => r.Id)
                .ToImmutableSortedDictionary(r => r.Id, r => r),
            Movements = fields.Array("movements")
                .Select(m => JsonFields.Of(m, "a movement", "sequence", "recordedAt", "amountFen", "reference"))
                .Select(m => new AccountMovement(m.Integer("sequence"), m.Time("recordedAt"), m.Integer("amountFen"), m.OptionalString("reference")))
                .ToImmutableList(),
            Reconciliations = fields.Array("reconciliations")
                .Select(r => JsonFields.Of(r, "a reconciliation", "id", "fromDate", "toDate", "closingBalanceFen", "statementHash", "matchedCount",
                    "unmatchedStatementCount", "unmatchedLedgerCount", "signedBy", "countersignedBy"))
                .Select(r => new Reconciliation(r.Integer("id"),
                    new ReconciliationPeriod(ReconciliationPeriod.ParseDate(r.String("fromDate"), "fromDate"), ReconciliationPeriod.ParseDate(r.String("toDate"), "toDate")),
                    r.Integer("closingBalanceFen"), r.Hash("statementHash"), r.Integer("matchedCount"), r.Integer("unmatchedStatementCount"),
                    r.Integer("unmatchedLedgerCount"), r.String("signedBy"), r.OptionalString("countersignedBy")))
                .Unique(r => r.Id)
                .ToImmutableSortedDictionary(r => r.Id, r => r),
            VotePolicy = fields.Has("votePolicy") ? VotePolicy.Read(fields.Object("votePolicy")) : null,
            Votes = fields.Array("votes")
                .Select(v => JsonFields.Of(v, "a vote", "voteId", "question", "matter", "scopeAreas", "opensAt", "closesAt", "passed", "tally"))
                .Select(v => new OwnersVote(v.String("voteId"), v.String("question"), EnumOf<VoteMatter>(v, "matter"),
                    ReadMap(v.Object("scopeAreas"), Text, Integer).ToImmutableSortedDictionary(StringComparer.Ordinal),
                    v.Time("opensAt"), v.Time("closesAt"), v.Has("tally") ? ReadTally(v.Array("tally")) : null, v.Boolean("passed")))
                .Unique(v => v.VoteId)
                .ToImmutableSortedDictionary(v => v.VoteId, v => v, StringComparer.Ordinal),
        }).WithTotalsSummed();
    }

    static JsonArray Weight(VoteWeight weight) => [weight.Households, weight.AreaHundredths];

    static VoteTally ReadTally(IReadOnlyList<JsonElement> weights)
    {
        var read = weights.Select(w => w.ValueKind == JsonValueKind.Array && w.GetArrayLength() == 2 ? new VoteWeight(Integer(w[0]), Integer(w[1])) : throw new FormatException("a weight is [households, area]")).ToList();
        return read.Count == 3 ? new VoteTally(read[0], read[1], read[2]) : throw new FormatException("a tally is agree, against, abstain");
    }

    static Campaign ReadCampaign(JsonFields campaign) => new(campaign.Integer("targetFen"), campaign.String("rule"),
        ReadMap(campaign.Object("sharesFen"), Text, Integer).ToImmutableSortedDictionary(StringComparer.Ordinal));

    static MilestoneProgress ReadMilestone(JsonElement value)
    {
        var progress = JsonFields.Of(value, "a milestone", "attestedBy", "reachedAt");
        return new MilestoneProgress(ReadRoleMap(progress.Object("attestedBy")), progress.Has("reachedAt") ? progress.Time("reachedAt") : null);
    }

    static ImmutableDictionary<Role, string> ReadRoleMap(JsonElement map) =>
        ReadMap(map, name => Roles.TryParse(name, out var role) ? role : throw new FormatException($"no role {name}"), Text).ToImmutableDictionary();

    // Household streams.

    static JsonObject EncodeHousehold(HouseholdState household) => new()
    {
        ["householdId"] = household.HouseholdId,
        ["contributionsFen"] = Map(household.ContributionsFen, p => p, v => v),
        ["awardedPoints"] = household.AwardedPoints,
        // A set: written in one order so that the bytes do not depend on the hash set's.
        ["awardReferences"] = Array(household.AwardReferences.Order(StringComparer.Ordinal), r => r),
        ["awards"] = Array(household.Awards, a => Optional(new JsonObject
        {
            ["sequence"] = a.Sequence,
            ["recordedAt"] = LedgerTime.Format(a.RecordedAt),
            ["activity"] = a.Activity.ToString(),
            ["quantity"] = a.Quantity,
            ["points"] = a.Points,
        }, "policyVersion", a.PolicyVersion)),
        ["redemptions"] = Array(household.Redemptions.Values, r => new JsonObject
        {
            ["id"] = r.Id,
            ["itemId"] = r.ItemId,
            ["quantity"] = r.Quantity,
            ["points"] = r.Points,
            ["status"] = r.Status.ToString(),
        }),
        ["ballots"] = Array(household.Ballots.Values, b => Optional(new JsonObject
        {
            ["projectId"] = b.ProjectId,
            ["voteId"] = b.VoteId,
            ["opensAt"] = LedgerTime.Format(b.OpensAt),
            ["closesAt"] = LedgerTime.Format(b.ClosesAt),
            ["counted"] = b.Counted,
        }, "choice", b.Choice?.ToString())),
    };

    static HouseholdState DecodeHousehold(HouseholdState initial, JsonElement root)
    {
        var fields = Fields(root, "household", "householdId", "contributionsFen", "awardedPoints", "awardReferences", "awards", "redemptions", "ballots");
        SameId("householdId", initial.HouseholdId, fields.String("householdId"));
        var references = fields.Array("awardReferences").Select(Text).ToList();
        var referenceSet = references.ToImmutableHashSet(StringComparer.Ordinal);
        return referenceSet.Count == references.Count
            ? initial with
            {
                ContributionsFen = ReadMap(fields.Object("contributionsFen"), Text, Integer).ToImmutableSortedDictionary(StringComparer.Ordinal),
                AwardedPoints = fields.Integer("awardedPoints"),
                AwardReferences = referenceSet,
                Awards = fields.Array("awards")
                    .Select(a => JsonFields.Of(a, "an award", "sequence", "recordedAt", "activity", "quantity", "points", "policyVersion"))
                    .Select(a => new Award(a.Integer("sequence"), a.Time("recordedAt"), EnumOf<Activity>(a, "activity"), a.Integer("quantity"),
                        a.Integer("points"), a.OptionalInteger("policyVersion")))
                    .ToImmutableList(),
                Redemptions = fields.Array("redemptions")
                    .Select(r => JsonFields.Of(r, "a redemption", "id", "itemId", "quantity", "points", "status"))
                    .Select(r => new Redemption(r.Integer("id"), r.String("itemId"), r.Integer("quantity"), r.Integer("points"),
                        EnumOf<RedemptionStatus>(r, "status")))
                    .Unique(r => r.Id)
                .ToImmutableSortedDictionary(r => r.Id, r => r),
                Ballots = fields.Array("ballots")
                    .Select(b => JsonFields.Of(b, "a ballot", "projectId", "voteId", "opensAt", "closesAt", "counted", "choice"))
                    .Select(b => new HouseholdBallot(b.String("projectId"), b.String("voteId"), b.Time("opensAt"), b.Time("closesAt"),
                        b.Has("choice") ? EnumOf<BallotChoice>(b, "choice") : null, b.Boolean("counted")))
                    .Unique(b => b.Key)
                    .ToImmutableSortedDictionary(b => b.Key, b => b, StringComparer.Ordinal),
            }
            : throw new FormatException("an award reference is listed twice");
    }

    // The catalog.

    static JsonObject EncodeCatalog(CatalogState catalog) => new()
    {
        ["items"] = Array(catalog.Items.Values, i => Optional(new JsonObject
        {
            ["itemId"] = i.ItemId,
            ["name"] = i.Name,
            ["kind"] = i.Kind.ToString(),
            ["pricePoints"] = i.PricePoints,
            ["withdrawn"] = i.Withdrawn,
        }, "stock", i.Stock)),
    };

    static CatalogState DecodeCatalog(JsonElement root) => CatalogState.Empty with
    {
        Items = Fields(root, "catalog", "items").Array("items")
            .Select(i => JsonFields.Of(i, "an item", "itemId", "name", "kind", "pricePoints", "stock", "withdrawn"))
            .Select(i => new CatalogItem(i.String("itemId"), i.String("name"), EnumOf<RewardKind>(i, "kind"), i.Integer("pricePoints"),
                i.OptionalInteger("stock"), i.Boolean("withdrawn")))
            .Unique(i => i.ItemId)
                .ToImmutableSortedDictionary(i => i.ItemId, i => i, StringComparer.Ordinal),
    };

    // The registry.

    static JsonObject EncodeRegistry(RegistryState registry) => Optional(new JsonObject
    {
        // Hash maps: written in key order so that the bytes do not depend on the maps' own order.
        ["people"] = Array(registry.People.Values.OrderBy(p => p.Id, StringComparer.Ordinal), p => Optional(new JsonObject
        {
            ["id"] = p.Id,
            ["displayName"] = p.DisplayName,
            ["roles"] = Array(p.Roles, r => JsonValue.Create(r.ToString())),
        }, "householdId", p.HouseholdId)),
        ["keys"] = Array(registry.Keys.Values.OrderBy(k => k.KeyId, StringComparer.Ordinal), k => new JsonObject
        {
            ["keyId"] = k.KeyId,
            ["personId"] = k.PersonId,
            ["publicKey"] = Hex.Encode(k.PublicKey.Bytes),
            ["revoked"] = k.Revoked,
        }),
        ["trial"] = registry.IsTrial,
        ["logKeys"] = Array(registry.LogKeys, k => JsonValue.Create(k.Format())),
        ["pointsPolicy"] = Array(registry.PointsPolicy, v => new JsonObject
        {
            ["version"] = v.Version,
            ["effectiveFrom"] = LedgerTime.Format(v.EffectiveFrom),
            ["rates"] = Array(v.Rates, r => Optional(Optional(new JsonObject
            {
                ["activity"] = r.Activity.ToString(),
                ["pointsPerUnit"] = r.PointsPerUnit,
                ["unit"] = r.Unit.ToString(),
            }, "capPoints", r.CapPoints), "capPeriod", r.CapPeriod?.ToString())),
            ["proposedBy"] = v.ProposedBy,
            ["approved"] = v.Approved,
        }),
        ["floorAreas"] = Map(registry.FloorAreas, h => h, a => a),
    }, "rootKeyId", registry.RootKeyId);

    static RegistryState DecodeRegistry(JsonElement root)
    {
        var fields = Fields(root, "registry", "rootKeyId", "people", "keys", "trial", "logKeys", "pointsPolicy", "floorAreas");
        return RegistryState.Empty with
        {
            RootKeyId = fields.OptionalString("rootKeyId"),
            IsTrial = fields.Boolean("trial"),
            FloorAreas = ReadMap(fields.Object("floorAreas"), Text, Integer).ToImmutableSortedDictionary(StringComparer.Ordinal),
            LogKeys = fields.Array("logKeys")
                .Select(k => NoteVerifierKey.Parse(Text(k)) is { IsValid: true, Key: var key } && key.Format() == Text(k)
                    ? key
                    : throw new FormatException($"not a log verifier key: {Text(k)}"))
                .ToImmutableList(),
            PointsPolicy = fields.Array("pointsPolicy")
                .Select(v => JsonFields.Of(v, "a policy version", "version", "effectiveFrom", "rates", "proposedBy", "approved"))
                .Select(v => new PolicyVersion(v.Integer("version"), v.Time("effectiveFrom"),
                    v.Array("rates")
                        .Select(r => JsonFields.Of(r, "a rate", "activity", "pointsPerUnit", "unit", "capPoints", "capPeriod"))
                        .Select(r => new PointsRate(EnumOf<Activity>(r, "activity"), r.Integer("pointsPerUnit"), EnumOf<PointsUnit>(r, "unit"),
                            r.OptionalInteger("capPoints"), r.Has("capPeriod") ? EnumOf<CapPeriod>(r, "capPeriod") : null))
                        .ToImmutableList(),
                    v.String("proposedBy"), v.Boolean("approved")))
                .ToImmutableList(),
            People = fields.Array("people")
                .Select(p => JsonFields.Of(p, "a person", "id", "displayName", "roles", "householdId"))
                .Select(p => new Person(p.String("id"), p.String("displayName"),
                    p.Array("roles").Select(r => Roles.TryParse(Text(r), out var role) ? role : throw new FormatException($"no role {Text(r)}"))
                        .ToImmutableSortedSet(),
                    p.OptionalString("householdId")))
                .Unique(p => p.Id)
                .ToImmutableDictionary(p => p.Id, p => p),
            Keys = fields.Array("keys")
                .Select(k => JsonFields.Of(k, "a key", "keyId", "personId", "publicKey", "revoked"))
                .Select(k => new RegisteredKey(k.String("keyId"), k.String("personId"),
                    Hex.TryDecode(k.String("publicKey"), 32, out var key) ? VerificationKey.FromBytes(key) : throw new FormatException("publicKey must be 64 lowercase hex digits"),
                    k.Boolean("revoked")))
                .Unique(k => k.KeyId)
                .ToImmutableDictionary(k => k.KeyId, k => k),
        };
    }

    // Shared pieces of the layout.

    static JsonArray Array<T>(IEnumerable<T> items, Func<T, JsonNode?> write) => new([.. items.Select(write)]);

    /// <summary>A map with string keys as a JSON object; the canonical form orders its members.</summary>
    static JsonObject Map<TKey, TValue>(IEnumerable<KeyValuePair<TKey, TValue>> map, Func<TKey, string> key, Func<TValue, JsonNode?> value) =>
        new(map.Select(p => KeyValuePair.Create(key(p.Key), value(p.Value))));

    /// <summary>An optional member is absent rather than null: the canonical form has no null (FORMAT.md §2).</summary>
    static JsonObject Optional(JsonObject fields, string name, JsonNode? value)
    {
        if (value is not null)
        {
            fields[name] = value;
        }
        return fields;
    }

    /// <summary>The items of an array that becomes a map: the map would keep one of two items with one key.</summary>
    static List<T> Unique<T, TKey>(this IEnumerable<T> items, Func<T, TKey> key)
    {
        var list = items.ToList();
        return list.Select(key).Distinct().Count() == list.Count ? list : throw new FormatException("an array lists one key twice");
    }

    static IEnumerable<KeyValuePair<TKey, TValue>> ReadMap<TKey, TValue>(JsonElement map, Func<string, TKey> key, Func<JsonElement, TValue> value) =>
        map.EnumerateObject().Select(m => KeyValuePair.Create(key(m.Name), value(m.Value))).ToList();

    static string Text(string value) => value;

    static string Text(JsonElement value) =>
        value.ValueKind == JsonValueKind.String ? value.GetString()! : throw new FormatException("a string was expected");

    static long Integer(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var integer) ? integer : throw new FormatException("an integer was expected");

    static TEnum EnumNamed<TEnum>(string name) where TEnum : struct, Enum =>
        EnumNames.TryParse<TEnum>(name, out var value) ? value : throw new FormatException($"\"{name}\" is not a {typeof(TEnum).Name}");

    static TEnum EnumOf<TEnum>(JsonFields fields, string member) where TEnum : struct, Enum => EnumNamed<TEnum>(fields.String(member));

    static void SameId(string member, string expected, string actual)
    {
        if (actual != expected)
        {
            throw new FormatException($"{member} is \"{actual}\", not \"{expected}\"");
        }
    }
}
