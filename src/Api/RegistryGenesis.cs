using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Canonical;
using Ledger.Checkpoints;
using Ledger.Entries;
using Ledger.Grains.Hosting;
using Ledger.Rules;
using Ledger.Rules.Registry;
using Ledger.Signing;

namespace Ledger.Api;

/// <summary>
/// A trial's registry (DESIGN.md 10, 11; README "Trial start"): on a trial server's first start a
/// root key is made and kept in the data folder, the registry's entry 0 names it, signed by it,
/// and says it is a trial; the same key then names the server's log key. In production none of
/// this runs: the registrar does it from their own machine (src/Registrar).
/// </summary>
public static class RegistryGenesis
{
    public const string RegistrarId = "registrar";

    /// <summary>The trial root key's file under the data folder's keys folder.</summary>
    public const string RootKeyFileName = $"{RegistrarId}.json";

    /// <summary>The body of a trial's OpenRegistry, signed by its root key.</summary>
    static JsonObject TrialOpening(VerificationKey rootKey) => new()
    {
        ["displayName"] = "街道管理员 Registrar",
        ["publicKey"] = Hex.Encode(rootKey.Bytes),
        ["registrarId"] = RegistrarId,
        ["trial"] = true,
    };

    /// <summary>Opens the registry as a trial if it is not open yet.</summary>
    /// <returns>The root key's fingerprint (its key id): the trial key's, or that of whoever opened it first.</returns>
    public static async Task<string> EnsureTrialOpenAsync(LedgerGrains host, string dataFolder, TimeProvider clock, CancellationToken cancellationToken)
    {
        var registry = await ReadAsync(host, cancellationToken);
        if (registry.IsOpen)
        {
            return registry.RootKeyId!;
        }
        var root = RootKey(dataFolder);
        var outcome = await ExecuteAsync(host, root, RegistryCommandTypes.OpenRegistry, TrialOpening(root.PublicKey), "open-registry", clock, cancellationToken);
        return outcome switch
        {
            CommandOutcome.Accepted => KeyIds.Of(root.PublicKey.Bytes),
            // Another server process opened it first with its own key: that one is the root.
            CommandOutcome.Refused { Code: ResultCode.RegistryAlreadyOpen } => (await ReadAsync(host, cancellationToken)).RootKeyId!,
            CommandOutcome.Refused refused => throw new InvalidOperationException($"the registry could not be opened: {refused.Message}"),
            _ => throw new InvalidOperationException($"unexpected outcome {outcome}"),
        };
    }

    /// <summary>
    /// Names <paramref name="logKey"/> the log key with the trial root key, if the registry names
    /// none yet and that root key is this server's (another process's trial names its own).
    /// </summary>
    public static async Task EnsureLogKeyNamedAsync(LedgerGrains host, string dataFolder, NoteVerifierKey logKey, TimeProvider clock, CancellationToken cancellationToken)
    {
        var registry = await ReadAsync(host, cancellationToken);
        var rootFile = Path.Combine(dataFolder, "keys", RootKeyFileName);
        if (!registry.IsTrial || !registry.LogKeys.IsEmpty || !File.Exists(rootFile))
        {
            return;
        }
        var root = RootKey(dataFolder);
        if (KeyIds.Of(root.PublicKey.Bytes) != registry.RootKeyId)
        {
            return;
        }
        var outcome = await ExecuteAsync(host, root, RegistryCommandTypes.NameLogKey, new JsonObject { ["verifierKey"] = logKey.Format() },
            $"name-log-key-{logKey.KeyId:x8}", clock, cancellationToken);
        if (outcome is CommandOutcome.Refused { Code: not ResultCode.LogKeyAlreadyNamed } refused)
        {
            throw new InvalidOperationException($"the log key could not be named: {refused.Message}");
        }
    }

    static SigningKey RootKey(string dataFolder) =>
        OwnerOnlyKeyFile.LoadOrCreate(Path.Combine(dataFolder, "keys", RootKeyFileName), RegistrarId).Key;

    static async Task<RegistryState> ReadAsync(LedgerGrains host, CancellationToken cancellationToken) =>
        (RegistryState)await host.ReadStateAsync(RegistryRules.Stream, cancellationToken);

    static Task<CommandOutcome> ExecuteAsync(LedgerGrains host, SigningKey root, string type, JsonObject body, string idempotencyKey,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var command = new Command(RegistrarId, KeyIds.Of(root.PublicKey.Bytes), type, JsonSerializer.SerializeToElement(body),
            idempotencyKey, LedgerTime.Truncate(clock.GetUtcNow()));
        return host.ExecuteAsync(SignedCommand.Sign(command, root), cancellationToken);
    }
}
