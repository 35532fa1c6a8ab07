using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Canonical;
using Ledger.Bodies;

namespace Ledger.Rules.Projects;

/// <summary>
/// What a disbursement pays for (issue 17 §2): a subsidy typically pays only for some of these.
/// The categories of a lift retrofit or a façade repair contract: 设备 equipment, 安装施工
/// installation and building work, 设计 design fees, 监理 supervision fees, and anything else.
/// </summary>
public enum ExpenseCategory
{
    Equipment,
    Installation,
    Design,
    Supervision,
    Other,
}

/// <summary>How a payment draws on the sources permitted for its category.</summary>
public enum FundDrawing
{
    /// <summary>Each permitted source in the policy's order is used up before the next one is drawn on.</summary>
    InOrder,

    /// <summary>Each permitted source pays in proportion to what it still holds (largest remainder, ties to the source listed first).</summary>
    ProRata,
}

/// <summary>A funding source and the expense categories its money may pay for.</summary>
public sealed record SourceRestriction(FundingSource Source, ImmutableList<ExpenseCategory> Categories)
{
    public static IReadOnlyList<string> Members { get; } = ["categories", "source"];
}

/// <summary>
/// A project's restricted funds (docs/ENTRIES.md §"Restricted funds"): for each listed source the
/// categories it may pay for, and the drawing rule. A source the policy does not list pays for
/// nothing. The sources' order is the drawing order (InOrder) and the tie-break (ProRata).
/// </summary>
public sealed record FundPolicy(FundDrawing Drawing, ImmutableList<SourceRestriction> Sources)
{
    public static IReadOnlyList<string> Members { get; } = ["drawing", "sources"];

    /// <summary>The sources that may pay for <paramref name="category"/>, in the policy's order.</summary>
    public IEnumerable<FundingSource> Permitted(ExpenseCategory category) =>
        Sources.Where(s => s.Categories.Contains(category)).Select(s => s.Source);

    /// <summary>What the permitted sources still hold for <paramref name="category"/>.</summary>
    public long PermittedFen(ExpenseCategory category, Func<FundingSource, long> undrawnFen) =>
        Permitted(category).Aggregate(0L, (sum, s) => checked(sum + undrawnFen(s)));

    /// <summary>
    /// How much of <paramref name="amountFen"/> each permitted source pays (only sources that pay
    /// something); the caller has checked that the permitted sources hold the amount.
    /// </summary>
    public ImmutableSortedDictionary<FundingSource, long> Draw(ExpenseCategory category, long amountFen, Func<FundingSource, long> undrawnFen)
    {
        var holding = Permitted(category).Select(s => (Key: s, Weight: undrawnFen(s))).Where(s => s.Weight > 0).ToList();
        Invariant.Holds(holding.Aggregate(0L, (sum, s) => checked(sum + s.Weight)) >= amountFen, "the permitted sources hold the amount drawn");
        IEnumerable<(FundingSource Source, long Fen)> parts;
        if (Drawing == FundDrawing.InOrder)
        {
            var left = amountFen;
            parts = holding.Select(s =>
            {
                var take = Math.Min(s.Weight, left);
                left -= take;
                return (s.Key, take);
            }).ToList();
        }
        else
        {
            // A part is at most what its source holds: ⌊A·h/H⌋ < h when A < H, and every remainder is 0 when A = H.
            parts = ShareSplit.ByLargestRemainder(amountFen, holding);
        }
        return parts.Where(p => p.Fen > 0).ToImmutableSortedDictionary(p => p.Source, p => p.Fen);
    }

    /// <summary>Reads a policy as a command or a ProjectOpened entry writes it; a name that is not a source, category or drawing rule is a FormatException.</summary>
    public static FundPolicy Read(JsonElement policy)
    {
        var fields = JsonFields.Of(policy, "fundPolicy", Members);
        return new FundPolicy(BodyFields.EnumOf<FundDrawing>(fields, "drawing"),
            fields.Array("sources")
                .Select(s => JsonFields.Of(s, "a restricted source", SourceRestriction.Members))
                .Select(s => new SourceRestriction(BodyFields.EnumOf<FundingSource>(s, "source"),
                    s.Array("categories").Select(c => EnumNames.TryParse<ExpenseCategory>(c.ValueKind == JsonValueKind.String ? c.GetString() : null, out var category)
                        ? category
                        : throw new FormatException($"a category is one of {string.Join(", ", Enum.GetNames<ExpenseCategory>())}")).ToImmutableList()))
                .ToImmutableList());
    }

    /// <summary>Every source once, each with one or more distinct categories.</summary>
    public bool IsWellFormed() =>
        Sources.Count > 0 && Sources.DistinctBy(s => s.Source).Count() == Sources.Count
        && Sources.All(s => s.Categories.Count > 0 && s.Categories.Distinct().Count() == s.Categories.Count);

    /// <summary>The policy as the ProjectOpened entry records it: sources in the policy's order, each one's categories in the enumeration's order.</summary>
    public JsonObject ToJson() => new()
    {
        ["drawing"] = Drawing.ToString(),
        ["sources"] = new JsonArray(Sources.Select(s => (JsonNode)new JsonObject
        {
            ["categories"] = new JsonArray(s.Categories.Order().Select(c => (JsonNode)c.ToString()).ToArray()),
            ["source"] = s.Source.ToString(),
        }).ToArray()),
    };
}
