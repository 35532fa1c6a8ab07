using System.Text;
using Ledger.Canonical;

namespace Ledger.Tests.Format;

/// <summary>tests/vectors/canonical_json.json: docs/FORMAT.md §2, in both directions.</summary>
public sealed class CanonicalJsonVectorTests
{
    const string File = "canonical_json.json";

    public static TheoryData<string> Cases => FormatVectorFiles.Names(File, "cases");

    [Theory]
    [MemberData(nameof(Cases))]
    public void EachCaseHasItsCanonicalFormOrIsRefused(string name)
    {
        var vector = FormatVectorFiles.Case(File, "cases", name);
        var input = Encoding.UTF8.GetBytes(vector["input"]!.GetValue<string>());
        var wantErr = vector["wantErr"]?.GetValue<string>();
        if (wantErr is not null)
        {
            Assert.Throws<CanonicalFormException>(() => CanonicalJson.Parse(input));
            return;
        }
        var expected = Encoding.UTF8.GetBytes(vector["canonical"]!.GetValue<string>());
        Assert.Equal(expected, CanonicalJson.Encode(CanonicalJson.Parse(input)));
        // The other direction: canonical bytes are accepted as they are and re-encode to themselves.
        Assert.Equal(expected, CanonicalJson.Encode(CanonicalJson.ParseCanonical(expected)));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void NonCanonicalSpellingsAreRefusedWhereCanonicalInputIsRequired(string name)
    {
        var vector = FormatVectorFiles.Case(File, "cases", name);
        var input = vector["input"]!.GetValue<string>();
        var canonical = vector["canonical"]?.GetValue<string>();
        if (canonical is null || canonical == input)
        {
            return;
        }
        Assert.Throws<CanonicalFormException>(() => CanonicalJson.ParseCanonical(Encoding.UTF8.GetBytes(input)));
    }

    [Fact]
    public void TheVectorFileCoversRefusalsAndAcceptances()
    {
        var cases = FormatVectorFiles.Load(File)["cases"]!.AsArray();
        Assert.Equal(22, cases.Count);
        Assert.Equal(14, cases.Count(c => c!["wantErr"] is not null));
    }
}
