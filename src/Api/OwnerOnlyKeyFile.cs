using System.Security.Cryptography;
using Ledger.Api.Export;
using Ledger.Signing;

namespace Ledger.Api;

/// <summary>
/// A key file (<see cref="KeyFile"/>) made where it is missing, readable and writable by its
/// owner only from the moment it exists, since it holds a seed: the server's own keys under the
/// data folder (the registrar's root key, RegistryGenesis; the log key, LedgerStartup) and the
/// demo's people's keys.
/// </summary>
public static class OwnerOnlyKeyFile
{
    public static (string PersonId, SigningKey Key) LoadOrCreate(string path, string personId)
    {
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var seed = RandomNumberGenerator.GetBytes(Ed25519.SeedSizeBytes);
            var bytes = KeyFile.Encode(personId, seed);
            CryptographicOperations.ZeroMemory(seed);
            using (var stream = new FileStream(path, LedgerExport.PrivateFileOptions(FileAccess.Write, FileOptions.None)))
            {
                stream.Write(bytes);
            }
            CryptographicOperations.ZeroMemory(bytes);
        }
        return KeyFile.Decode(File.ReadAllBytes(path), path);
    }
}
