using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Entries;
using Ledger.Rules.Registry;

namespace Ledger.Tests.Views;

/// <summary>
/// GET /v1/keys (docs/API.md "Public keys"): the public half of the registry, what a browser
/// needs to check the signatures of public entries — key ids, person ids, public keys, when
/// each key was registered and revoked — and nothing about who the people are.
/// </summary>
public sealed class PublicKeysTests(ApiServer api) : IClassFixture<ApiServer>
{
    static readonly string[] KeyMembers = ["addedLogPosition", "keyId", "personId", "publicKey", "revokedLogPosition"];

    [Fact]
    public async Task EveryRegisteredKeyIsListedWithoutNamesRolesOrHouseholds()
    {
        var response = await api.Client.GetAsync("/v1/keys");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(api.Server.RootFingerprint, response.Body.GetProperty("rootKeyId").GetString());
        Assert.Equal(["keys", "rootKeyId", "trial"], response.Body.EnumerateObject().Select(m => m.Name).Order(StringComparer.Ordinal));
        // The test server is a zero-setup start: a trial, which the page shows as such.
        Assert.True(response.Body.GetProperty("trial").GetBoolean());
        var keys = response.Body.GetProperty("keys").EnumerateArray().ToList();
        var registry = (RegistryState)await api.Server.Grains.ReadStateAsync(RegistryRules.Stream, default);
        Assert.Equal(registry.Keys.Keys.Order(StringComparer.Ordinal), keys.Select(k => k.GetProperty("keyId").GetString()!).Order(StringComparer.Ordinal));
        Assert.Subset(keys.Select(k => k.GetProperty("personId").GetString()!).ToHashSet(), api.People.Select(p => p.Person.PersonId).ToHashSet());
        foreach (var key in keys)
        {
            var registered = registry.Keys[key.GetProperty("keyId").GetString()!];
            Assert.Equal(registered.PersonId, key.GetProperty("personId").GetString());
            Assert.Equal(registered.PublicKey.ToString(), key.GetProperty("publicKey").GetString());
            Assert.Equal(KeyMembers, key.EnumerateObject().Select(m => m.Name).Order(StringComparer.Ordinal));
            Assert.Equal(KeyIds.Of(Convert.FromHexString(key.GetProperty("publicKey").GetString()!)), key.GetProperty("keyId").GetString());
            Assert.Equal(registered.Revoked, key.GetProperty("revokedLogPosition").ValueKind != JsonValueKind.Null);
        }
        var text = response.Body.GetRawText();
        Assert.DoesNotContain(ApiServer.HouseholdA, text);
        Assert.DoesNotContain("Resident", text);
    }

    [Fact]
    public async Task AKeyIsListedWithTheLogPositionsOfItsRegistrationAndRevocation()
    {
        var added = SigningKeyOf("public keys test: a second key");
        var publicKey = Convert.ToHexStringLower(added.PublicKey.Bytes);
        var keyId = KeyIds.Of(added.PublicKey.Bytes);
        await SendAsync(RegistryCommandTypes.AddKey, new JsonObject { ["personId"] = api.ResidentB.PersonId, ["publicKey"] = publicKey });
        await SendAsync(RegistryCommandTypes.RevokeKey, new JsonObject { ["personId"] = api.ResidentB.PersonId, ["keyId"] = keyId, ["reason"] = "phone lost" });

        var response = await api.Client.GetAsync("/v1/keys");

        var registry = await api.Server.Database.Entries.ReadStreamAsync("registry", 0, default);
        var listed = response.Body.GetProperty("keys").EnumerateArray().Single(k => k.GetProperty("keyId").GetString() == keyId);
        Assert.Equal(api.ResidentB.PersonId, listed.GetProperty("personId").GetString());
        Assert.Equal(publicKey, listed.GetProperty("publicKey").GetString());
        Assert.Equal(registry.Single(e => e.Entry.Type == RegistryEntryTypes.KeyAdded).LogPosition, listed.GetProperty("addedLogPosition").GetInt64());
        Assert.Equal(registry.Single(e => e.Entry.Type == RegistryEntryTypes.KeyRevoked).LogPosition, listed.GetProperty("revokedLogPosition").GetInt64());
        var root = response.Body.GetProperty("keys")[0];
        Assert.Equal(api.Server.RootFingerprint, root.GetProperty("keyId").GetString());
        Assert.Equal(registry[0].LogPosition, root.GetProperty("addedLogPosition").GetInt64());
    }

    async Task SendAsync(string type, JsonObject body)
    {
        var response = await api.Client.SendAsync(api.Registrar, type, body);
        Assert.True(response.IsSuccess, response.Body.ToString());
    }

    static Ledger.Signing.SigningKey SigningKeyOf(string text) =>
        Ledger.Signing.SigningKey.FromSeed(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
}
