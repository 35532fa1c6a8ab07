using Ledger.Grains.Hosting;
using Ledger.Grains.Log;

namespace Ledger.Api;

/// <summary>
/// Opens the registry (through its grain) and the Merkle log's signer once the silo has
/// started and before the API serves its first request: hosted services registered on the
/// builder start in order, after Orleans' silo and before the web server.
/// </summary>
internal sealed class LedgerOpening(LedgerGrains grains, Func<string, LogIntegrator> createLog, string dataFolder) : IHostedService
{
    /// <summary>The key id of the registrar's root key; set once started.</summary>
    public string RootFingerprint { get; private set; } = "";

    public LogIntegrator Log { get; private set; } = null!;

    public (string? Key, bool IsOurs) LogKey { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        RootFingerprint = await RegistryGenesis.EnsureOpenAsync(grains, dataFolder, TimeProvider.System, cancellationToken);
        Log = createLog(RootFingerprint);
        LogKey = await Log.EnsureKeyRecordedAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
