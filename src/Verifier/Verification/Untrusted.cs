namespace Ledger.Verifier.Verification;

/// <summary>
/// Everything an audit reads is untrusted, and an entry may be anything an attacker wrote: a
/// number that overflows when the rules multiply it, a key whose person is missing, a state the
/// rules' invariants say cannot be. Whatever parsing, deciding or applying such an entry throws
/// is a finding at the entry's place (issue 15: the verifier never crashes), not a reason to stop.
/// </summary>
static class Untrusted
{
    /// <summary>Whether <paramref name="exception"/> says something about the input; running out of memory says something about the machine.</summary>
    public static bool IsAboutTheInput(Exception exception) => exception is not OutOfMemoryException;
}
