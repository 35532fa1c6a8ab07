using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Entries;
using Ledger.Hashing;
using Ledger.Signing;
using Ledger.Tests.Tampering;
using Ledger.Verifier.Verification;

namespace Ledger.Tests.Format;

/// <summary>
/// The verifier checks a signature over the command exactly as the entry's line holds it
/// (issue 16 item 6), not over the command parsed and encoded again: the two must be the same
/// bytes for every entry that parses, whatever its strings hold.
/// </summary>
[Collection(DemoExportCollection.Name)]
public sealed class SignedCommandBytesTests(DemoExport demo)
{
    [Fact]
    public void EveryDemoEntrysSignedBytesAreTheCommandAsItsLineHoldsIt()
    {
        Assert.NotEmpty(demo.Lines);
        foreach (var line in demo.Lines)
        {
            Assert.Equal(Entry.Parse(line).SignedCommand.Command.SignedBytes(), EntryPreparation.SignedCommandBytes(line));
        }
    }

    [Fact]
    public void StringsWithEscapesAndCharactersBeyondAsciiAreSignedAsTheLineHoldsThem()
    {
        using var key = SigningKey.FromSeed(SHA256.HashData("signed command bytes"u8));
        var body = new JsonObject { ["note"] = "引号\" 反斜杠\\ 换行\n 控制\u0001 表情😀", ["points"] = 10 };
        var command = new Command("person-1", KeyIds.Of(key.PublicKey.Bytes), "AwardPoints", JsonSerializer.SerializeToElement(body),
            "key \"1\"\t", DateTimeOffset.Parse("2026-01-31T08:00:00.000Z", System.Globalization.CultureInfo.InvariantCulture));
        var signed = SignedCommand.Sign(command, key);
        var entry = Entry.Create("household/h-1", 0, Hash.Zero, "PointsAwarded", body, signed, command.IssuedAt);
        var line = entry.CanonicalBytes.ToArray();

        Assert.Equal(command.SignedBytes(), EntryPreparation.SignedCommandBytes(line));
        Assert.True(key.PublicKey.Verify(EntryPreparation.SignedCommandBytes(line), signed.Signature));
    }
}
