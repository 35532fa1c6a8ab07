using System.Text.Json;

namespace Ledger.Bodies;

/// <summary>
/// The typed body of one command type (docs/ENTRIES.md): read once from the signed command's
/// body, which stays as it was signed; the rule that decides the command reads its members.
/// </summary>
public interface ICommandBody<TSelf> where TSelf : ICommandBody<TSelf>
{
    /// <summary>The members the body may have, in canonical order; the API's schema lists the same.</summary>
    static abstract IReadOnlyList<string> Members { get; }

    /// <summary>Reads the body; refuses an unknown member at once, and keeps every other problem in its member.</summary>
    static abstract TSelf Read(JsonElement body);
}
