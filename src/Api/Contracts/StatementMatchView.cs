namespace Ledger.Api.Contracts;

// The match of a bank statement against a project's account (docs/BANK.md, docs/API.md "Bank
// statements"): what a finance officer checks before signing a reconciliation. Money is
// integer fen, dates are days in China Standard Time.

/// <summary>A statement held against the ledger for its period; nothing is written.</summary>
/// <param name="ProjectId">The project.</param>
/// <param name="FromDate">The period's first day, e.g. "2026-01-01".</param>
/// <param name="ToDate">The period's last day, included.</param>
/// <param name="StatementHash">SHA-256 of the statement file's bytes, lowercase hex: what SignReconciliation names.</param>
/// <param name="StatementClosingBalanceFen">The balance after the statement's last line, in fen.</param>
/// <param name="LedgerClosingBalanceFen">The ledger's balance of the account at the period's end, in fen.</param>
/// <param name="BalancesAgree">Whether the two balances are equal: SignReconciliation is refused otherwise.</param>
/// <param name="Matched">Each statement line paired with the entry of the same reference and amount.</param>
/// <param name="UnmatchedLines">The statement's lines that no entry of the period matches.</param>
/// <param name="UnmatchedEntries">The period's movements in the ledger that no line matches.</param>
public sealed record StatementMatchView(
    string ProjectId,
    string FromDate,
    string ToDate,
    string StatementHash,
    long StatementClosingBalanceFen,
    long LedgerClosingBalanceFen,
    bool BalancesAgree,
    IReadOnlyList<MatchedLineView> Matched,
    IReadOnlyList<StatementLineView> UnmatchedLines,
    IReadOnlyList<AccountMovementView> UnmatchedEntries);

/// <summary>One line of the statement.</summary>
/// <param name="Line">Its line number in the file; the header is line 1.</param>
/// <param name="Date">The day the bank booked it.</param>
/// <param name="AmountFen">Positive in, negative out, in fen.</param>
/// <param name="Counterparty">Who paid or was paid, as the bank writes it.</param>
/// <param name="Reference">The bank's reference.</param>
/// <param name="BalanceFen">The balance after it, in fen.</param>
public sealed record StatementLineView(int Line, string Date, long AmountFen, string Counterparty, string Reference, long BalanceFen);

/// <summary>A movement on the project's account as the ledger records it.</summary>
/// <param name="EntrySequence">The entry in the project stream: a receipt, a household's payment or refund, a payment, an approved reversal.</param>
/// <param name="RecordedAt">When it was recorded, e.g. "2026-03-01T08:00:00.000Z".</param>
/// <param name="AmountFen">Positive in, negative out, in fen.</param>
/// <param name="Reference">The reference a statement line carries for it (a household's id for its payments); null when it has none.</param>
public sealed record AccountMovementView(long EntrySequence, string RecordedAt, long AmountFen, string? Reference);

/// <summary>A statement line and the entry it matched.</summary>
/// <param name="Line">The statement's line.</param>
/// <param name="Entry">The ledger's movement.</param>
public sealed record MatchedLineView(StatementLineView Line, AccountMovementView Entry);

/// <summary>A reconciliation with the bank: signed by a finance officer, reconciled once a resident supervisor countersigns.</summary>
/// <param name="ReconciliationId">The ReconciliationSigned entry's sequence.</param>
/// <param name="FromDate">The period's first day (China Standard Time).</param>
/// <param name="ToDate">The period's last day, included.</param>
/// <param name="ClosingBalanceFen">The account's balance at the period's end, in fen: the statement's and the ledger's.</param>
/// <param name="StatementHash">SHA-256 of the statement file, lowercase hex.</param>
/// <param name="MatchedCount">Statement lines matched to entries.</param>
/// <param name="UnmatchedStatementCount">Statement lines left unmatched.</param>
/// <param name="UnmatchedLedgerCount">Entries of the period left unmatched.</param>
/// <param name="SignedBy">The finance officer who signed it.</param>
/// <param name="CountersignedBy">The resident supervisor who countersigned it; null until then.</param>
public sealed record ReconciliationView(
    long ReconciliationId,
    string FromDate,
    string ToDate,
    long ClosingBalanceFen,
    string StatementHash,
    long MatchedCount,
    long UnmatchedStatementCount,
    long UnmatchedLedgerCount,
    string SignedBy,
    string? CountersignedBy);
