using Ledger.Entries;
using Ledger.Signing;

namespace Ledger.Client;

/// <summary>
/// A person's signing key, as a client holds it: the person id and the Ed25519 key, kept in a
/// key file (<see cref="KeyFile"/>, docs/API.md "Key files") readable by its owner only.
/// </summary>
public sealed record PersonKey(string PersonId, SigningKey Key)
{
    public string KeyId => KeyIds.Of(Key.PublicKey.Bytes);

    public static PersonKey Load(string path)
    {
        var (personId, key) = KeyFile.Decode(File.ReadAllBytes(path), path);
        return new PersonKey(personId, key);
    }
}
