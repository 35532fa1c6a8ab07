using Ledger.Entries;
using Ledger.Hashing;

namespace Ledger.Tests.Hashing;

/// <summary>SHA-256 over a domain prefix and data (FORMAT.md §3), whether the input is copied to the stack or, when long, to a pooled buffer.</summary>
public class HashTests
{
    [Fact]
    public void AShortInputHashesAsThePrefixFollowedByTheData()
    {
        // { printf 'CommunityLedger/v1/entry\n'; printf '{}'; } | sha256sum
        Assert.Equal("bfe2af27a39a47fbe549864ac7a5e664e7a40ebb9e6701360ebc31b6936c3f57", Hash.Of(FormatVersion.EntryHashPrefix, "{}"u8).ToString());
    }

    [Fact]
    public void AnInputLongerThanTheStackBufferHashesTheSame()
    {
        // { printf 'CommunityLedger/v1/entry\n'; head -c 5000 /dev/zero | tr '\0' 'a'; } | sha256sum
        var data = Enumerable.Repeat((byte)'a', 5_000).ToArray();

        Assert.Equal("409457949ceebf91f86fcc7dd0b61676b293e5304c707ccea864f06b9488bae4", Hash.Of(FormatVersion.EntryHashPrefix, data).ToString());
    }

    [Fact]
    public void DataInTwoPartsHashesAsTheTwoTogether()
    {
        var digest = new byte[Hash.Size];

        Hash.Of(FormatVersion.EntryHashPrefix, "{"u8, "}"u8, digest);

        Assert.Equal(Hash.Of(FormatVersion.EntryHashPrefix, "{}"u8).Bytes.ToArray(), digest);
    }
}
