namespace Ledger;

/// <summary>
/// Assertions that stay on in Release builds (STYLE.md 9). A broken invariant means the
/// process holds state it cannot trust: it must stop, never serve it.
/// </summary>
public static class Invariant
{
    public static void Holds(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvariantViolationException(what);
        }
    }
}

public sealed class InvariantViolationException(string what)
    : Exception($"invariant violated: {what}");
