using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Canonical;
using Ledger.Entries;
using Ledger.Grains.Hosting;
using Ledger.Rules.Registry;

namespace Ledger.Api;

/// <summary>
/// Opens the registry on a server's first start (DESIGN.md 4, 10): a root key is made and kept
/// in the data folder, and the registry's entry 0 names it, signed by it.
/// </summary>
public static class RegistryGenesis
{
    public const string RegistrarId = "registrar";

    /// <returns>The root key's fingerprint (its key id).</returns>
    public static async Task<string> EnsureOpenAsync(LedgerGrains host, string dataFolder, TimeProvider clock, CancellationToken cancellationToken)
    {
        var registry = (RegistryState)await host.ReadStateAsync(RegistryRules.Stream, cancellationToken);
        if (registry.IsOpen)
        {
            return registry.RootKeyId!;
        }
        var root = OwnerOnlyKeyFile.LoadOrCreate(Path.Combine(dataFolder, "keys", $"{RegistrarId}.json"), RegistrarId);
        var rootKeyId = KeyIds.Of(root.Key.PublicKey.Bytes);
        var command = new Command(root.PersonId, rootKeyId, RegistryCommandTypes.OpenRegistry,
            JsonSerializer.SerializeToElement(new JsonObject
            {
                ["displayName"] = "街道管理员 Registrar",
                ["publicKey"] = Hex.Encode(root.Key.PublicKey.Bytes),
                ["registrarId"] = root.PersonId,
            }),
            "open-registry", LedgerTime.Truncate(clock.GetUtcNow()));
        var outcome = await host.ExecuteAsync(SignedCommand.Sign(command, root.Key), cancellationToken);
        return outcome switch
        {
            CommandOutcome.Accepted => rootKeyId,
            // Another server process opened it first with its own key: that one is the root.
            CommandOutcome.Refused { Code: Rules.ResultCode.RegistryAlreadyOpen } =>
                ((RegistryState)await host.ReadStateAsync(RegistryRules.Stream, cancellationToken)).RootKeyId!,
            CommandOutcome.Refused refused => throw new InvalidOperationException($"the registry could not be opened: {refused.Message}"),
            _ => throw new InvalidOperationException($"unexpected outcome {outcome}"),
        };
    }
}
