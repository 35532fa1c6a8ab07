using Ledger.Api.Contracts;
using Ledger.Grains.Hosting;
using Ledger.Grains.Storage;
using Ledger.Rules.Registry;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ledger.Api.Endpoints;

/// <summary>
/// The public keys of the registry (docs/API.md "Public keys"). The registry stream is private
/// (names, roles, households), but checking a signature of a public entry needs the signer's
/// public key: this lists every key with its key id, its person id, and the log positions at
/// which it was registered and revoked — no names, no roles, no households. Person ids are
/// already public: every public entry carries its signer's signed command.
/// </summary>
public static class KeyEndpoints
{
    public static void MapKeyEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/keys", GetPublicKeys)
            .WithName("GetPublicKeys")
            .WithSummary("Every registered signing key: key id, person id, Ed25519 public key, when it was registered and revoked.")
            .WithDescription("Public: what a browser or a resident needs to check the signatures of public entries. "
                + "No names, roles or households; the registry itself stays a signed read.")
            .WithTags("Registry")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary>Every registered signing key, in the order the registry registered them: key id, person id, Ed25519 public key, and the log positions of its registration and revocation.</summary>
    /// <param name="grains">The grain host, for the registry as it stands.</param>
    /// <param name="database">The ledger's database: the registry's entries, for their log positions.</param>
    /// <param name="cancellationToken">Cancelled when the client goes away.</param>
    public static async Task<Ok<PublicKeys>> GetPublicKeys(LedgerGrains grains, LedgerDatabase database, CancellationToken cancellationToken)
    {
        var registry = (RegistryState)await grains.ReadStateAsync(RegistryRules.Stream, cancellationToken);
        var added = new Dictionary<string, long>(StringComparer.Ordinal);
        var revoked = new Dictionary<string, long>(StringComparer.Ordinal);
        // The positions come from the entries the state folded, no further: a key registered
        // since is listed on the next read, with its position.
        foreach (var stored in await database.Entries.ReadStreamAsync(RegistryRules.Stream, 0, cancellationToken))
        {
            var entry = stored.Entry;
            if (entry.Sequence > registry.Sequence || ViewEndpoints.KeyNamedBy(entry) is not { } keyId)
            {
                continue;
            }
            if (entry.Type == RegistryEntryTypes.KeyRevoked)
            {
                revoked[keyId] = stored.LogPosition;
            }
            else if (entry.Type is RegistryEntryTypes.RegistryOpened or RegistryEntryTypes.PersonRegistered or RegistryEntryTypes.KeyAdded)
            {
                added[keyId] = stored.LogPosition;
            }
        }
        var keys = registry.Keys.Values
            .OrderBy(k => added[k.KeyId])
            .Select(k => new PublicKeyView(k.KeyId, k.PersonId, k.PublicKey.ToString(), added[k.KeyId],
                k.Revoked ? revoked[k.KeyId] : null))
            .ToList();
        return TypedResults.Ok(new PublicKeys(registry.RootKeyId!, keys, registry.IsTrial));
    }
}
