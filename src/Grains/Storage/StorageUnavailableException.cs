namespace Ledger.Grains.Storage;

/// <summary>
/// The database failed or did not confirm a write while a command was executed: the command
/// may or may not have been written, and the same command sent again is written at most once.
/// It crosses silos (the PostgreSQL error behind it does not, and stays in the log of the
/// process that met it), and says nothing of the database's address or constraints.
/// </summary>
[GenerateSerializer]
public sealed class StorageUnavailableException : Exception
{
    public StorageUnavailableException()
        : base("the database did not confirm the write; send the same command again: it is written at most once")
    {
    }
}
