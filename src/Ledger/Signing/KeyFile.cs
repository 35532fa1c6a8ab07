using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Canonical;
using Ledger.Entries;

namespace Ledger.Signing;

/// <summary>
/// The key file (docs/API.md "Key files"): a JSON object with exactly the members personId,
/// seed (the 32-byte Ed25519 seed of RFC 8032 §5.1.5, hex), publicKey (hex) and keyId
/// (FORMAT.md §4.4), written indented in that order. The last two are redundant with the seed
/// and checked against it when read, so a file edited by hand or mixed up with another is
/// refused rather than signing under a key nobody registered. Nothing hashes or signs these
/// bytes, so they are not canonical JSON (STYLE.md 5) but indented for whoever opens the file,
/// exactly as key files have always been written. Bytes only: the file, readable by its owner
/// only, is the edge's (Client's PersonKey reads it, Api's OwnerOnlyKeyFile makes it).
/// </summary>
public static class KeyFile
{
    static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, NewLine = "\n" };

    /// <summary>The key file of <paramref name="personId"/>'s key drawn as <paramref name="seed"/>.</summary>
    public static byte[] Encode(string personId, ReadOnlySpan<byte> seed)
    {
        using var key = SigningKey.FromSeed(seed);
        var json = new JsonObject
        {
            ["personId"] = personId,
            ["seed"] = Hex.Encode(seed),
            ["publicKey"] = Hex.Encode(key.PublicKey.Bytes),
            ["keyId"] = KeyIds.Of(key.PublicKey.Bytes),
        };
        return JsonSerializer.SerializeToUtf8Bytes(json, Indented);
    }

    /// <summary>Reads a key file; <paramref name="what"/> names it in errors.</summary>
    /// <exception cref="FormatException">The members are not exactly the four, or do not belong together.</exception>
    /// <exception cref="JsonException">The bytes are not JSON.</exception>
    public static (string PersonId, SigningKey Key) Decode(ReadOnlyMemory<byte> bytes, string what)
    {
        using var document = JsonDocument.Parse(bytes);
        var fields = JsonFields.Of(document.RootElement, what, "keyId", "personId", "publicKey", "seed");
        var personId = fields.String("personId");
        var seed = Hex.Decode(fields.String("seed"), Ed25519.SeedSizeBytes);
        var key = SigningKey.FromSeed(seed);
        CryptographicOperations.ZeroMemory(seed);
        if (fields.String("publicKey") != Hex.Encode(key.PublicKey.Bytes) || fields.String("keyId") != KeyIds.Of(key.PublicKey.Bytes))
        {
            key.Dispose();
            throw new FormatException($"{what}: publicKey and keyId do not belong to the seed");
        }
        return (personId, key);
    }
}
