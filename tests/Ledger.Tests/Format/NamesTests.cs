using Ledger.Entries;

namespace Ledger.Tests.Format;

/// <summary>FORMAT.md §5: a name matches its pattern as a whole string, a trailing line feed included (issue 15).</summary>
public sealed class NamesTests
{
    [Theory]
    [InlineData("nl-person")]
    [InlineData("b1-0101")]
    [InlineData("a")]
    public void AnIdentifierOfTheAlphabetIsAccepted(string id) => Assert.True(Names.IsIdentifier(id));

    [Theory]
    [InlineData("nl-person\n")]
    [InlineData("b1-0101\n")]
    [InlineData("\nb1-0101")]
    [InlineData("b1-0101\r\n")]
    [InlineData("")]
    [InlineData("-b1")]
    public void AnIdentifierWithALineFeedOrOutsideTheAlphabetIsRefused(string id) => Assert.False(Names.IsIdentifier(id));

    [Theory]
    [InlineData("registry\n")]
    [InlineData("catalog\n")]
    [InlineData("household/b1-0101\n")]
    public void AStreamIdEndingInALineFeedIsRefused(string stream)
    {
        Assert.False(Names.IsStreamId(stream));
        Assert.True(Names.IsStreamId(stream[..^1]));
    }

    [Fact]
    public void ATypeNameEndingInALineFeedIsRefused()
    {
        Assert.False(Names.IsTypeName("RegisterPerson\n"));
        Assert.True(Names.IsTypeName("RegisterPerson"));
    }
}
