using System.Net;
using Ledger.Api;
using Ledger.Api.Hosting;
using Ledger.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Ledger.Tests.Hosting;

/// <summary>
/// Issue 14: the Orleans dashboard for operators, on an admin path when turned on
/// (<c>Admin:Dashboard</c>), answering this machine only unless configured otherwise, and not
/// part of the API's OpenAPI document.
/// </summary>
public sealed class DashboardTests(ApiServer api) : IClassFixture<ApiServer>
{
    [Fact]
    public async Task TheDashboardAnswersOnTheAdminPathFromThisMachineWhenTurnedOn()
    {
        var database = new TestDatabase();
        await database.InitializeAsync();
        using var folder = TestFolder.Create();
        try
        {
            var options = new ServerOptions(Path.Combine(folder.Path, "data"), database.ConnectionString, "http://127.0.0.1:0");
            await using var server = await LedgerServer.StartAsync(["--Admin:Dashboard=true"], options.AsSettings());
            using var http = new HttpClient { BaseAddress = server.Address };

            using var response = await http.GetAsync($"{LedgerHosting.DashboardPath}/index.html");

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        }
        finally
        {
            await database.DisposeAsync();
        }
    }

    [Fact]
    public async Task WithoutTheSettingTheAdminPathIsAnUnknownRoute()
    {
        using var http = new HttpClient { BaseAddress = api.Server.Address };

        using var response = await http.GetAsync($"{LedgerHosting.DashboardPath}/index.html");

        await ErrorProblemTests.AssertProblemAsync(response, HttpStatusCode.NotFound, "NotFound");
    }

    [Theory]
    [InlineData("192.0.2.10", false, StatusCodes.Status404NotFound)]
    [InlineData("192.0.2.10", true, StatusCodes.Status200OK)]
    [InlineData("127.0.0.1", false, StatusCodes.Status200OK)]
    [InlineData("::1", false, StatusCodes.Status200OK)]
    public async Task AnotherMachineIsAnsweredOnlyWhenAllowed(string remote, bool allowRemote, int status)
    {
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(Options.Create(new AdminSettings { AllowRemoteDashboard = allowRemote }))
            .BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Connection.RemoteIpAddress = IPAddress.Parse(remote);
        context.Response.Body = new MemoryStream();

        var result = await LedgerHosting.DashboardFromLoopbackOnly(EndpointFilterInvocationContext.Create(context),
            _ => ValueTask.FromResult<object?>(Results.Ok()));
        await ((IResult)result!).ExecuteAsync(context);

        Assert.Equal(status, context.Response.StatusCode);
    }
}
