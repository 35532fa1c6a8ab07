namespace Ledger.Entries;

/// <summary>
/// A signed read (docs/API.md "Signed reads"): a signed command (docs/FORMAT.md §6) of its own
/// type, whose body names a request's method and target, sent in the Authorization header under
/// its own scheme. Client and server both take these names from here.
/// </summary>
public static class SignedRead
{
    /// <summary>The command type of a signed read: never a command the ledger executes.</summary>
    public const string CommandType = "ReadRequest";

    /// <summary>The scheme of the Authorization header that carries a signed read.</summary>
    public const string AuthorizationScheme = "Ledger";
}
