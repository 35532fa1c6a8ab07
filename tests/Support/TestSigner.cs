using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Canonical;
using Ledger.Entries;
using Ledger.Signing;

namespace Ledger.Tests.Support;

/// <summary>
/// A person's key in tests: derived from a name, so that every run signs the same bytes.
/// </summary>
public sealed class TestSigner(string personId, string? keyName = null)
{
    public string PersonId { get; } = personId;

    public SigningKey Key { get; } = SigningKey.FromSeed(SHA256.HashData(Encoding.UTF8.GetBytes("test key " + (keyName ?? personId))));

    public string KeyId => KeyIds.Of(Key.PublicKey.Bytes);

    public string PublicKeyHex => Hex.Encode(Key.PublicKey.Bytes);

    public SignedCommand Sign(string type, JsonObject body, DateTimeOffset issuedAt, string? idempotencyKey = null) =>
        SignedCommand.Sign(
            new Command(PersonId, KeyId, type, JsonSerializer.SerializeToElement(body), idempotencyKey ?? $"{type}-{Guid.NewGuid():N}", issuedAt),
            Key);
}

/// <summary>A clock that stands still until a test moves it.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    DateTimeOffset now = start;

    public override DateTimeOffset GetUtcNow() => now;

    public void Advance(TimeSpan by) => now += by;

    public void Set(DateTimeOffset to) => now = to;
}
