using System.Text.Json;

namespace Ledger.Bodies;

// The bodies of the points policy's commands (docs/ENTRIES.md "Points policy").

/// <param name="EffectiveFrom">A time as FORMAT.md §1 writes it; read by the rule, which refuses any other spelling.</param>
public sealed record ProposePointsPolicyBody(Member<string> EffectiveFrom, Member<IReadOnlyList<PointsRateBody>> Rates)
    : ICommandBody<ProposePointsPolicyBody>
{
    public static IReadOnlyList<string> Members { get; } = ["effectiveFrom", "rates"];

    public static ProposePointsPolicyBody Read(JsonElement body)
    {
        var fields = BodyFields.Of(body, "body", Members);
        return new(fields.String("effectiveFrom"),
            fields.Read<IReadOnlyList<PointsRateBody>>("rates", static (f, n) => f.Array(n).Select(PointsRateBody.Read).ToList()));
    }
}

/// <summary>One activity's rate in a proposed version; a cap has both <see cref="CapPoints"/> and <see cref="CapPeriod"/>, or neither.</summary>
public sealed record PointsRateBody(Member<string> Activity, Member<string?> CapPeriod, Member<long?> CapPoints, Member<long> PointsPerUnit, Member<string> Unit)
{
    public static IReadOnlyList<string> Members { get; } = ["activity", "capPeriod", "capPoints", "pointsPerUnit", "unit"];

    internal static PointsRateBody Read(JsonElement rate)
    {
        var fields = BodyFields.Of(rate, "rate", Members);
        return new(fields.String("activity"), fields.OptionalString("capPeriod"), fields.OptionalInteger("capPoints"),
            fields.Integer("pointsPerUnit"), fields.String("unit"));
    }
}

public sealed record ApprovePointsPolicyBody(Member<long> Version) : ICommandBody<ApprovePointsPolicyBody>
{
    public static IReadOnlyList<string> Members { get; } = ["version"];

    public static ApprovePointsPolicyBody Read(JsonElement body) => new(BodyFields.Of(body, "body", Members).Integer("version"));
}
