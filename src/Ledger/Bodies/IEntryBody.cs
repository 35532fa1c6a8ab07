using System.Text.Json;

namespace Ledger.Bodies;

/// <summary>
/// The typed body of one entry type (docs/ENTRIES.md "Entry bodies"): read once from the entry's
/// canonical body by <see cref="Entries.Entry.BodyAs{TBody}"/>, which the states' apply and the
/// verifier read their members from; the record's writer makes the body its rule decides.
/// </summary>
public interface IEntryBody<TSelf> where TSelf : IEntryBody<TSelf>
{
    /// <summary>The entry types whose body this is: entries of one shape (a reservation and its release) share a record.</summary>
    static abstract IReadOnlyList<string> Types { get; }

    /// <summary>The members the body may have, in canonical order; the API's schema lists the same.</summary>
    static abstract IReadOnlyList<string> Members { get; }

    /// <summary>
    /// Reads the body of an entry of <paramref name="type"/>; refuses an unknown member at once,
    /// naming the type, and keeps every other problem in its member, for apply to meet when it
    /// takes the value.
    /// </summary>
    static abstract TSelf Read(JsonElement body, string type);
}
