using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Ledger.Tests.Hosting;

/// <summary>
/// Issue 14: every error status the server answers carries an RFC 9457 problem with its stable
/// code, also those no endpoint answers (an unknown route, a wrong method, oversized headers).
/// Kestrel's own rejections, made before any of the server's code runs, are pinned as what
/// docs/API.md says they are.
/// </summary>
public sealed class ErrorProblemTests(ApiServer api) : IClassFixture<ApiServer>
{
    [Theory]
    [InlineData("GET", "/no/such/route", HttpStatusCode.NotFound, "NotFound")]
    [InlineData("GET", "/v1/nothing-here", HttpStatusCode.NotFound, "NotFound")]
    [InlineData("DELETE", "/health", HttpStatusCode.MethodNotAllowed, "MethodNotAllowed")]
    [InlineData("GET", "/v1/commands/AwardPoints", HttpStatusCode.MethodNotAllowed, "MethodNotAllowed")]
    public async Task AnErrorNoEndpointAnswersIsAProblemWithItsCode(string method, string path, HttpStatusCode status, string code)
    {
        using var http = new HttpClient { BaseAddress = api.Server.Address };

        using var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        await AssertProblemAsync(response, status, code);
    }

    [Fact]
    public async Task HeadersBeyondTheServersBoundAreA431ProblemWithItsCode()
    {
        using var http = new HttpClient { BaseAddress = api.Server.Address };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health");
        request.Headers.Add("X-Padding", new string('a', Api.Hosting.LedgerHosting.MaxRequestHeadersBytes + 1));

        using var response = await http.SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.RequestHeaderFieldsTooLarge, "RequestHeadersTooLarge");
    }

    [Fact]
    public async Task HeadersJustWithinTheBoundAreServed()
    {
        using var http = new HttpClient { BaseAddress = api.Server.Address };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health");
        request.Headers.Add("X-Padding", new string('a', Api.Hosting.LedgerHosting.MaxRequestHeadersBytes / 2));

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("GET /v1/%00 HTTP/1.1", "a %00 in the path")]
    [InlineData("GET /health HTTP/1.1 extra", "a bad request line")]
    public async Task KestrelsOwnRejectionsAreA400WithoutABodyAndCloseTheConnection(string requestLine, string what)
    {
        // Kestrel rejects these while parsing the request line, before any middleware runs,
        // and its answer cannot be given a body (docs/API.md "Errors"): pinned here so that a
        // change of Kestrel's shows.
        var answer = await SendRawAsync($"{requestLine}\r\nHost: localhost\r\n\r\n");

        Assert.True(answer.StartsWith("HTTP/1.1 400 ", StringComparison.Ordinal), $"{what}: {answer}");
        Assert.Contains("Content-Length: 0", answer);
        Assert.Contains("Connection: close", answer);
    }

    [Fact]
    public async Task AMissingAuthorizationIsStillTheEndpointsOwnProblem()
    {
        using var http = new HttpClient { BaseAddress = api.Server.Address };

        using var response = await http.GetAsync("/v1/export");

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "Unauthenticated");
    }

    internal static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.Equal($"urn:community-ledger:problem:{code}", problem.GetProperty("type").GetString());
        Assert.False(problem.TryGetProperty("traceId", out _), body);
        return problem;
    }

    async Task<string> SendRawAsync(string request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(api.Server.Address.Host, api.Server.Address.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        // Kestrel closes the connection after its answer: read to the end.
        using var reader = new StreamReader(stream, Encoding.ASCII);
        return await reader.ReadToEndAsync();
    }
}
