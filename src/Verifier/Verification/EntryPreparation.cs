using Ledger.Canonical;
using Ledger.Entries;
using Ledger.Hashing;
using Ledger.Rules.Registry;
using Ledger.Signing;

namespace Ledger.Verifier.Verification;

/// <summary>
/// An entry read and checked as far as it can be without the ledger's state: parsed, hashed,
/// and its signature verified under the key its key id names. Whether that key was the
/// signer's to use, and when, is still decided in log order by the audit.
/// </summary>
public sealed record PreparedEntry(SourcedEntry Source, Entry? Entry, string? ParseError, Hash Hash, byte[]? CommandBytes,
    VerificationKey? CheckedKey, bool SignatureValid);

/// <summary>
/// The part of an audit that needs no state runs on every core (issue 8: the verifier should
/// approach the machine's Ed25519 rate): entries are parsed and their signatures verified in
/// parallel, batch by batch, and handed on in log order. Keys are found by key id in the
/// registry entries read so far — a key id is the hash of its key (FORMAT.md §4.4), so an id
/// names one key, whoever announced it.
/// </summary>
public static class EntryPreparation
{
    const int BatchSize = 4_096;

    public static IEnumerable<PreparedEntry> Prepare(IEnumerable<SourcedEntry> entries)
    {
        var keys = new Dictionary<string, VerificationKey>(StringComparer.Ordinal);
        var batch = new List<SourcedEntry>(BatchSize);
        foreach (var sourced in entries)
        {
            batch.Add(sourced);
            if (batch.Count == BatchSize)
            {
                foreach (var prepared in PrepareBatch(batch, keys))
                {
                    yield return prepared;
                }
                batch.Clear();
            }
        }
        foreach (var prepared in PrepareBatch(batch, keys))
        {
            yield return prepared;
        }
    }

    static PreparedEntry[] PrepareBatch(List<SourcedEntry> batch, Dictionary<string, VerificationKey> keys)
    {
        var parsed = new (Entry? Entry, string? Error, Hash Hash, byte[]? CommandBytes)[batch.Count];
        Parallel.For(0, batch.Count, i =>
        {
            var bytes = batch[i].Bytes;
            try
            {
                var entry = Entry.Parse(bytes);
                parsed[i] = (entry, null, entry.Hash, entry.SignedCommand.Command.SignedBytes());
            }
            catch (Exception e) when (e is FormatException or CanonicalFormException)
            {
                parsed[i] = (null, e.Message, Hash.Of(FormatVersion.EntryHashPrefix, bytes), null);
            }
        });
        foreach (var (entry, _, _, _) in parsed)
        {
            if (entry is { Stream: RegistryRules.Stream } && KeyAnnounced(entry) is { } announced)
            {
                keys[announced.KeyId] = announced.Key;
            }
        }
        var prepared = new PreparedEntry[batch.Count];
        Parallel.For(0, batch.Count, i =>
        {
            var (entry, error, hash, commandBytes) = parsed[i];
            var key = entry is null ? null : keys.GetValueOrDefault(entry.SignedCommand.Command.KeyId);
            var valid = key is not null && key.Verify(commandBytes, entry!.SignedCommand.Signature);
            prepared[i] = new PreparedEntry(batch[i], entry, error, hash, commandBytes, key, valid);
        });
        return prepared;
    }

    /// <summary>The key a registry entry announces, if its key id is that key's (anything else is the audit's to report).</summary>
    static (string KeyId, VerificationKey Key)? KeyAnnounced(Entry entry)
    {
        if (entry.Type is not (RegistryEntryTypes.RegistryOpened or RegistryEntryTypes.PersonRegistered or RegistryEntryTypes.KeyAdded)
            || !entry.Body.TryGetProperty("keyId", out var keyId) || !entry.Body.TryGetProperty("publicKey", out var publicKey)
            || keyId.ValueKind != System.Text.Json.JsonValueKind.String || publicKey.ValueKind != System.Text.Json.JsonValueKind.String
            || !Hex.TryDecode(publicKey.GetString()!, 32, out var bytes) || KeyIds.Of(bytes) != keyId.GetString())
        {
            return null;
        }
        return (keyId.GetString()!, VerificationKey.FromBytes(bytes));
    }
}
