using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Canonical;
using Ledger.Entries;
using Ledger.Signing;

namespace Ledger.Client;

/// <summary>
/// A person's signing key, as a client holds it: the person id and the Ed25519 key. Kept in a
/// key file (docs/API.md "Key files"): JSON with the person id, the 32-byte seed in hex, the
/// public key and its key id, readable by its owner only. The zero-setup server keeps the
/// registrar's root key this way, under the data folder, and the demo its people's keys.
/// </summary>
public sealed record PersonKey(string PersonId, SigningKey Key)
{
    public string KeyId => KeyIds.Of(Key.PublicKey.Bytes);

    public static PersonKey LoadOrCreate(string path, string personId)
    {
        if (File.Exists(path))
        {
            return Load(path);
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var seed = RandomNumberGenerator.GetBytes(Ed25519.SeedSizeBytes);
        var file = new PersonKey(personId, SigningKey.FromSeed(seed));
        var json = new JsonObject
        {
            ["personId"] = personId,
            ["seed"] = Hex.Encode(seed),
            ["publicKey"] = Hex.Encode(file.Key.PublicKey.Bytes),
            ["keyId"] = file.KeyId,
        };
        CryptographicOperations.ZeroMemory(seed);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            // A seed is a secret: readable and writable by its owner only.
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using var stream = new FileStream(path, options);
        JsonSerializer.Serialize(stream, json, new JsonSerializerOptions { WriteIndented = true });
        return file;
    }

    public static PersonKey Load(string path)
    {
        var fields = JsonFields.Of(JsonDocument.Parse(File.ReadAllBytes(path)).RootElement, path, "keyId", "personId", "publicKey", "seed");
        var file = new PersonKey(fields.String("personId"), SigningKey.FromSeed(Hex.Decode(fields.String("seed"), Ed25519.SeedSizeBytes)));
        if (fields.String("publicKey") != Hex.Encode(file.Key.PublicKey.Bytes) || fields.String("keyId") != file.KeyId)
        {
            throw new FormatException($"{path}: publicKey and keyId do not belong to the seed");
        }
        return file;
    }
}
