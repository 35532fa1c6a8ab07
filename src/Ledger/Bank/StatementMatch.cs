using Ledger.Rules.Projects;

namespace Ledger.Bank;

/// <summary>A statement line paired with the ledger's movement of the same reference and amount.</summary>
public sealed record MatchedLine(StatementLine Line, AccountMovement Movement);

/// <summary>
/// A bank statement held against the project's account in the ledger for the statement's
/// period (docs/BANK.md "Matching"): lines and movements paired, what is left on either side,
/// and both closing balances. Pure: it writes nothing; a finance officer signs the outcome.
/// </summary>
public sealed record StatementMatch(
    IReadOnlyList<MatchedLine> Matched,
    IReadOnlyList<StatementLine> UnmatchedLines,
    IReadOnlyList<AccountMovement> UnmatchedMovements,
    long StatementClosingBalanceFen,
    long LedgerClosingBalanceFen)
{
    /// <summary>Whether the statement closes on the ledger's balance, as SignReconciliation requires.</summary>
    public bool BalancesAgree => StatementClosingBalanceFen == LedgerClosingBalanceFen;

    /// <summary>
    /// Pairs each line with a movement of the period that has the same reference and the same
    /// signed amount. Lines and movements that share a reference and amount (duplicates) are
    /// paired in order, the statement's in line order and the ledger's in entry order; what is
    /// left over on either side is unmatched. The date is not compared: a bank may book a
    /// transfer a day after the ledger records it.
    /// </summary>
    public static StatementMatch Of(BankStatement statement, ProjectState project)
    {
        var movements = project.Movements.Where(m => statement.Period.Contains(m.RecordedAt)).ToList();
        var waiting = movements
            .Where(m => m.Reference is not null)
            .GroupBy(m => (m.Reference!, m.AmountFen))
            .ToDictionary(g => g.Key, g => new Queue<AccountMovement>(g));
        var matched = new List<MatchedLine>();
        var unmatchedLines = new List<StatementLine>();
        foreach (var line in statement.Lines)
        {
            if (waiting.TryGetValue((line.Reference, line.AmountFen), out var queue) && queue.TryDequeue(out var movement))
            {
                matched.Add(new MatchedLine(line, movement));
            }
            else
            {
                unmatchedLines.Add(line);
            }
        }
        var paired = matched.Select(m => m.Movement.Sequence).ToHashSet();
        return new StatementMatch(matched, unmatchedLines, movements.Where(m => !paired.Contains(m.Sequence)).ToList(),
            statement.ClosingBalanceFen, project.BalanceFenBefore(statement.Period.EndsAt));
    }
}
