using System.Net;

namespace Ledger.Tests.Views;

/// <summary>
/// The page at / (issue 9) is served by the ledger itself from wwwroot beside Api.dll, with a
/// Content-Security-Policy that lets it load nothing from anywhere else. What it does in a
/// browser is tested by tests/Browser.
/// </summary>
public sealed class PageFilesTests(ApiServer api) : IClassFixture<ApiServer>
{
    [Fact]
    public async Task TheRootServesThePageWithItsContentSecurityPolicy()
    {
        using var response = await api.Client.Http.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("<script type=\"module\" src=\"/js/app.js\"></script>", await response.Content.ReadAsStringAsync());
        Assert.Equal(Ledger.Api.Endpoints.PageFiles.ContentSecurityPolicy, response.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Theory]
    [InlineData("/js/app.js", "text/javascript")]
    [InlineData("/js/verify.js", "text/javascript")]
    [InlineData("/css/app.css", "text/css")]
    public async Task ScriptsAndStylesAreServedByTheLedger(string path, string mediaType)
    {
        using var response = await api.Client.Http.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task AnUnknownFileIsAProblemNotThePage()
    {
        var response = await api.Client.GetAsync("/js/missing.js");

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
    }
}
