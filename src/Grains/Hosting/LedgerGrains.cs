using Ledger.Entries;
using Ledger.Grains.Storage;
using Ledger.Rules;
using Ledger.Rules.Registry;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Concurrency;

namespace Ledger.Grains.Hosting;

/// <summary>
/// The grains as this process's HTTP API sees them: a signed command is authenticated here,
/// outside any grain (STYLE.md: signature checks off any lock), then sent to the one
/// activation in the cluster of the grain that coordinates it; a stream's state is read from
/// the store, the system of record.
/// </summary>
public sealed class LedgerGrains(IGrainFactory grains, RegistryCache registry, EntryStore store, ILogger<LedgerGrains> logger)
{
    /// <exception cref="StorageUnavailableException">The database failed: the command may or may not be written.</exception>
    /// <exception cref="ClusterUnavailableException">The grain's silo did not answer: the command may or may not be written.</exception>
    public async Task<CommandOutcome> ExecuteAsync(SignedCommand signed, CancellationToken cancellationToken)
    {
        try
        {
            return await DecideAsync(signed, cancellationToken);
        }
        catch (NpgsqlException e)
        {
            logger.LogWarning(e, "the database failed during a command: {Message}", e.Message);
            throw new StorageUnavailableException();
        }
        catch (Exception e) when (e is OrleansMessageRejectionException or TimeoutException)
        {
            logger.LogWarning(e, "the grain of a command did not answer: {Message}", e.Message);
            throw new ClusterUnavailableException(e);
        }
    }

    async Task<CommandOutcome> DecideAsync(SignedCommand signed, CancellationToken cancellationToken)
    {
        var command = signed.Command;
        if (Commands.Find(command.Type) is not { } rule)
        {
            return new CommandOutcome.Refused(ResultCode.UnknownCommandType, $"there is no command {command.Type}");
        }
        IReadOnlyList<string> streams;
        try
        {
            streams = Commands.StreamsOf(rule, command);
        }
        catch (FormatException e)
        {
            return new CommandOutcome.Refused(ResultCode.MalformedCommand, e.Message);
        }
        if (await AuthenticateAsync(signed, cancellationToken) is { } unauthenticated)
        {
            return CommandOutcome.From(unauthenticated);
        }
        return await Coordinator.GrainOf(grains, Coordinator.Of(streams)).Execute(signed.AsImmutable()).WaitAsync(cancellationToken);
    }

    /// <summary>The current state of a stream, caught up with the store.</summary>
    public async Task<StreamState> ReadStateAsync(string stream, CancellationToken cancellationToken)
    {
        if (stream == RegistryRules.Stream)
        {
            return await registry.RefreshAsync(cancellationToken);
        }
        var state = StreamState.Initial(stream);
        foreach (var stored in await store.ReadStreamAsync(stream, 0, cancellationToken))
        {
            state = state.Apply(stored.Entry);
        }
        return state;
    }

    /// <summary>
    /// Checks the signature against the registry, catching the registry up once when the key
    /// is unknown or the registry not open (another process may have registered or opened it).
    /// </summary>
    async Task<Decision.Refuse?> AuthenticateAsync(SignedCommand signed, CancellationToken cancellationToken)
    {
        var refusal = Authorization.Authenticate(await registry.CurrentAsync(cancellationToken), signed);
        if (refusal?.Code is not (ResultCode.UnknownKey or ResultCode.RegistryNotOpen))
        {
            return refusal;
        }
        return Authorization.Authenticate(await registry.RefreshAsync(cancellationToken), signed);
    }
}
