using System.Text.Json.Nodes;

namespace Ledger.Rules;

/// <summary>An entry a decision asks to append: which stream, what happened, the facts.</summary>
public sealed record NewEntry(string Stream, string Type, JsonObject Body);

/// <summary>What a rule decides for a command: the entries to append, or a refusal.</summary>
public abstract record Decision
{
    private Decision()
    {
    }

    /// <summary>The command is allowed; the entries are appended together or not at all.</summary>
    public sealed record Accept(IReadOnlyList<NewEntry> Entries) : Decision;

    /// <summary>The command breaks a rule; nothing is written.</summary>
    public sealed record Refuse(ResultCode Code, string Message) : Decision;

    public static Decision Accepting(params NewEntry[] entries) => new Accept(entries);

    public static Decision Refusing(ResultCode code, string message) => new Refuse(code, message);
}
