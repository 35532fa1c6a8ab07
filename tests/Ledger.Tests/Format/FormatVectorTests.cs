using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Ledger.Canonical;
using Ledger.Entries;
using Ledger.Hashing;
using Ledger.Rules;
using Ledger.Rules.Registry;
using Ledger.Signing;

namespace Ledger.Tests.Format;

/// <summary>
/// tests/vectors/format_v1.json, checked in both directions: from the fields, the code must
/// produce the vector's bytes, signature and hash; from the bytes, the rules of
/// docs/FORMAT.md recomputed here with nothing but SHA-256 and Ed25519 must agree.
/// </summary>
public sealed class FormatVectorTests
{
    const string File = "format_v1.json";

    public static TheoryData<string> Entries => FormatVectorFiles.Names(File, "entries");

    public static TheoryData<string> CorruptedEntries => FormatVectorFiles.Names(File, "corrupted");

    [Theory]
    [MemberData(nameof(Entries))]
    public void FieldsProduceTheVectorsBytesSignatureAndHash(string name)
    {
        var vector = FormatVectorFiles.Case(File, "entries", name);
        var fields = vector["fields"]!;
        using var signer = Signer(vector["signer"]!.GetValue<string>());
        var command = Command.FromJson(JsonSerializer.SerializeToElement(fields["command"]));
        var signedCommand = new SignedCommand(command, signer.Sign(command.SignedBytes()));

        var entry = Entry.Create(
            fields["stream"]!.GetValue<string>(),
            fields["sequence"]!.GetValue<long>(),
            Hash.Parse(fields["previousHash"]!.GetValue<string>()),
            fields["type"]!.GetValue<string>(),
            fields["body"]!.AsObject(),
            signedCommand,
            DateTimeOffset.Parse(fields["recordedAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(vector["commandSignedBytes"]!.GetValue<string>(), Encoding.UTF8.GetString(command.SignedBytes()));
        Assert.Equal(vector["commandSignature"]!.GetValue<string>(), Hex.Encode(signedCommand.Signature));
        Assert.Equal(vector["entryBytes"]!.GetValue<string>(), Encoding.UTF8.GetString(entry.CanonicalBytes));
        Assert.Equal(vector["entryHash"]!.GetValue<string>(), entry.Hash.ToString());
    }

    [Theory]
    [MemberData(nameof(Entries))]
    public void BytesRecomputedByTheDocumentsRulesGiveTheVectorsHashAndSignature(string name)
    {
        var vector = FormatVectorFiles.Case(File, "entries", name);
        var entryBytes = Encoding.UTF8.GetBytes(vector["entryBytes"]!.GetValue<string>());

        // FORMAT.md §4.2, with nothing but SHA-256: hash = SHA-256("CommunityLedger/v1/entry\n" ‖ bytes).
        var hash = SHA256.HashData([.. "CommunityLedger/v1/entry\n"u8, .. entryBytes]);
        Assert.Equal(vector["entryHash"]!.GetValue<string>(), Convert.ToHexStringLower(hash));

        // FORMAT.md §6.2: the signature is over the command prefix and the canonical command
        // found inside the entry.
        using var document = JsonDocument.Parse(entryBytes);
        var command = document.RootElement.GetProperty("signedCommand").GetProperty("command");
        var signedMessage = Encoding.UTF8.GetBytes("CommunityLedger/v1/command\n").Concat(CanonicalJson.Encode(command)).ToArray();
        Assert.Equal(vector["commandSignedBytes"]!.GetValue<string>(), Encoding.UTF8.GetString(signedMessage));
        var publicKey = Signer(vector["signer"]!.GetValue<string>()).PublicKey;
        var signature = Convert.FromHexString(document.RootElement.GetProperty("signedCommand").GetProperty("signature").GetString()!);
        Assert.True(publicKey.Verify(signedMessage, signature));

        // FORMAT.md §4.4: the key id named in the command is the signer's.
        var keyId = SHA256.HashData([.. "CommunityLedger/v1/key\n"u8, .. publicKey.Bytes])[..16];
        Assert.Equal(Convert.ToHexStringLower(keyId), command.GetProperty("keyId").GetString());

        // And the reader accepts the bytes and reports the same fields.
        var entry = Entry.Parse(entryBytes);
        Assert.Equal(vector["fields"]!["stream"]!.GetValue<string>(), entry.Stream);
        Assert.Equal(vector["fields"]!["sequence"]!.GetValue<long>(), entry.Sequence);
        Assert.Equal(vector["entryHash"]!.GetValue<string>(), entry.Hash.ToString());
    }

    [Fact]
    public void TheVectorEntriesFormAChain()
    {
        var registry = Entry.Parse(Bytes(FormatVectorFiles.Case(File, "entries", "registry genesis")));
        var next = Entry.Parse(Bytes(FormatVectorFiles.Case(File, "entries", "person registered")));
        Assert.Equal(Hash.Zero, registry.PreviousHash);
        Assert.True(next.Follows(registry));
    }

    /// <summary>
    /// FORMAT.md §7 step 6: the vectors are entries a real ledger holds, each exactly what the
    /// rules make from its command on the state the entries before it left (issue 15: the
    /// genesis vector once used members the real genesis does not).
    /// </summary>
    [Fact]
    public void EachVectorEntryIsWhatTheRulesMakeFromItsCommand()
    {
        var states = new Dictionary<string, StreamState>(StringComparer.Ordinal);
        foreach (var vector in FormatVectorFiles.Load(File)["entries"]!.AsArray())
        {
            var entry = Entry.Parse(Bytes(vector!));
            var command = entry.SignedCommand.Command;
            var rule = Commands.Find(command.Type)!;
            var touched = Commands.StreamsOf(rule, command)
                .ToDictionary(s => s, s => states.GetValueOrDefault(s) ?? StreamState.Initial(s));
            var registry = (RegistryState)(states.GetValueOrDefault("registry") ?? RegistryState.Empty);
            var decision = Commands.Decide(rule, new DecisionContext(registry, touched, command, entry.RecordedAt));
            var made = Assert.Single(Assert.IsType<Decision.Accept>(decision).Entries);
            Assert.Equal((entry.Stream, entry.Type), (made.Stream, made.Type));
            Assert.Equal(CanonicalJson.Encode(made.Body), CanonicalJson.Encode(entry.Body));
            Assert.Equal(touched[entry.Stream].Sequence + 1, entry.Sequence);
            states[entry.Stream] = touched[entry.Stream].Apply(entry);
        }
        Assert.Equal(4, states.Values.Sum(state => state.Sequence + 1));
    }

    [Theory]
    [MemberData(nameof(CorruptedEntries))]
    public void CorruptedEntriesAreRejectedForTheirReason(string name)
    {
        var vector = FormatVectorFiles.Case(File, "corrupted", name);
        var bytes = Bytes(vector);
        var wantErr = vector["wantErr"]!.GetValue<string>();
        switch (wantErr)
        {
            case "canonical":
                Assert.Throws<CanonicalFormException>(() => Entry.Parse(bytes));
                break;
            case "schema":
                Assert.Throws<FormatException>(() => Entry.Parse(bytes));
                break;
            case "chain":
                var entry = Entry.Parse(bytes);
                Assert.NotEqual(vector["previousEntryHash"]!.GetValue<string>(), entry.PreviousHash.ToString());
                break;
            case "signature":
                var parsed = Entry.Parse(bytes);
                var signer = SignerOfKeyId(parsed.SignedCommand.Command.KeyId);
                Assert.False(signer.Verify(parsed.SignedCommand.Command.SignedBytes(), parsed.SignedCommand.Signature));
                break;
            default:
                Assert.Fail($"unknown wantErr {wantErr}");
                break;
        }
    }

    static byte[] Bytes(System.Text.Json.Nodes.JsonNode vector) =>
        Encoding.UTF8.GetBytes(vector["entryBytes"]!.GetValue<string>());

    static SigningKey Signer(string name)
    {
        var signer = FormatVectorFiles.Load(File)["signers"]!.AsArray().Single(s => s!["name"]!.GetValue<string>() == name)!;
        var key = SigningKey.FromSeed(Convert.FromHexString(signer["seed"]!.GetValue<string>()));
        Assert.Equal(signer["publicKey"]!.GetValue<string>(), Convert.ToHexStringLower(key.PublicKey.Bytes));
        Assert.Equal(signer["keyId"]!.GetValue<string>(), KeyIds.Of(key.PublicKey.Bytes));
        return key;
    }

    static VerificationKey SignerOfKeyId(string keyId)
    {
        var signer = FormatVectorFiles.Load(File)["signers"]!.AsArray().Single(s => s!["keyId"]!.GetValue<string>() == keyId)!;
        return VerificationKey.FromBytes(Convert.FromHexString(signer["publicKey"]!.GetValue<string>()));
    }
}
