using System.Net;
using System.Text;
using Ledger.Api.Endpoints;
using Ledger.Checkpoints;
using Ledger.Grains.Log;
using Ledger.Rules.Projects;

namespace Ledger.Tests.Views;

/// <summary>
/// The public notice's QR code (docs/API.md "The public notice's QR code"): an SVG the server
/// draws from its own checkpoint at the size asked for and the project's entry under it. That
/// the drawn code decodes to the payload is checked in a browser by tests/Browser (jsQR reads
/// the rendered notice).
/// </summary>
public sealed class NoticeQrCodeTests(ApiServer api) : IClassFixture<ApiServer>
{
    const string ProjectId = "notice-1";

    [Fact]
    public void ThePayloadIsTheHeaderTheCheckpointsThreeLinesAndTheHead()
    {
        var checkpoint = Checkpoint.Create("community-ledger/bb58a6d3c1f04e2790d1c6a0f1e37248", 2,
            Convert.FromHexString("a7f4ec3830fb2ebe1ab56d8446b0a6df0de9fd62a37e0ade5b89321a9bd6b961"));

        var payload = NoticeEndpoints.Payload(checkpoint, "project/b3-elevator", 33, new string('a', 64));

        // The three checkpoint lines are those of docs/FORMAT.md §10.3's example note.
        Assert.Equal(string.Join('\n', "CommunityLedger/v1/notice", "community-ledger/bb58a6d3c1f04e2790d1c6a0f1e37248", "2",
            "p/TsODD7Lr4atW2ERrCm3w3p/WKjfgreW4kyGpvWuWE=", "project/b3-elevator", "33", new string('a', 64)), payload);
        Assert.StartsWith(checkpoint.Format().TrimEnd('\n'), payload["CommunityLedger/v1/notice\n".Length..], StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheCodeIsAnSvgForASignedCheckpointAndAnEntryUnderIt()
    {
        var latest = await OpenProjectAndSignAsync();

        using var response = await api.Client.Http.GetAsync($"/v1/projects/{ProjectId}/notice-qr?treeSize={latest.TreeSize}&sequence=0");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/svg+xml", response.Content.Headers.ContentType!.MediaType);
        var svg = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("<svg", svg, StringComparison.Ordinal);
        var entry = (await api.Server.Database.Entries.ReadStreamAsync(ProjectRules.StreamOf(ProjectId), 0, default))[0];
        var checkpoint = Checkpoint.Parse(SignedNote.Parse(Encoding.UTF8.GetBytes(latest.Note)).Note!.Text).Checkpoint!;
        Assert.Equal(NoticeEndpoints.Svg(NoticeEndpoints.Payload(checkpoint, ProjectRules.StreamOf(ProjectId), 0, entry.Entry.Hash.ToString())), svg);
    }

    [Theory]
    [InlineData("treeSize=0&sequence=0", HttpStatusCode.BadRequest)]
    [InlineData("treeSize=x&sequence=0", HttpStatusCode.BadRequest)]
    [InlineData("sequence=0", HttpStatusCode.BadRequest)]
    [InlineData("treeSize={size}&sequence=-1", HttpStatusCode.BadRequest)]
    [InlineData("treeSize={size}&sequence=5", HttpStatusCode.NotFound)]
    [InlineData("treeSize=999999&sequence=0", HttpStatusCode.NotFound)]
    [InlineData("treeSize=1&sequence=0", HttpStatusCode.NotFound)]
    public async Task ACodeForNoSignedCheckpointOrNoEntryUnderItIsRefused(string query, HttpStatusCode expected)
    {
        var latest = await OpenProjectAndSignAsync();

        var response = await api.Client.GetAsync($"/v1/projects/{ProjectId}/notice-qr?{query.Replace("{size}", latest.TreeSize.ToString(System.Globalization.CultureInfo.InvariantCulture))}");

        Assert.Equal(expected, response.Status);
        Assert.Equal(expected == HttpStatusCode.NotFound ? "NotFound" : "MalformedRequest", response.Code);
    }

    async Task<StoredCheckpoint> OpenProjectAndSignAsync()
    {
        var response = await api.Client.SendAsync(api.Officer, ProjectCommandTypes.OpenProject, Commands.CommandRefusalTests.OpenProject(ProjectId),
            idempotencyKey: "notice/open");
        Assert.True(response.IsSuccess, response.Body.ToString());
        var outcome = await api.Server.Log.IntegrateAndSignNowAsync(default);
        return outcome.Latest!;
    }
}
