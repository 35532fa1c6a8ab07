using System.Text.Json;
using Ledger.Canonical;
using Ledger.Hashing;
using Ledger.Rules;

namespace Ledger.Bodies;

/// <summary>
/// Reads the members of one body object into <see cref="Member{T}"/>s, each once: an unknown
/// member is refused at once, as before any rule check; a missing or mistyped one is kept as
/// its member's problem, with the words of <see cref="JsonFields"/>, for the rule to meet when
/// it takes the value.
/// </summary>
public readonly struct BodyFields
{
    readonly JsonFields fields;

    BodyFields(JsonFields fields) => this.fields = fields;

    /// <summary>The body's members, which must all be among <paramref name="allowed"/>.</summary>
    public static BodyFields Of(JsonElement body, string what, IReadOnlyList<string> allowed) =>
        new(JsonFields.Of(body, what, allowed));

    public Member<string> String(string name) => Read(name, static (f, n) => f.String(n));

    public Member<string?> OptionalString(string name) => Read(name, static (f, n) => f.OptionalString(n));

    public Member<long> Integer(string name) => Read(name, static (f, n) => f.Integer(n));

    public Member<long?> OptionalInteger(string name) => Read(name, static (f, n) => f.OptionalInteger(n));

    public Member<bool?> OptionalBoolean(string name) => Read(name, static (f, n) => f.Has(n) ? f.Boolean(n) : (bool?)null);

    public Member<Hash> Hash(string name) => Read(name, static (f, n) => f.Hash(n));

    /// <summary>A calendar day spelled 2026-09-30 (docs/BANK.md), as a reconciliation's period names it.</summary>
    public Member<DateOnly> Date(string name) => Read(name, static (f, n) => Rules.Projects.ReconciliationPeriod.ParseDate(f.String(n), n));

    /// <summary>A member that is the name of one of <typeparamref name="TEnum"/>'s values.</summary>
    public Member<TEnum> Enum<TEnum>(string name) where TEnum : struct, Enum => Read(name, EnumOf<TEnum>);

    /// <summary>A member read as the name of one of <typeparamref name="TEnum"/>'s values; any other string is refused.</summary>
    public static TEnum EnumOf<TEnum>(JsonFields fields, string name) where TEnum : struct, Enum =>
        EnumNames.TryParse<TEnum>(fields.String(name), out var value) ? value : throw new FormatException($"{name} is not a {typeof(TEnum).Name}");

    /// <summary>
    /// A member read by <paramref name="read"/>, which throws <see cref="FormatException"/> for
    /// what it refuses; the first problem met, in the order <paramref name="read"/> meets them,
    /// is the member's.
    /// </summary>
    public Member<T> Read<T>(string name, Func<JsonFields, string, T> read)
    {
        var present = fields.Has(name);
        try
        {
            return Member<T>.Read(name, present, read(fields, name));
        }
        catch (FormatException e)
        {
            return Member<T>.Refused(name, present, e.Message);
        }
    }
}
