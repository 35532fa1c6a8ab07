using Ledger.Rules;

namespace Ledger.Bodies;

/// <summary>
/// One member of a command body, read once when the body is read: its value, or why it has
/// none. A rule that takes <see cref="Value"/> hears the <see cref="FormatException"/> it heard
/// when it read the member by name, at the same point of its checks, so which refusal a
/// command hears (tests/Ledger.Tests/Rules/PrecedenceTests.cs) does not depend on when the body
/// was read. A member of an entry's body is kept the same way, so that applying a malformed
/// entry fails where, and with the words with which, it always did.
/// </summary>
public readonly struct Member<T>
{
    readonly T value;
    readonly string? problem;

    Member(string name, bool isPresent, T value, string? problem)
    {
        Name = name;
        IsPresent = isPresent;
        this.value = value;
        this.problem = problem;
    }

    /// <summary>The member's name in the body, for messages about its value.</summary>
    public string Name { get; }

    /// <summary>Whether the body has the member at all, well-formed or not.</summary>
    public bool IsPresent { get; }

    /// <summary>The value; a member that is missing, or not of its type, throws what the rule reports as MalformedCommand.</summary>
    public T Value => problem is null ? value : throw new FormatException(problem);

    /// <summary>
    /// Null and the value when it can be read; else the refusal <paramref name="code"/> with why not:
    /// for a member whose own result code says what is wrong with it (a funding plan, tranches, a policy).
    /// </summary>
    public Decision.Refuse? Refusal(ResultCode code, out T value)
    {
        value = problem is null ? this.value : default!;
        return problem is null ? null : new Decision.Refuse(code, problem);
    }

    internal static Member<T> Read(string name, bool isPresent, T value) => new(name, isPresent, value, null);

    internal static Member<T> Refused(string name, bool isPresent, string problem) => new(name, isPresent, default!, problem);
}

public static class OptionalMember
{
    /// <summary>
    /// The value of a member that is optional in the body's shape but required where it is
    /// taken (a resident's household): missing, it throws as a required member would.
    /// </summary>
    public static string Required(this Member<string?> member) =>
        member.Value ?? throw new FormatException($"member \"{member.Name}\" is missing");
}
