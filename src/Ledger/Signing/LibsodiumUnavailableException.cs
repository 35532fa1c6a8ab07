namespace Ledger.Signing;

/// <summary>
/// Ed25519 cannot be used because libsodium is missing, failed to initialize, or does not
/// match this build. The message is one line naming the cause (and the fix, where there is
/// one), so a server can catch this at start-up and print <see cref="Exception.Message"/>.
/// </summary>
public sealed class LibsodiumUnavailableException : Exception
{
    public LibsodiumUnavailableException(string message)
        : base(message)
    {
    }

    public LibsodiumUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
