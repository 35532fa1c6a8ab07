using Ledger.Entries;
using Ledger.Hashing;

namespace Ledger.Rules;

/// <summary>
/// Turns a decision into entries: each decided entry is linked after its stream's head (or the
/// entry decided before it on the same stream), all carrying the command's signature and the
/// time the ledger recorded it (FORMAT.md §4, §8). The server and the tools that build ledgers
/// link entries here, and nowhere else.
/// </summary>
public static class EntryChain
{
    /// <param name="heads">Each written stream's last entry, or null for an empty stream; only these streams may be written.</param>
    public static IReadOnlyList<Entry> Link(IReadOnlyList<NewEntry> decided, IReadOnlyDictionary<string, Entry?> heads,
        SignedCommand signed, DateTimeOffset recordedAt)
    {
        var current = new Dictionary<string, Entry?>(heads, StringComparer.Ordinal);
        var entries = new List<Entry>(decided.Count);
        foreach (var next in decided)
        {
            Invariant.Holds(current.ContainsKey(next.Stream), $"a decision writes only the streams its command names ({next.Stream})");
            var head = current[next.Stream];
            var entry = Entry.Create(next.Stream, head is null ? 0 : head.Sequence + 1, head?.Hash ?? Hash.Zero,
                next.Type, next.Body, signed, recordedAt);
            current[next.Stream] = entry;
            entries.Add(entry);
        }
        return entries;
    }
}
