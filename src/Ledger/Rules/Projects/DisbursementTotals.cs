using System.Collections.Immutable;

namespace Ledger.Rules.Projects;

/// <summary>
/// What a project's disbursements commit, summed: paid, pending, and what paid and pending
/// requests draw on each source. A project keeps them as its disbursements change instead of
/// summing them when asked, because every entry applied checks them (the project's
/// invariants) and every request reads them, and a busy project holds thousands of
/// disbursements.
/// </summary>
public sealed record DisbursementTotals(long PaidFen, long PendingFen, ImmutableSortedDictionary<FundingSource, long> DrawnFen)
{
    public static readonly DisbursementTotals None = new(0, 0, ImmutableSortedDictionary<FundingSource, long>.Empty);

    /// <summary>The totals of <paramref name="disbursements"/>, summed one by one: what the running totals always equal.</summary>
    public static DisbursementTotals Of(IEnumerable<Disbursement> disbursements) =>
        disbursements.Aggregate(None, (totals, d) => totals.Changed(before: null, after: d));

    /// <summary>The totals once <paramref name="before"/> (null: none, a new request) has become <paramref name="after"/>.</summary>
    public DisbursementTotals Changed(Disbursement? before, Disbursement after)
    {
        Invariant.Holds(before is null || before.Id == after.Id, "a disbursement changes into itself");
        var totals = this;
        if (before is not null)
            totals = totals.Counting(before, -1);
        return totals.Counting(after, +1);
    }

    DisbursementTotals Counting(Disbursement d, int sign) => d.Status switch
    {
        DisbursementStatus.Paid => Drawing(d, sign) with { PaidFen = checked(PaidFen + sign * d.AmountFen) },
        DisbursementStatus.Pending => Drawing(d, sign) with { PendingFen = checked(PendingFen + sign * d.AmountFen) },
        _ => this,
    };

    DisbursementTotals Drawing(Disbursement d, int sign) => d.AllocationFen.IsEmpty
        ? this
        : this with
        {
            DrawnFen = d.AllocationFen.Aggregate(DrawnFen, (drawn, source) =>
                drawn.SetItem(source.Key, checked(drawn.GetValueOrDefault(source.Key) + sign * source.Value))),
        };
}
