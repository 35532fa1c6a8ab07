using System.Text.Json.Nodes;
using Ledger.Grains.Hosting;
using Ledger.Rules.Registry;
using Ledger.Tests.Support;

namespace Ledger.Tests.Hosting;

/// <summary>Registry commands as the registrar signs them, for tests that drive grain hosts.</summary>
public static class RegistryOnHost
{
    public static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-04-01T08:00:00.000Z", System.Globalization.CultureInfo.InvariantCulture);

    public static TestSigner Registrar { get; } = new("registrar");

    public static async Task OpenAsync(LedgerGrains host, DateTimeOffset now)
    {
        var outcome = await host.ExecuteAsync(Registrar.Sign(RegistryCommandTypes.OpenRegistry, new JsonObject
        {
            ["displayName"] = "街道管理员",
            ["publicKey"] = Registrar.PublicKeyHex,
            ["registrarId"] = Registrar.PersonId,
        }, now, "open"), default);
        Assert.IsType<CommandOutcome.Accepted>(outcome);
    }

    /// <summary>The registrar names <paramref name="logKey"/> the log key (docs/FORMAT.md §10.3): the log signs checkpoints only under a named key.</summary>
    public static async Task NameLogKeyAsync(LedgerGrains host, Ledger.Checkpoints.NoteVerifierKey logKey, DateTimeOffset now)
    {
        var outcome = await host.ExecuteAsync(Registrar.Sign(RegistryCommandTypes.NameLogKey, new JsonObject { ["verifierKey"] = logKey.Format() },
            now, $"name-log-key-{logKey.KeyId:x8}"), default);
        Assert.IsType<CommandOutcome.Accepted>(outcome);
    }

    public static Ledger.Entries.SignedCommand Register(TestSigner person, DateTimeOffset now, params string[] roles) =>
        Registrar.Sign(RegistryCommandTypes.RegisterPerson, new JsonObject
        {
            ["displayName"] = person.PersonId,
            ["personId"] = person.PersonId,
            ["publicKey"] = person.PublicKeyHex,
            ["roles"] = new JsonArray(roles.Select(r => (JsonNode)JsonValue.Create(r)).ToArray()),
        }, now, $"register-{person.PersonId}");
}
