using System.Net;
using System.Text.Json;

namespace Ledger.Tests.Views;

/// <summary>A stream is read a page at a time: from, limit, and the next page's from.</summary>
public sealed class StreamPagingTests(ViewScenario scenario) : IClassFixture<ViewScenario>
{
    const string Project = $"project/{ViewScenario.ProjectId}";

    [Fact]
    public async Task FollowingNextReadsTheWholeStreamOnceInOrder()
    {
        var sequences = new List<long>();
        long? from = 0;
        var pages = 0;
        while (from is not null)
        {
            var page = await PageAsync($"/v1/entries?stream={Project}&from={from}&limit=5");
            var entries = page.GetProperty("entries").EnumerateArray().ToList();
            Assert.InRange(entries.Count, 1, 5);
            sequences.AddRange(entries.Select(e => e.GetProperty("sequence").GetInt64()));
            from = page.GetProperty("next").ValueKind == JsonValueKind.Null ? null : page.GetProperty("next").GetInt64();
            pages++;
        }

        Assert.Equal(Enumerable.Range(0, 18).Select(i => (long)i), sequences);
        Assert.Equal(4, pages);
    }

    [Fact]
    public async Task APageThatEndsExactlyAtTheStreamsEndHasNoNext()
    {
        var page = await PageAsync($"/v1/entries?stream={Project}&from=12&limit=6");

        Assert.Equal(6, page.GetProperty("entries").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, page.GetProperty("next").ValueKind);
    }

    [Fact]
    public async Task WithoutFromAndLimitTheFirstHundredEntriesAreRead()
    {
        var page = await PageAsync($"/v1/entries?stream={Project}");

        Assert.Equal(18, page.GetProperty("entries").GetArrayLength());
        Assert.Equal(0, page.GetProperty("entries")[0].GetProperty("sequence").GetInt64());
    }

    [Fact]
    public async Task ReadingFromBeyondTheEndIsAnEmptyPage()
    {
        var page = await PageAsync($"/v1/entries?stream={Project}&from=1000");

        Assert.Equal(0, page.GetProperty("entries").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, page.GetProperty("next").ValueKind);
    }

    [Fact]
    public async Task AStreamWithNoEntriesIsAnEmptyPage()
    {
        var page = await PageAsync("/v1/entries?stream=project/nothing-here");

        Assert.Equal(0, page.GetProperty("entries").GetArrayLength());
    }

    [Theory]
    [InlineData($"/v1/entries?stream={Project}&limit=0")]
    [InlineData($"/v1/entries?stream={Project}&limit=1001")]
    [InlineData($"/v1/entries?stream={Project}&limit=1.5")]
    [InlineData($"/v1/entries?stream={Project}&from=-1")]
    [InlineData($"/v1/entries?stream={Project}&from=abc")]
    [InlineData($"/v1/entries?stream={Project}&from=+3")]
    [InlineData("/v1/entries?stream=projects/elevator-1")]
    [InlineData("/v1/entries?stream=")]
    [InlineData("/v1/entries")]
    public async Task AMalformedQueryValueIs400(string target)
    {
        var response = await scenario.Client.GetAsync(target);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("MalformedRequest", response.Code);
    }

    [Fact]
    public async Task AThousandIsTheLargestPage()
    {
        var response = await scenario.Client.GetAsync($"/v1/entries?stream={Project}&limit=1000");

        Assert.Equal(HttpStatusCode.OK, response.Status);
    }

    async Task<JsonElement> PageAsync(string target)
    {
        var response = await scenario.Client.GetAsync(target);
        Assert.Equal(HttpStatusCode.OK, response.Status);
        return response.Body;
    }
}
