using System.Globalization;
using System.Text;
using Ledger.Rules;
using Ledger.Rules.Projects;

namespace Ledger.Bank;

/// <summary>One line of a bank statement: a credit (positive) or debit (negative) and the balance after it.</summary>
/// <param name="Line">The line's number in the file, the header being line 1.</param>
public sealed record StatementLine(int Line, DateOnly Date, long AmountFen, string Counterparty, string Reference, long BalanceFen);

/// <summary>A statement that cannot be read, with where: line and column both count from 1.</summary>
public sealed class StatementFormatException(int line, int column, string message)
    : FormatException($"line {line}, column {column}: {message}")
{
    public int Line { get; } = line;

    public int Column { get; } = column;

    public string Problem { get; } = message;
}

/// <summary>
/// A bank statement of a project's account for a period, read from the CSV file the bank
/// exports (docs/BANK.md "The statement file"): UTF-8, a header line
/// <c>date,amount,counterparty,reference,balance</c>, fields as RFC 4180 writes them, amounts
/// in yuan with exactly two decimals, dates in China Standard Time.
/// </summary>
public sealed record BankStatement(ReconciliationPeriod Period, IReadOnlyList<StatementLine> Lines)
{
    public const string Header = "date,amount,counterparty,reference,balance";

    static readonly string[] Columns = ["date", "amount", "counterparty", "reference", "balance"];

    static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The balance after the last line: what the statement says the account holds at the period's end.</summary>
    public long ClosingBalanceFen => Lines[^1].BalanceFen;

    /// <summary>The balance before the first line.</summary>
    public long OpeningBalanceFen => checked(Lines[0].BalanceFen - Lines[0].AmountFen);

    /// <summary>
    /// Reads a statement of <paramref name="period"/>: every line dated inside it, in date
    /// order, each balance the one before plus the line's amount.
    /// </summary>
    /// <exception cref="StatementFormatException">The first problem, with its line and column.</exception>
    public static BankStatement Parse(ReadOnlySpan<byte> file, ReconciliationPeriod period)
    {
        string text;
        try
        {
            // A byte order mark is tolerated: spreadsheet programs write one.
            text = StrictUtf8.GetString(file.StartsWith("\uFEFF"u8) ? file[3..] : file);
        }
        catch (DecoderFallbackException)
        {
            throw new StatementFormatException(1, 1, "the file is not UTF-8");
        }
        var rows = text.Split('\n');
        // One line break at the very end is the file's last line ending, not an empty line.
        var count = rows.Length > 1 && rows[^1].Length == 0 ? rows.Length - 1 : rows.Length;
        if (Unterminated(rows[0]) != Header)
        {
            throw new StatementFormatException(1, 1, $"the first line must be the header {Header}");
        }
        var lines = new List<StatementLine>();
        for (var i = 1; i < count; i++)
        {
            var number = i + 1;
            var fields = Fields(Unterminated(rows[i]), number);
            var date = Date(fields[0], number, period);
            var amount = Yuan(fields[1], number, 2);
            if (amount == 0)
            {
                throw new StatementFormatException(number, 2, "an amount is not zero");
            }
            var balance = Yuan(fields[4], number, 5);
            if (lines.Count > 0)
            {
                var previous = lines[^1];
                if (date < previous.Date)
                {
                    throw new StatementFormatException(number, 1, $"lines are in date order; the line before is dated {ReconciliationPeriod.Format(previous.Date)}");
                }
                if (balance != checked(previous.BalanceFen + amount))
                {
                    throw new StatementFormatException(number, 5,
                        $"the balance must be the line before's plus the amount: {Format(checked(previous.BalanceFen + amount))}");
                }
            }
            lines.Add(new StatementLine(number, date, amount, fields[2], fields[3], balance));
        }
        if (lines.Count == 0)
        {
            throw new StatementFormatException(2, 1, "a statement has at least one line after the header");
        }
        return new BankStatement(period, lines);
    }

    /// <summary>Fen as the statement writes yuan: "-1234.50".</summary>
    public static string Format(long fen) =>
        string.Create(CultureInfo.InvariantCulture, $"{(fen < 0 ? "-" : "")}{Math.Abs(fen) / 100}.{Math.Abs(fen) % 100:00}");

    static string Unterminated(string row) => row.EndsWith('\r') ? row[..^1] : row;

    /// <summary>The five fields of a line, RFC 4180: a field in double quotes may hold commas and "" for a quote.</summary>
    static string[] Fields(string row, int line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var i = 0;
        while (true)
        {
            var column = fields.Count + 1;
            if (i < row.Length && row[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i >= row.Length)
                    {
                        throw new StatementFormatException(line, column, "a quoted field is not closed on its line");
                    }
                    if (row[i] == '"')
                    {
                        if (i + 1 < row.Length && row[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    field.Append(row[i++]);
                }
                if (i < row.Length && row[i] != ',')
                {
                    throw new StatementFormatException(line, column, "a quoted field ends at a comma or the end of the line");
                }
            }
            else
            {
                while (i < row.Length && row[i] != ',')
                {
                    if (row[i] == '"')
                    {
                        throw new StatementFormatException(line, column, "a field with a double quote is quoted as a whole");
                    }
                    field.Append(row[i++]);
                }
            }
            var value = field.ToString();
            if (value.Any(char.IsControl))
            {
                throw new StatementFormatException(line, column, "a field holds no control characters");
            }
            fields.Add(value);
            field.Clear();
            if (i >= row.Length)
            {
                break;
            }
            i++; // the comma
        }
        return fields.Count == Columns.Length
            ? [.. fields]
            : throw new StatementFormatException(line, Math.Min(fields.Count, Columns.Length + 1),
                $"a line has {Columns.Length} fields ({string.Join(",", Columns)}), not {fields.Count}");
    }

    static DateOnly Date(string text, int line, ReconciliationPeriod period)
    {
        DateOnly date;
        try
        {
            date = ReconciliationPeriod.ParseDate(text, "date");
        }
        catch (FormatException e)
        {
            throw new StatementFormatException(line, 1, e.Message);
        }
        return period.Contains(date)
            ? date
            : throw new StatementFormatException(line, 1, $"{text} is outside the period {period}");
    }

    /// <summary>Yuan with exactly two decimals, an optional minus sign, no grouping: "-1234.50" is −123450 fen.</summary>
    static long Yuan(string text, int line, int column)
    {
        var digits = text.StartsWith('-') ? text[1..] : text;
        var point = digits.Length - 3;
        if (point < 1 || digits[point] != '.' || !digits.Remove(point, 1).All(char.IsAsciiDigit) || (digits[0] == '0' && point > 1))
        {
            throw new StatementFormatException(line, column, $"{Columns[column - 1]} is yuan with exactly two decimals, like 1234.50 or -80.00");
        }
        // Eleven digits of yuan hold 10^12 fen, and cannot overflow a long on the way.
        var fen = point <= 11 ? long.Parse(digits.Remove(point, 1), NumberStyles.None, CultureInfo.InvariantCulture) : long.MaxValue;
        return fen <= Money.MaxAmountFen
            ? (text.StartsWith('-') ? -fen : fen)
            : throw new StatementFormatException(line, column, $"{Columns[column - 1]} is at most {Format(Money.MaxAmountFen)}");
    }
}
