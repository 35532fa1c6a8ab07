namespace Ledger.Grains.LocalPostgres;

/// <summary>
/// The local cluster could not be set up or started. The message is one line saying what
/// to do, fit to be the last thing a server prints before it exits.
/// </summary>
public sealed class LocalClusterException(string message)
    : Exception(message.ReplaceLineEndings(" "));
