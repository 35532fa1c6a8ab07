using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Canonical;
using Ledger.Checkpoints;
using Ledger.Signing;

namespace Ledger.Witness;

/// <summary>
/// The witness's key, in <c>DIR/witness-key.json</c>: a JSON object with exactly name, seed (the
/// 32-byte Ed25519 seed of RFC 8032 §5.1.5, hex) and vkey (its cosignature/v1 verifier key,
/// FORMAT.md §10.7), UTF-8 without a byte-order mark, readable by its owner only from the moment
/// it exists. The vkey is redundant with the name and seed and checked against them when read,
/// so a file edited by hand or mixed up with another is refused.
/// </summary>
public static class WitnessKeyFile
{
    public const string FileName = "witness-key.json";

    static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, NewLine = "\n" };

    /// <summary>Makes the key of a new witness in <paramref name="stateFolder"/> and returns its verifier key.</summary>
    /// <exception cref="ArgumentException">The name is not a valid key name.</exception>
    /// <exception cref="IOException">The folder already holds a witness key (it is never overwritten), or cannot be written.</exception>
    public static CosignatureVerifierKey Create(string stateFolder, string name)
    {
        var seed = RandomNumberGenerator.GetBytes(Ed25519.SeedSizeBytes);
        try
        {
            using var key = SigningKey.FromSeed(seed);
            var signer = new CosignatureSigner(name, key);
            var bytes = JsonSerializer.SerializeToUtf8Bytes(new JsonObject
            {
                ["name"] = name,
                ["seed"] = Hex.Encode(seed),
                ["vkey"] = signer.VerifierKey.Format(),
            }, Indented);
            DurableFile.CreateNew(Path.Combine(stateFolder, FileName), bytes);
            CryptographicOperations.ZeroMemory(bytes);
            return signer.VerifierKey;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    /// <summary>Reads the witness's key from <paramref name="stateFolder"/>: its name and signing key.</summary>
    /// <exception cref="FormatException">The file is not a witness key file, or its parts do not belong together.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static (string Name, SigningKey Key) Read(string stateFolder)
    {
        var path = Path.Combine(stateFolder, FileName);
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var fields = JsonFields.Of(document.RootElement, path, "name", "seed", "vkey");
            var name = fields.String("name");
            var seed = Hex.Decode(fields.String("seed"), Ed25519.SeedSizeBytes);
            var key = SigningKey.FromSeed(seed);
            CryptographicOperations.ZeroMemory(seed);
            if (!NoteVerifierKey.IsValidName(name) || new CosignatureSigner(name, key).VerifierKey.Format() != fields.String("vkey"))
            {
                key.Dispose();
                throw new FormatException($"{path}: name, seed and vkey do not belong together");
            }
            return (name, key);
        }
        catch (JsonException e)
        {
            throw new FormatException($"{path} is not a witness key file: {e.Message}", e);
        }
    }
}
