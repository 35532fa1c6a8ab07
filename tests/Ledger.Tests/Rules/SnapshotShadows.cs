using Ledger.Entries;
using Ledger.Rules;
using Ledger.Rules.Projects;

namespace Ledger.Tests.Rules;

/// <summary>
/// Checks <see cref="StateSnapshot"/> on every entry a scenario applies: after each entry the
/// state's snapshot must decode to a state that encodes to the same bytes, and that decoded
/// state (a "shadow") is then carried along, applying every later entry of its stream, and
/// must keep encoding exactly as the state folded from the start. A field the snapshot forgets
/// makes a shadow behave differently from the original, which this sees at the first entry
/// where it matters. Every rule test's scenario goes through it (RegistryScenario.Append).
/// </summary>
public sealed class SnapshotShadows(int keepEveryShadowBelow = SnapshotShadows.RecentShadows)
{
    /// <summary>
    /// Shadows kept from every one of a stream's last entries: the seeded model tests apply
    /// thousands of entries to one stream, and carrying a shadow from each would be quadratic.
    /// Older ones are kept only at sequences that are powers of two, so long-range
    /// divergence is still followed from the start of every stream.
    /// </summary>
    public const int RecentShadows = 8;

    readonly Dictionary<string, List<(long From, StreamState State)>> shadows = new(StringComparer.Ordinal);

    /// <summary>An instance that keeps a shadow from every entry: for the snapshot tests' own scenarios.</summary>
    public static SnapshotShadows Exhaustive() => new(int.MaxValue);

    /// <summary>Checks the state <paramref name="applied"/> reached by applying <paramref name="entry"/>.</summary>
    public void Check(Entry entry, StreamState applied)
    {
        var encoded = StateSnapshot.Encode(applied);
        if (!shadows.TryGetValue(entry.Stream, out var list))
        {
            list = [];
            shadows.Add(entry.Stream, list);
        }
        for (var i = 0; i < list.Count; i++)
        {
            list[i] = (list[i].From, list[i].State.Apply(entry));
            Assert.True(encoded.AsSpan().SequenceEqual(StateSnapshot.Encode(list[i].State)),
                $"{entry.Stream}: the state decoded from its snapshot at #{list[i].From} differs after #{entry.Sequence}");
        }
        var decoded = StateSnapshot.Decode(entry.Stream, encoded);
        Assert.True(encoded.AsSpan().SequenceEqual(StateSnapshot.Encode(decoded)),
            $"{entry.Stream}#{entry.Sequence}: the snapshot does not encode again to the same bytes");
        if (applied is ProjectState project)
            AssertSameTotals(project, (ProjectState)decoded, entry);
        list.Add((entry.Sequence, decoded));
        list.RemoveAll(s => entry.Sequence - s.From >= keepEveryShadowBelow && !long.IsPow2(s.From + 1));
    }

    /// <summary>
    /// A project's running totals, kept entry by entry, against the same totals summed from its
    /// disbursements, which is what a decoded snapshot holds.
    /// </summary>
    static void AssertSameTotals(ProjectState running, ProjectState summed, Entry entry)
    {
        var (kept, sums) = (running.Committed, summed.Committed);
        Assert.True(kept.PaidFen == sums.PaidFen && kept.PendingFen == sums.PendingFen
            && kept.DrawnFen.Where(d => d.Value != 0).SequenceEqual(sums.DrawnFen.Where(d => d.Value != 0)),
            $"{entry.Stream}#{entry.Sequence}: running totals (paid {kept.PaidFen}, pending {kept.PendingFen}, drawn {string.Join(",", kept.DrawnFen)}) "
            + $"differ from the sums over the disbursements (paid {sums.PaidFen}, pending {sums.PendingFen}, drawn {string.Join(",", sums.DrawnFen)})");
    }

    /// <summary>Folds <paramref name="entries"/> (of any streams, in order) from their initial states, checking each.</summary>
    public void Fold(IEnumerable<Entry> entries)
    {
        var states = new Dictionary<string, StreamState>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var state = (states.GetValueOrDefault(entry.Stream) ?? StreamState.Initial(entry.Stream)).Apply(entry);
            states[entry.Stream] = state;
            Check(entry, state);
        }
    }
}
