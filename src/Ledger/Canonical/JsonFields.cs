using System.Text.Json;
using Ledger.Hashing;

namespace Ledger.Canonical;

/// <summary>
/// Strict reading of one JSON object: every member named, unknown members refused, each of the
/// expected kind. Used wherever the ledger reads its own formats and command bodies, so that
/// an unknown field or a wrong type is refused the same way everywhere.
/// </summary>
public readonly struct JsonFields
{
    readonly JsonElement value;

    JsonFields(JsonElement value) => this.value = value;

    /// <summary>Reads an object whose members must all be among <paramref name="allowed"/>.</summary>
    public static JsonFields Of(JsonElement value, string what, params string[] allowed) => Of(value, what, (IReadOnlyList<string>)allowed);

    /// <summary>The same, for a list of members kept once (a typed body's, src/Ledger/Bodies): nothing is copied per read.</summary>
    public static JsonFields Of(JsonElement value, string what, IReadOnlyList<string> allowed)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{what} must be a JSON object");
        }
        foreach (var member in value.EnumerateObject())
        {
            if (!allowed.Contains(member.Name))
            {
                throw new FormatException($"{what} has an unknown member \"{member.Name}\"");
            }
        }
        return new JsonFields(value);
    }

    public bool Has(string name) => value.TryGetProperty(name, out _);

    public JsonElement Element(string name) =>
        value.TryGetProperty(name, out var member)
            ? member
            : throw new FormatException($"member \"{name}\" is missing");

    public string String(string name)
    {
        var member = Element(name);
        return member.ValueKind == JsonValueKind.String
            ? member.GetString()!
            : throw new FormatException($"member \"{name}\" must be a string");
    }

    public string? OptionalString(string name) => Has(name) ? String(name) : null;

    public long Integer(string name)
    {
        var member = Element(name);
        return member.ValueKind == JsonValueKind.Number && member.TryGetInt64(out var integer)
            ? integer
            : throw new FormatException($"member \"{name}\" must be an integer");
    }

    public long? OptionalInteger(string name) => Has(name) ? Integer(name) : null;

    public bool Boolean(string name)
    {
        var member = Element(name);
        return member.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new FormatException($"member \"{name}\" must be true or false"),
        };
    }

    public JsonElement Object(string name)
    {
        var member = Element(name);
        return member.ValueKind == JsonValueKind.Object
            ? member
            : throw new FormatException($"member \"{name}\" must be an object");
    }

    public IReadOnlyList<JsonElement> Array(string name)
    {
        var member = Element(name);
        return member.ValueKind == JsonValueKind.Array
            ? member.EnumerateArray().ToList()
            : throw new FormatException($"member \"{name}\" must be an array");
    }

    public Hash Hash(string name) =>
        Hashing.Hash.TryParse(String(name), out var hash)
            ? hash
            : throw new FormatException($"member \"{name}\" must be 64 lowercase hex digits");

    public DateTimeOffset Time(string name) =>
        LedgerTime.TryParse(String(name), out var time)
            ? time
            : throw new FormatException($"member \"{name}\" must be a time like 2026-01-31T08:00:00.000Z");
}
