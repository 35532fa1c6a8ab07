using Ledger.Entries;
using Ledger.Rules.Catalog;
using Ledger.Rules.Households;
using Ledger.Rules.Projects;
using Ledger.Rules.Registry;

namespace Ledger.Rules;

/// <summary>
/// The state of one stream, folded from its entries by a pure apply (STYLE.md 10): the
/// grains apply entries after they commit, and the verifier applies the same entries in the
/// same way to replay the ledger.
/// </summary>
public abstract record StreamState
{
    /// <summary>The stream's last applied sequence number; −1 before its first entry.</summary>
    public long Sequence { get; init; } = -1;

    /// <summary>The stream's state after <paramref name="entry"/>, which must be its next entry.</summary>
    public StreamState Apply(Entry entry)
    {
        Invariant.Holds(entry.Sequence == Sequence + 1, $"entries of a stream apply in sequence order ({entry.Stream}#{entry.Sequence})");
        return ApplyBody(entry) with { Sequence = entry.Sequence };
    }

    protected abstract StreamState ApplyBody(Entry entry);

    /// <summary>The state of a stream that has no entries yet.</summary>
    public static StreamState Initial(string stream) => stream switch
    {
        RegistryRules.Stream => RegistryState.Empty,
        CatalogRules.Stream => CatalogState.Empty,
        _ when stream.StartsWith("project/", StringComparison.Ordinal) => new ProjectState { ProjectId = stream["project/".Length..] },
        _ when stream.StartsWith("household/", StringComparison.Ordinal) => new HouseholdState { HouseholdId = stream["household/".Length..] },
        _ => throw new ArgumentException($"no rules for stream \"{stream}\"", nameof(stream)),
    };
}
