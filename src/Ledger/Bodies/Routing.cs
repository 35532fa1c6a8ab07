using System.Text.Json;
using Ledger.Entries;

namespace Ledger.Bodies;

/// <summary>
/// The members a command is routed by, read before authentication to know which streams it
/// writes (and so which grain decides it): a body that does not name its streams is refused
/// MalformedCommand before any rule runs.
/// </summary>
public static class Routing
{
    const string RefundsProblem = "refunds must be an array of household ids";
    const string ScopeProblem = "households must be an array of household ids";

    public static string ProjectIdOf(JsonElement body) => IdentifierOf(body, "projectId");

    public static string HouseholdIdOf(JsonElement body) => IdentifierOf(body, "householdId");

    /// <summary>The households a CancelProject command refunds.</summary>
    public static IReadOnlyList<string> RefundsOf(JsonElement body) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty("refunds", out var refunds)
            ? Refunds(refunds)
            : throw new FormatException(RefundsProblem);

    internal static IReadOnlyList<string> Refunds(JsonElement refunds) => Identifiers(refunds, RefundsProblem);

    /// <summary>The households of an owners' vote's scope, which OpenVote and CloseVote write to.</summary>
    public static IReadOnlyList<string> ScopeOf(JsonElement body) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty("households", out var households)
            ? HouseholdsOf(households)
            : throw new FormatException(ScopeProblem);

    internal static IReadOnlyList<string> HouseholdsOf(JsonElement households) => Identifiers(households, ScopeProblem);

    static IReadOnlyList<string> Identifiers(JsonElement list, string problem) =>
        list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray()
                .Select(r => r.ValueKind == JsonValueKind.String && Names.IsIdentifier(r.GetString()) ? r.GetString()! : throw new FormatException(problem))
                .ToList()
            : throw new FormatException(problem);

    static string IdentifierOf(JsonElement body, string member)
    {
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty(member, out var value)
            || value.ValueKind != JsonValueKind.String || !Names.IsIdentifier(value.GetString()))
        {
            throw new FormatException($"{member} must be an identifier");
        }
        return value.GetString()!;
    }
}
