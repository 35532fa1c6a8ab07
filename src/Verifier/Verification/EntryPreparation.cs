using System.Text.Json;
using Ledger.Bodies;
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
/// parallel, batch by batch, while the audit replays the batch before (<see cref="BatchPipeline"/>),
/// and handed on in log order. Keys are found by key id in the registry entries read so far —
/// a key id is the hash of its key (FORMAT.md §4.4), so an id names one key, whoever announced it.
/// </summary>
public static class EntryPreparation
{
    public static IEnumerable<PreparedEntry> Prepare(IEnumerable<SourcedEntry> entries)
    {
        // Batches are prepared one at a time, in log order, so the keys need no lock.
        var keys = new Dictionary<string, VerificationKey>(StringComparer.Ordinal);
        foreach (var batch in BatchPipeline.InTurns(entries, new EntryBatch(keys), new EntryBatch(keys)))
        {
            for (var i = 0; i < batch.Count; i++)
            {
                yield return batch.Prepared[i];
            }
        }
    }

    sealed class EntryBatch(Dictionary<string, VerificationKey> keys) : IPreparedBatch
    {
        const int Capacity = 4_096;

        readonly SourcedEntry[] sources = new SourcedEntry[Capacity];
        readonly (Entry? Entry, string? Error, Hash Hash, byte[]? CommandBytes)[] parsed = new (Entry?, string?, Hash, byte[]?)[Capacity];

        public PreparedEntry[] Prepared { get; } = new PreparedEntry[Capacity];

        public int Count { get; private set; }

        /// <summary>Parses every entry, learns the keys the batch's registry entries announce, then verifies every signature.</summary>
        public void ReadAndPrepare(IEnumerator<SourcedEntry> source)
        {
            Count = BatchPipeline.Fill(sources, source);
            Parallel.For(0, Count, i =>
            {
                var bytes = sources[i].Bytes;
                if (sources[i].Overlong is { } overlong)
                {
                    parsed[i] = (null, overlong.Problem, Hash.FromBytes(overlong.EntryHash), null);
                    return;
                }
                try
                {
                    var entry = Entry.Parse(bytes);
                    parsed[i] = (entry, null, entry.Hash, SignedCommandBytes(bytes));
                }
                catch (Exception e) when (Untrusted.IsAboutTheInput(e))
                {
                    parsed[i] = (null, e.Message, Hash.Of(FormatVersion.EntryHashPrefix, bytes), null);
                }
            });
            for (var i = 0; i < Count; i++)
            {
                if (parsed[i].Entry is { Stream: RegistryRules.Stream } entry && KeyAnnounced(entry) is { } announced)
                {
                    keys[announced.KeyId] = announced.Key;
                }
            }
            Parallel.For(0, Count, i =>
            {
                var (entry, error, hash, commandBytes) = parsed[i];
                var key = entry is null ? null : keys.GetValueOrDefault(entry.SignedCommand.Command.KeyId);
                var valid = key is not null && key.Verify(commandBytes, entry!.SignedCommand.Signature);
                Prepared[i] = new PreparedEntry(sources[i], entry, error, hash, commandBytes, key, valid);
            });
        }
    }

    /// <summary>
    /// The bytes an entry's signer signed (FORMAT.md §6.2): the command prefix, then the entry's
    /// signedCommand.command exactly as the line holds it. Only for a line that parsed as an
    /// entry: canonical JSON, whose every member's value is that value's canonical encoding, so
    /// the slice is byte for byte what <see cref="Command.SignedBytes"/> would write again — from
    /// a new document, two encodings and several copies per entry.
    /// </summary>
    internal static byte[] SignedCommandBytes(ReadOnlySpan<byte> line)
    {
        var reader = new Utf8JsonReader(line);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("signedCommand"u8))
            {
                reader.Read();
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("command"u8))
                    {
                        reader.Read();
                        var start = checked((int)reader.TokenStartIndex);
                        reader.Skip();
                        return [.. FormatVersion.CommandSignaturePrefix, .. line[start..checked((int)reader.BytesConsumed)]];
                    }
                    reader.Skip();
                }
                break;
            }
            reader.Skip();
        }
        throw new InvariantViolationException("an entry that parsed holds a signedCommand.command");
    }

    /// <summary>The key a registry entry announces, if its key id is that key's (anything else is the audit's to report).</summary>
    static (string KeyId, VerificationKey Key)? KeyAnnounced(Entry entry)
    {
        try
        {
            var announcement = KeyAnnouncements.Of(entry);
            if (announcement is null || !Hex.TryDecode(announcement.PublicKey.Value, 32, out var bytes) || KeyIds.Of(bytes) != announcement.KeyId.Value)
            {
                return null;
            }
            return (announcement.KeyId.Value, VerificationKey.FromBytes(bytes));
        }
        catch (Exception e) when (Untrusted.IsAboutTheInput(e))
        {
            // A body that cannot be read, or not a key that can verify anything: the audit finds the
            // commands it was to sign unverified, and the replay reports the entry.
            return null;
        }
    }
}
